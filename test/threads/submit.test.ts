import { describe, expect, it } from 'vitest';
import { ClosedError, QueueFullError } from '../../src/index.js';
import type { TaskErrorInfo } from '../../src/tasks/index.js';
import { createThreadPool } from '../../src/threads/index.js';
import { basicModule, basicPool, closeAndCheck } from './helpers.js';

describe('ThreadPool.submit (fire and forget)', () => {
  it('runs the task; its error goes to onError with the task id; an own abort is not an error', async () => {
    const errors: { error: unknown; info: TaskErrorInfo }[] = [];
    const pool = basicPool({ onError: (error, info) => errors.push({ error, info }) });
    const submitted = pool.submit('add', { a: 1, b: 2 });
    expect(submitted).toBeUndefined();
    pool.submit('fail', { message: 'bad input', code: 'E_INPUT' });
    const controller = new AbortController();
    pool.submit('waitForAbort', undefined, { signal: controller.signal });
    await pool.onEmpty();
    controller.abort(new Error('caller stopped it'));
    await pool.onIdle();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error).toMatchObject({ name: 'RangeError', message: 'bad input', code: 'E_INPUT' });
    expect(errors[0]?.info.taskId).toBeGreaterThan(0);
    const stats = pool.stats();
    expect(stats).toMatchObject({ submitted: 3, succeeded: 1, failed: 1, cancelled: 1 });
    await closeAndCheck(pool);
  });

  it('throws synchronously when refused: ClosedError after close, QueueFullError on a full queue', async () => {
    const closed = basicPool({ minThreads: 0 });
    await closed.close();
    expect(() => closed.submit('echo', 1)).toThrow(ClosedError);
    expect(() => closed.submit('echo', 1)).toThrow(expect.objectContaining({ code: 'POOLKIT_CLOSED' }));
    expect(closed.stats().rejected).toBe(2);

    const full = basicPool({ maxQueued: 1, concurrentTasksPerThread: 1 });
    await full.run('echo', 0); // the thread is up: the next task takes its one slot
    const blocker = new AbortController();
    const running = full.run('waitForAbort', undefined, { signal: blocker.signal });
    const queued = full.run('later', 'queued');
    expect([full.running, full.queued]).toEqual([1, 1]);
    expect(() => full.submit('echo', 1)).toThrow(QueueFullError);
    expect(full.stats().rejected).toBe(1);
    blocker.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    await expect(queued).resolves.toBe('queued');
    await closeAndCheck(full);
  });

  it('types the input from the module, and validates onError at construction', async () => {
    const pool = basicPool({ minThreads: 0 });
    // @ts-expect-error: add takes { a, b }
    expect(() => pool.submit('add', 'nope')).not.toThrow();
    await pool.onIdle();
    expect(() =>
      // @ts-expect-error: onError must be a function
      createThreadPool({ module: basicModule, onError: 'log' }),
    ).toThrow(expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION' }));
    await closeAndCheck(pool);
  });
});
