import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/resource/index.js';
import { FakeClock } from '../../src/testing/index.js';
import { testFactory } from './helpers.js';

describe('minIdle', () => {
  it('is filled at start (ready() resolves) and refilled after borrows', async () => {
    const clock = new FakeClock();
    const fixture = testFactory();
    const pool = createPool(fixture.factory, { clock, minIdle: 3, max: 10 });
    await pool.ready();
    expect(pool.stats().idle).toBe(3);
    const a = await pool.acquire();
    const b = await pool.acquire();
    await clock.advance(0);
    expect(pool.stats()).toMatchObject({ idle: 3, borrowed: 2, created: 5 });
    a.release();
    b.release();
    expect(pool.stats().idle).toBe(5);
    await pool.close();
  });

  it('is not refilled while paused, and refilled on resume', async () => {
    const clock = new FakeClock();
    const fixture = testFactory();
    const pool = createPool(fixture.factory, { clock, minIdle: 2 });
    await pool.ready();
    pool.pause();
    expect(pool.stats().state).toBe('paused');
    const lease = pool.tryAcquire();
    expect(lease).toBeUndefined(); // paused: no lending
    const waiting = pool.acquire();
    await clock.advance(10);
    expect(pool.stats()).toMatchObject({ waiting: 1, idle: 2, created: 2 });
    pool.resume();
    const got = await waiting;
    await clock.advance(0);
    expect(pool.stats()).toMatchObject({ idle: 2, borrowed: 1, created: 3 });
    got.release();
    await pool.close();
  });

  it('is not refilled while creates are backing off', async () => {
    const clock = new FakeClock();
    let fail = false;
    const fixture = testFactory({ failCreate: () => (fail ? new Error('down') : undefined) });
    const pool = createPool(fixture.factory, { clock, minIdle: 1, createBackoff: { initialMs: 1000, maxMs: 1000 } });
    await pool.ready();
    fail = true;
    const lease = await pool.acquire(); // takes the idle one: refill starts and fails
    await clock.advance(0);
    const calls = fixture.createCalls;
    await clock.advance(400); // inside the backoff window (>= 500 ms with equal jitter)
    expect(fixture.createCalls).toBe(calls);
    fail = false;
    await clock.advance(1000);
    expect(pool.stats().idle).toBe(1);
    lease.release();
    await pool.close();
  });
});
