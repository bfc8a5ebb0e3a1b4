import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/resource/index.js';
import { FakeClock } from '../../src/testing/index.js';
import { testFactory } from './helpers.js';

describe('maxLifetimeMs with jitter, and keep-alive', () => {
  it('retires idle resources between maxLifetimeMs and maxLifetimeMs + jitter, leased ones only on return', async () => {
    const clock = new FakeClock();
    const fixture = testFactory();
    const pool = createPool(fixture.factory, { clock, max: 20, maxLifetimeMs: 1000, maxLifetimeJitterMs: 500 });
    const leases = await Promise.all(Array.from({ length: 20 }, () => pool.acquire()));
    const held = leases.pop();
    for (const lease of leases) lease.release();
    await clock.advance(999);
    expect(fixture.destroyed.length).toBe(0);
    await clock.advance(501);
    expect(fixture.reasons()).toEqual(Array(19).fill('max-lifetime'));
    expect(held?.value.destroyed).toBe(false); // never taken from its holder
    held?.release();
    expect(held?.value.destroyed).toBe(true);
    expect(pool.stats().destroyedByReason['max-lifetime']).toBe(20);
    await pool.close();
  });

  it('spreads expiries out (jitter) rather than retiring everything at one instant', async () => {
    const clock = new FakeClock();
    const fixture = testFactory();
    const pool = createPool(fixture.factory, { clock, max: 20, maxLifetimeMs: 1000, maxLifetimeJitterMs: 1000 });
    const leases = await Promise.all(Array.from({ length: 20 }, () => pool.acquire()));
    for (const lease of leases) lease.release();
    const times = new Set<number>();
    pool.on('resourceDestroyed', () => times.add(clock.now()));
    for (let t = 0; t < 2000; t += 50) await clock.advance(50);
    expect(fixture.destroyed.length).toBe(20);
    expect(times.size).toBeGreaterThan(3);
    await pool.close();
  });

  it('runs keepAlive only on idle resources and destroys those that fail it', async () => {
    const clock = new FakeClock();
    const checked: number[] = [];
    let healthy = true;
    const fixture = testFactory({
      keepAlive: (conn) => {
        checked.push(conn.id);
        return healthy;
      },
    });
    const pool = createPool(fixture.factory, { clock, keepAliveIntervalMs: 100, idleTimeoutMs: 60_000 });
    const leased = await pool.acquire();
    const idle = await pool.acquire();
    idle.release();
    await clock.advance(350);
    expect(checked.length).toBeGreaterThanOrEqual(3);
    expect(new Set(checked)).toEqual(new Set([idle.value.id]));
    healthy = false;
    await clock.advance(100);
    expect(fixture.reasons()).toEqual(['validation-failed']);
    expect(pool.stats().idle).toBe(0);
    leased.release();
    await pool.close();
  });
});
