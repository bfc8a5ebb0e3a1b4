import { describe, expect, it } from 'vitest';
import { gcEpoch, ObjectPool } from '../../src/object/index.js';
import { FakeClock } from '../../src/testing/index.js';

gcEpoch.disable();

describe("ObjectPool eviction 'idle'", () => {
  it('drops objects idle longer than idleTimeoutMs, oldest first, with one unreferenced timer', async () => {
    const clock = new FakeClock();
    const reasons: string[] = [];
    const pool = new ObjectPool({
      create: () => ({}),
      eviction: 'idle',
      idleTimeoutMs: 1000,
      clock,
      destroy: (_o, r) => reasons.push(r),
    });
    const [a, b] = [pool.acquire(), pool.acquire()];
    pool.release(a);
    await clock.advance(600);
    pool.release(b);
    expect(clock.pendingTimers).toBe(1);
    expect(clock.referencedTimers).toBe(0);
    await clock.advance(400);
    expect(pool.idleCount).toBe(1);
    expect(pool.acquire()).toBe(b);
    await clock.advance(10_000);
    expect(pool.idleCount).toBe(0);
    expect(reasons).toEqual(['idle']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('ignores GC epochs', () => {
    const pool = new ObjectPool({ create: () => ({}), eviction: 'idle', clock: new FakeClock() });
    pool.prewarm(2);
    gcEpoch.rotate();
    gcEpoch.rotate();
    expect(pool.idleCount).toBe(2);
  });

  it('re-arms for the next oldest after a partial expiry and stops when empty', async () => {
    const clock = new FakeClock();
    const pool = new ObjectPool({ create: () => ({}), eviction: 'idle', idleTimeoutMs: 100, clock });
    const objs = [pool.acquire(), pool.acquire(), pool.acquire()];
    for (const o of objs) {
      pool.release(o);
      await clock.advance(50);
    }
    // released at 0, 50, 100; now 150: the first two are due at 100 and 150
    expect(pool.idleCount).toBe(1);
    expect(clock.pendingTimers).toBe(1); // re-armed for the third, due at 200
    expect(pool.acquire()).toBe(objs[2]);
    await clock.runAll();
    expect(clock.pendingTimers).toBe(0);
    expect(pool.stats().dropped.idle).toBe(2);
  });
});
