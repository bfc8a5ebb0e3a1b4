import { describe, expect, it } from 'vitest';
import { ClosedError, createTaskPool } from '../../src/index.js';
import { flush } from './helpers.js';

describe('TaskPool: submit (fire and forget)', () => {
  it('sends task errors to onError with the task id, and nothing for successes or own aborts', async () => {
    const errors: { error: unknown; taskId: number }[] = [];
    const pool = createTaskPool({
      concurrency: 2,
      onError: (error, info) => errors.push({ error, taskId: info.taskId }),
    });
    pool.submit(async () => 'fine');
    pool.submit(async () => {
      throw new Error('bad');
    });
    const controller = new AbortController();
    pool.submit(() => new Promise(() => {}), { signal: controller.signal });
    controller.abort();
    await pool.onIdle().catch(() => {});
    await flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error).toMatchObject({ message: 'bad' });
    expect(errors[0]?.taskId).toBeGreaterThan(0);
  });

  it('throws synchronously when the pool refuses the task', async () => {
    const pool = createTaskPool();
    await pool.close();
    expect(() => pool.submit(async () => 1)).toThrow(ClosedError);
    expect(pool.stats().rejected).toBe(1);
  });

  it('a throwing onError does not disturb the pool', async () => {
    const pool = createTaskPool({
      onError: () => {
        throw new Error('handler broke');
      },
    });
    const uncaught: unknown[] = [];
    const listener = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', listener);
    try {
      pool.submit(async () => {
        throw new Error('task');
      });
      await flush();
      await expect(pool.run(async () => 'still fine')).resolves.toBe('still fine');
    } finally {
      process.off('uncaughtException', listener);
    }
    expect((uncaught[0] as Error | undefined)?.message).toBe('handler broke');
  });
});
