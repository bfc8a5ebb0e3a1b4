import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/resource/index.js';
import { FakeClock } from '../../src/testing/index.js';
import { testFactory, track } from './helpers.js';

describe('backend down at start', () => {
  it('then up: the acquire succeeds before its deadline', async () => {
    const clock = new FakeClock();
    let down = true;
    const fixture = testFactory({ failCreate: () => (down ? new Error('ECONNREFUSED') : undefined) });
    const pool = createPool(fixture.factory, {
      clock,
      acquireTimeoutMs: 5000,
      createBackoff: { initialMs: 10, maxMs: 500 },
    });
    const acquire = track(pool.acquire());
    await clock.advance(2000);
    expect(acquire.status).toBe('pending');
    down = false;
    await clock.advance(500); // at most one backoff later
    expect(acquire.status).toBe('fulfilled');
    expect(clock.now()).toBeLessThan(5000);
    expect(pool.stats().createFailures).toBeGreaterThan(0);
    (acquire.value as { release(): void }).release();
    await pool.close();
  });

  it('always down: the acquire fails no earlier than its timeout', async () => {
    const clock = new FakeClock();
    const fixture = testFactory({ failCreate: () => new Error('ECONNREFUSED') });
    const pool = createPool(fixture.factory, { clock, acquireTimeoutMs: 3000 });
    const acquire = track(pool.acquire());
    await clock.advance(2999);
    expect(acquire.status).toBe('pending');
    await clock.advance(1);
    expect(acquire.status).toBe('rejected');
    expect((acquire.error as { cause: Error }).cause.message).toBe('ECONNREFUSED');
    await pool.close();
  });

  it('fail-fast rejects at once while down, with one probe at a time', async () => {
    const clock = new FakeClock();
    let down = true;
    const fixture = testFactory({ failCreate: () => (down ? new Error('down') : undefined) });
    const pool = createPool(fixture.factory, { clock, failFast: true, createBackoff: { initialMs: 100, maxMs: 100 } });
    const probe = track(pool.acquire());
    await clock.advance(0);
    expect(probe.status).toBe('rejected');
    expect((probe.error as { code: string }).code).toBe('POOLKIT_CREATE_FAILED');
    const refused = track(pool.acquire());
    await clock.advance(0);
    expect((refused.error as { code: string }).code).toBe('POOLKIT_CREATE_FAILED');
    expect(fixture.createCalls).toBe(1);
    down = false;
    await clock.advance(100);
    const after = track(pool.acquire());
    await clock.advance(0);
    expect(after.status).toBe('fulfilled');
    await pool.destroy();
  });
});
