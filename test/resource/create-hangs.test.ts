import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/resource/index.js';
import { FakeClock } from '../../src/testing/index.js';
import { testFactory, track } from './helpers.js';

describe('a create that hangs', () => {
  it('is aborted through its signal at createTimeoutMs, frees its slot, and maxConcurrentCreates and max hold', async () => {
    const clock = new FakeClock();
    const fixture = testFactory({ mode: 'manual' });
    const pool = createPool(fixture.factory, {
      clock,
      max: 3,
      maxConcurrentCreates: 2,
      createTimeoutMs: 100,
      acquireTimeoutMs: 10_000,
      createBackoff: { initialMs: 10, maxMs: 10 },
    });
    const acquires = Array.from({ length: 5 }, () => track(pool.acquire()));
    expect(fixture.pending.length).toBe(2);
    expect(pool.stats().creating).toBe(2);
    const first = fixture.pending.map((entry) => entry.context.signal);
    await clock.advance(100);
    for (const signal of first) {
      expect(signal.aborted).toBe(true);
      expect((signal.reason as { code: string }).code).toBe('POOLKIT_CREATE_TIMEOUT');
    }
    expect(pool.stats().createFailures).toBe(2);
    // Slots are free again: after the backoff, one probe at a time while creates are failing.
    for (let step = 0; step < 20; step++) {
      await clock.advance(5);
      const stats = pool.stats();
      expect(stats.creating).toBeLessThanOrEqual(2);
      expect(stats.idle + stats.borrowed + stats.creating).toBeLessThanOrEqual(3);
    }
    // The backend answers again: the live create succeeds and serves the head waiter.
    const pendingNow = fixture.pending.filter((entry) => !entry.context.signal.aborted);
    expect(pendingNow.length).toBeGreaterThanOrEqual(1);
    while (fixture.pending.length > 0) {
      const entry = fixture.pending[0];
      if (entry?.context.signal.aborted) fixture.pending.shift();
      else fixture.finishCreate();
    }
    await clock.advance(0);
    expect(acquires[0]?.status).toBe('fulfilled');
    await pool.destroy();
  });

  it('destroys a timed-out create that finishes late instead of leaking it (tarn leaves it running)', async () => {
    const clock = new FakeClock();
    const fixture = testFactory({ mode: 'manual' });
    const pool = createPool(fixture.factory, { clock, createTimeoutMs: 100, acquireTimeoutMs: 50 });
    const acquire = track(pool.acquire());
    await clock.advance(100);
    expect(acquire.status).toBe('rejected');
    const late = fixture.finishCreate();
    await clock.advance(0);
    expect(late.destroyed).toBe(true);
    expect(fixture.reasons()).toEqual(['create-aborted']);
    expect(pool.stats().idle).toBe(0);
    await pool.close();
    const stats = pool.stats();
    expect(stats.created).toBe(stats.destroyed);
  });
});
