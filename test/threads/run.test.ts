import { describe, expect, expectTypeOf, it } from 'vitest';
import { basicPool, closeAndCheck, trackThreads } from './helpers.js';

describe('ThreadPool.run', () => {
  it('runs named handlers on a worker thread and returns their results', async () => {
    const pool = basicPool({ maxThreads: 2 });
    const log = trackThreads(pool);
    const sum = pool.run('add', { a: 2, b: 3 });
    expectTypeOf(sum).toEqualTypeOf<Promise<number>>();
    expect(await sum).toBe(5);
    expect(await pool.run('later', 'async')).toBe('async');
    const threadId = await pool.run('whoami');
    expect(threadId).toBeGreaterThan(0);
    await closeAndCheck(pool);
    expect(log.exited.map((exit) => exit.reason).every((reason) => reason === 'closed')).toBe(true);
    expect(log.exited.length).toBe(log.started.length);
  });

  it('types inputs from the module exports', () => {
    const pool = basicPool({ minThreads: 0 });
    // @ts-expect-error: add takes { a, b }
    expect(() => pool.run('add', 'nope').catch(() => {})).not.toThrow();
    // @ts-expect-error: not a handler of the module
    void pool.run('missing', 1).catch(() => {});
    return pool.close();
  });

  it('runs many tasks across two threads in batches and counts them', async () => {
    const pool = basicPool({ minThreads: 2, maxThreads: 2 });
    const inputs = Array.from({ length: 2000 }, (_, index) => index);
    const results = await Promise.all(inputs.map((input) => pool.run('echo', input)));
    expect(results).toEqual(inputs);
    const stats = pool.stats();
    expect(stats.succeeded).toBe(2000);
    expect(stats.workers.reduce((sum, worker) => sum + worker.completed, 0)).toBe(2000);
    expect(stats.runTime.count).toBe(2000);
    expect(stats.window).toBeGreaterThanOrEqual(1);
    await closeAndCheck(pool);
  });

  it('rejects an unknown handler with a TypeError naming the exports', async () => {
    const pool = basicPool();
    await expect(pool.run('nope' as 'echo', 1)).rejects.toThrow(/no handler `nope`.*`echo`/);
    await closeAndCheck(pool);
  });

  it('tryRun never queues: PoolExhaustedError when every thread slot is taken', async () => {
    const pool = basicPool({ concurrentTasksPerThread: 1 });
    await pool.run('echo', 0);
    const blocker = new AbortController();
    const running = pool.tryRun('waitForAbort', undefined, { signal: blocker.signal });
    await expect(pool.tryRun('echo', 1)).rejects.toMatchObject({ code: 'POOLKIT_POOL_EXHAUSTED' });
    blocker.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    await closeAndCheck(pool);
  });

  it('refuses runs after close with ClosedError', async () => {
    const pool = basicPool();
    await pool.close();
    await expect(pool.run('echo', 1)).rejects.toMatchObject({ code: 'POOLKIT_CLOSED' });
  });
});
