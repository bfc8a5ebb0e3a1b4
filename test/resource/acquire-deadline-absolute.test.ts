import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/resource/index.js';
import { FakeClock } from '../../src/testing/index.js';
import { testFactory, track } from './helpers.js';

describe('the acquire deadline', () => {
  it('is absolute through failed validations and re-serves', async () => {
    const clock = new FakeClock();
    const fixture = testFactory({
      validate: () => new Promise<boolean>((resolve) => clock.setTimer(() => resolve(false), 300)),
    });
    const pool = createPool(fixture.factory, {
      clock,
      max: 4,
      acquireTimeoutMs: 1000,
      validateAfterIdleMs: 100,
      idleTimeoutMs: 60_000,
    });
    const leases = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire(), pool.acquire()]);
    for (const lease of leases) lease.release();
    await clock.advance(200); // all four idle past validateAfterIdleMs
    const acquire = track(pool.acquire());
    // Validations fail at 300, 600, 900; each time the waiter keeps its place and its deadline.
    await clock.advance(999);
    expect(acquire.status).toBe('pending');
    expect(pool.stats().validationFailures).toBe(3);
    await clock.advance(1);
    expect(acquire.status).toBe('rejected');
    const error = acquire.error as { code: string; phase: string };
    expect(error.code).toBe('POOLKIT_ACQUIRE_TIMEOUT');
    expect(error.phase).toBe('validate');
    await pool.destroy();
  });

  it('is not restarted when the waiter is re-queued after a failed validation', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const fixture = testFactory({
      mode: 'manual',
      validate: () => {
        calls++;
        return false;
      },
    });
    const pool = createPool(fixture.factory, { clock, max: 2, acquireTimeoutMs: 500, validateAfterIdleMs: 10 });
    const warm = track(pool.acquire());
    fixture.finishCreate();
    await clock.advance(0);
    (warm.value as { release(): void }).release();
    await clock.advance(100);
    const acquire = track(pool.acquire());
    await clock.advance(0);
    expect(calls).toBe(1); // failed at once, re-queued, a create started for it
    expect(fixture.pending.length).toBe(1);
    await clock.advance(499);
    expect(acquire.status).toBe('pending');
    await clock.advance(1);
    expect(acquire.status).toBe('rejected');
    await pool.destroy();
  });

  it('says the time went to waiting in line when the pool was at max', async () => {
    const clock = new FakeClock();
    const pool = createPool(testFactory().factory, { clock, max: 1, acquireTimeoutMs: 250 });
    const held = await pool.acquire();
    const waiter = track(pool.acquire());
    await clock.advance(250);
    const error = waiter.error as {
      code: string;
      phase: string;
      message: string;
      stats: { borrowed: number; waiting: number };
    };
    expect(error.code).toBe('POOLKIT_ACQUIRE_TIMEOUT');
    expect(error.phase).toBe('queue');
    expect(error.message).toContain('waiting in line');
    expect(error.stats).toMatchObject({ borrowed: 1, waiting: 1 });
    held.release();
    await pool.close();
  });
});
