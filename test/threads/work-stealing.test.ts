import { describe, expect, it } from 'vitest';
import { basicPool, channel, closeAndCheck } from './helpers.js';

describe('work stealing', () => {
  it('short tasks posted behind a long one are taken by the idle thread', async () => {
    const pool = basicPool({ minThreads: 2, maxThreads: 2, concurrentTasksPerThread: 8 });
    await Promise.all([pool.run('echo', 0), pool.run('echo', 1)]);
    const events = channel();
    const controller = new AbortController();
    const long = pool.run('spinUntilAborted', events.name, { signal: controller.signal });
    const short = Array.from({ length: 12 }, (_, index) => pool.run('echo', index));
    // Some short tasks were posted to the thread now stuck in the loop; they only finish if stolen.
    expect(await Promise.all(short)).toEqual(Array.from({ length: 12 }, (_, index) => index));
    expect(await events.next()).toBe('started');
    expect(pool.stats().lifetime.stolen).toBeGreaterThan(0);
    controller.abort();
    await expect(long).rejects.toBeDefined();
    events.close();
    await closeAndCheck(pool);
  });
});
