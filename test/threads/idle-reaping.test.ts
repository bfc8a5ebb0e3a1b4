import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/testing/index.js';
import { basicPool, closeAndCheck, nextExit, until } from './helpers.js';

describe('idle reaping', () => {
  it('threads above minThreads exit after idleTimeoutMs idle; minThreads stay', async () => {
    const clock = new FakeClock();
    const pool = basicPool({ clock, minThreads: 1, maxThreads: 2, idleTimeoutMs: 5000, concurrentTasksPerThread: 1 });
    // Two tasks at once with one task per thread: a second thread is spawned.
    const blockers = [new AbortController(), new AbortController()];
    const tasks = blockers.map((blocker) => pool.run('waitForAbort', undefined, { signal: blocker.signal }));
    await until(() => pool.stats().threads.busy === 2);
    for (const blocker of blockers) blocker.abort();
    await Promise.allSettled(tasks);
    await pool.onIdle();
    // A task aborted before its thread claimed it holds its slot until the thread skips it.
    await until(() => pool.stats().threads.idle === 2);
    expect(pool.stats().threads.total).toBe(2);
    await clock.advance(4999);
    expect(pool.stats().threads.total).toBe(2);
    const exit = nextExit(pool);
    await clock.advance(1);
    expect((await exit).reason).toBe('idle');
    expect(pool.stats().threads.total).toBe(1);
    expect(pool.stats().lifetime.reaped).toBe(1);
    await clock.advance(60_000);
    expect(pool.stats().threads.total).toBe(1);
    await closeAndCheck(pool);
  });

  it('rejects an idle timeout below 100 ms', () => {
    expect(() => basicPool({ idleTimeoutMs: 0 })).toThrow(/Expected `idleTimeoutMs` to be a number >= 100/);
  });
});
