import { describe, expect, it } from 'vitest';
import { gcEpoch, ObjectPool } from '../../src/object/index.js';

gcEpoch.disable(); // epochs come only from rotate() here

describe("ObjectPool eviction 'gc' (victim cache)", () => {
  it('keeps an idle object through one epoch and drops it at the second', () => {
    const dropped: [object, string][] = [];
    const pool = new ObjectPool({ create: () => ({}), destroy: (o, r) => dropped.push([o, r]) });
    const o = pool.acquire();
    pool.release(o);
    gcEpoch.rotate();
    expect(pool.stats()).toMatchObject({ idle: 1, victims: 1, epochs: 1 });
    expect(dropped).toEqual([]);
    gcEpoch.rotate();
    expect(pool.stats()).toMatchObject({ idle: 0, victims: 0, epochs: 2 });
    expect(dropped).toEqual([[o, 'evicted']]);
    expect(pool.stats().dropped.evicted).toBe(1);
  });

  it('rescues a victim that is acquired before the second epoch', () => {
    const pool = new ObjectPool({ create: () => ({}) });
    const o = pool.acquire();
    pool.release(o);
    gcEpoch.rotate();
    expect(pool.acquire()).toBe(o);
    pool.release(o);
    gcEpoch.rotate();
    expect(pool.idleCount).toBe(1); // released after the first epoch: a survivor, now a victim
    gcEpoch.rotate();
    expect(pool.idleCount).toBe(0);
  });

  it('drops only objects idle since the previous epoch, keeping newer ones', () => {
    const pool = new ObjectPool({ create: () => ({}) });
    const old = [pool.acquire(), pool.acquire(), pool.acquire()];
    for (const o of old) pool.release(o);
    gcEpoch.rotate();
    const rescued = pool.acquire(); // the top victim
    pool.release(rescued); // released after the epoch: no longer a victim
    expect(pool.stats().victims).toBe(2);
    gcEpoch.rotate();
    expect(pool.idleCount).toBe(1);
    expect(pool.acquire()).toBe(rescued);
  });

  it("leaves pools with eviction 'none' alone", () => {
    const pool = new ObjectPool({ create: () => ({}), eviction: 'none' });
    pool.prewarm(4);
    gcEpoch.rotate();
    gcEpoch.rotate();
    gcEpoch.rotate();
    expect(pool.idleCount).toBe(4);
    expect(pool.stats().epochs).toBe(0);
  });
});
