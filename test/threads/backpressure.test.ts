import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/index.js';
import { basicPool, closeAndCheck } from './helpers.js';

describe('ThreadPool: onSizeLessThan and the gauges', () => {
  it('onSizeLessThan(n) resolves once fewer than n tasks wait', async () => {
    const pool = basicPool({ concurrentTasksPerThread: 1 });
    await pool.run('echo', 0); // the thread is up: one slot
    const blocker = new AbortController();
    const running = pool.run('waitForAbort', undefined, { signal: blocker.signal });
    const queued = [1, 2, 3].map((value) => pool.run('later', value));
    expect([pool.running, pool.queued]).toEqual([1, 3]);
    await expect(pool.onSizeLessThan(4)).resolves.toBeUndefined(); // already true
    let queuedWhenResolved = -1;
    const belowTwo = pool.onSizeLessThan(2).then(() => {
      queuedWhenResolved = pool.queued;
    });
    await new Promise((resolve) => setImmediate(resolve)); // a turn of the event loop: nothing moved
    expect(queuedWhenResolved).toBe(-1);
    blocker.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    await belowTwo;
    expect(queuedWhenResolved).toBe(1); // one slot: the queue shrinks one task per report
    expect(await Promise.all(queued)).toEqual([1, 2, 3]);
    await closeAndCheck(pool);
  });

  it('validates n like the task pool (a number >= 1)', async () => {
    const pool = basicPool({ minThreads: 0 });
    expect(() => pool.onSizeLessThan(0)).toThrow(InvalidOptionError);
    expect(() => pool.onSizeLessThan(Number.NaN)).toThrow(expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION' }));
    await closeAndCheck(pool);
  });

  it('exposes concurrency, running, queued and isPaused', async () => {
    const pool = basicPool({ concurrency: 3 });
    expect(pool.concurrency).toBe(3);
    const unbounded = basicPool({ minThreads: 0, inline: true });
    expect(unbounded.concurrency).toBe(Number.POSITIVE_INFINITY); // the default: threads x window bind
    await closeAndCheck(unbounded);
    pool.pause();
    expect(pool.isPaused).toBe(true);
    const tasks = [pool.run('echo', 1), pool.run('echo', 2)];
    expect([pool.running, pool.queued]).toEqual([0, 2]);
    pool.resume();
    expect(pool.isPaused).toBe(false);
    expect(await Promise.all(tasks)).toEqual([1, 2]);
    expect([pool.running, pool.queued]).toEqual([0, 0]);
    await closeAndCheck(pool);
  });
});
