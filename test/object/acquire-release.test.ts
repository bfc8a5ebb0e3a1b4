import { describe, expect, it } from 'vitest';
import { gcEpoch, ObjectPool } from '../../src/object/index.js';

gcEpoch.disable(); // no real GC may age these pools mid-test

class Point {
  x = 0;
  y = 0;
}

describe('ObjectPool acquire and release', () => {
  it('reuses the last released object first (LIFO) and creates only on a miss', () => {
    let made = 0;
    const pool = new ObjectPool({
      create: () => {
        made++;
        return new Point();
      },
    });
    const a = pool.acquire();
    const b = pool.acquire();
    pool.release(a);
    pool.release(b);
    expect(pool.acquire()).toBe(b);
    expect(pool.acquire()).toBe(a);
    expect(made).toBe(2);
    expect(pool.stats()).toMatchObject({ acquired: 4, hits: 2, misses: 2, created: 2, released: 2, inUse: 2 });
  });

  it('ignores null and undefined like Go Put(nil)', () => {
    const pool = new ObjectPool({ create: () => new Point() });
    pool.release(null);
    pool.release(undefined);
    expect(pool.stats()).toMatchObject({ released: 0, idle: 0, inUse: 0 });
  });

  it('runs reset on release and drops the object when reset returns false', () => {
    const dropped: [Point, string][] = [];
    const pool = new ObjectPool<Point>({
      create: () => new Point(),
      reset: (p) => {
        if (p.x > 100) return false; // the json/fmt size cap
        p.y = 0;
        return true;
      },
      destroy: (p, reason) => dropped.push([p, reason]),
    });
    const small = pool.acquire();
    small.y = 5;
    pool.release(small);
    expect(small.y).toBe(0);
    expect(pool.idleCount).toBe(1);
    const big = pool.acquire();
    big.x = 1000;
    pool.release(big);
    expect(dropped).toEqual([[big, 'reset']]);
    expect(pool.idleCount).toBe(0);
    expect(pool.stats().dropped.reset).toBe(1);
  });

  it('drops the object and rethrows when reset throws', () => {
    const pool = new ObjectPool<Point>({
      create: () => new Point(),
      reset: () => {
        throw new Error('boom');
      },
    });
    const p = pool.acquire();
    expect(() => pool.release(p)).toThrow('boom');
    expect(pool.stats()).toMatchObject({ idle: 0, inUse: 0 });
    expect(pool.stats().dropped.reset).toBe(1);
  });

  it('keeps at most maxIdle objects and drops the rest as full', () => {
    const reasons: string[] = [];
    const pool = new ObjectPool({ create: () => new Point(), maxIdle: 2, destroy: (_p, r) => reasons.push(r) });
    const held = [pool.acquire(), pool.acquire(), pool.acquire()];
    for (const p of held) pool.release(p);
    expect(pool.idleCount).toBe(2);
    expect(reasons).toEqual(['full']);
    expect(pool.stats().inUseHighWater).toBe(3);
  });

  it('prewarms up to maxIdle, trims oldest first, clears everything', () => {
    const dropped: string[] = [];
    const pool = new ObjectPool({ create: () => ({ n: 0 }), maxIdle: 5, destroy: (_o, r) => dropped.push(r) });
    expect(pool.prewarm(10)).toBe(5);
    expect(pool.prewarm(3)).toBe(0);
    expect(pool.trim(2)).toBe(3);
    expect(pool.idleCount).toBe(2);
    expect(pool.clear()).toBe(2);
    expect(pool.idleCount).toBe(0);
    expect(dropped).toEqual(['trim', 'trim', 'trim', 'clear', 'clear']);
    expect(pool.stats().created).toBe(5);
  });

  it('accepts back an object lent before clear()', () => {
    const pool = new ObjectPool({ create: () => ({}) });
    const o = pool.acquire();
    pool.clear();
    pool.release(o);
    expect(pool.acquire()).toBe(o);
  });

  it('use() releases after a sync return, a throw, a resolve and a reject', async () => {
    const pool = new ObjectPool({ create: () => new Point() });
    expect(pool.use((p) => p.x + 1)).toBe(1);
    expect(() =>
      pool.use(() => {
        throw new Error('sync');
      }),
    ).toThrow('sync');
    await expect(pool.use(async (p) => p.y + 2)).resolves.toBe(2);
    await expect(pool.use(async () => Promise.reject(new Error('async')))).rejects.toThrow('async');
    expect(pool.stats()).toMatchObject({ inUse: 0, released: 4, created: 1 });
  });

  it('rejects a create that returns a non-extensible value with a typed error', () => {
    const pool = new ObjectPool({ create: () => Object.freeze({}) });
    expect(() => pool.acquire()).toThrow(expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION', option: 'create' }));
  });

  it('emits dropped only to listeners', () => {
    const pool = new ObjectPool({ create: () => ({}), maxIdle: 0 });
    const events: unknown[] = [];
    const off = pool.on('dropped', (e) => events.push(e));
    pool.release(pool.acquire());
    off();
    pool.release(pool.acquire());
    expect(events).toEqual([{ reason: 'full', count: 1 }]);
  });
});
