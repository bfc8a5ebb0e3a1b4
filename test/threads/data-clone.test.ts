import { describe, expect, it } from 'vitest';
import { basicPool, closeAndCheck } from './helpers.js';

describe('uncloneable values', () => {
  it('an input that cannot be cloned rejects with DataCloneError naming the path; its batch still runs', async () => {
    const pool = basicPool();
    await pool.run('echo', 0); // wait for the thread, so the three calls below share one batch
    const before = pool.run('echo', 1);
    const bad = pool.run('echo', { ok: true, callback: () => 1 });
    const after = pool.run('echo', 2);
    await expect(bad).rejects.toMatchObject({
      code: 'POOLKIT_DATA_CLONE',
      name: 'DataCloneError',
      path: 'input.callback',
    });
    expect(await before).toBe(1);
    expect(await after).toBe(2);
    await closeAndCheck(pool);
  });

  it('a task cancelled in the same tick as a bad input leaves no slot reserved', async () => {
    const pool = basicPool();
    await pool.run('echo', 0);
    const controller = new AbortController();
    const cancelled = pool.run('echo', 1, { signal: controller.signal });
    const bad = pool.run('echo', { fn: () => 1 });
    controller.abort(); // takes the posted task back before the batch is sent
    await Promise.allSettled([cancelled, bad]);
    await pool.onIdle();
    expect(pool.stats().threads.idle).toBe(1);
    expect(await pool.run('echo', 2)).toBe(2);
    await closeAndCheck(pool);
  });

  it('a result that cannot be cloned rejects with DataCloneError naming the path', async () => {
    const pool = basicPool();
    const error = (await pool.run('returnFunction').catch((e: unknown) => e)) as Error & { code: string; path: string };
    expect(error.code).toBe('POOLKIT_DATA_CLONE');
    expect(error.path).toBe('result.nested.fn');
    expect(error.message).toMatch(/result of task \d+ \(`returnFunction`\) cannot be cloned/);
    expect(await pool.run('add', { a: 1, b: 1 })).toBe(2);
    await closeAndCheck(pool);
  });
});
