import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/testing/index.js';
import { createThreadPool } from '../../src/threads/index.js';
import { closeAndCheck, trackThreads } from './helpers.js';

describe('a module that throws at load', () => {
  it('trips the breaker after maxStartFailures instead of respawning forever; tasks reject with WorkerStartError', async () => {
    const pool = createThreadPool({
      module: new URL('./fixtures/throws-at-load.js', import.meta.url),
      minThreads: 1,
      maxThreads: 2,
      maxStartFailures: 3,
      breakerCooldownMs: 60_000,
    });
    const log = trackThreads(pool);
    const opened = new Promise((resolve) => pool.once('breakerOpened', resolve));
    const tasks = [pool.run('never'), pool.run('never')];
    for (const outcome of await Promise.allSettled(tasks)) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason as Error & { code: string };
      expect(reason.code).toBe('POOLKIT_WORKER_START_FAILED');
      expect((reason.cause as Error).message).toBe('cannot load this module');
    }
    await opened;
    // While open, a task fails at once and no thread is spawned.
    await expect(pool.run('never')).rejects.toMatchObject({ code: 'POOLKIT_WORKER_START_FAILED' });
    const stats = pool.stats();
    expect(stats.breaker).toBe('open');
    expect(stats.lifetime.startFailures).toBe(3);
    expect(stats.lifetime.spawned).toBe(3);
    expect(log.exited.every((exit) => exit.reason === 'start-failed')).toBe(true);
    await closeAndCheck(pool);
  });

  it('after the cooldown, one probe thread is tried (half-open); its failure opens the breaker again', async () => {
    const clock = new FakeClock();
    const pool = createThreadPool({
      module: new URL('./fixtures/throws-at-load.js', import.meta.url),
      clock,
      minThreads: 0,
      maxThreads: 2,
      maxStartFailures: 2,
      breakerCooldownMs: 1000,
    });
    const log = trackThreads(pool);
    await expect(pool.run('never')).rejects.toMatchObject({ code: 'POOLKIT_WORKER_START_FAILED' });
    expect(pool.stats().breaker).toBe('open');
    expect(pool.stats().lifetime.spawned).toBe(2);
    await clock.advance(1000);
    expect(pool.stats().breaker).toBe('half-open');
    await expect(pool.run('never')).rejects.toMatchObject({ code: 'POOLKIT_WORKER_START_FAILED' });
    expect(pool.stats().lifetime.spawned).toBe(3); // exactly one probe
    expect(pool.stats().breaker).toBe('open');
    await closeAndCheck(pool);
    expect(log.exited).toHaveLength(3);
  });
});
