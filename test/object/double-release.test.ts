import { describe, expect, it } from 'vitest';
import { DoubleReleaseError, ForeignReleaseError } from '../../src/errors.js';
import { gcEpoch, ObjectPool } from '../../src/object/index.js';

gcEpoch.disable();

describe('ObjectPool release checks (O(1), by brand)', () => {
  it('rejects a second release with DoubleReleaseError and keeps one copy idle', () => {
    const pool = new ObjectPool({ create: () => ({ v: 1 }) });
    const o = pool.acquire();
    pool.release(o);
    expect(() => pool.release(o)).toThrow(DoubleReleaseError);
    expect(pool.idleCount).toBe(1);
    expect(pool.stats().inUse).toBe(0);
  });

  it('rejects the release of a dropped object as a double release', () => {
    const pool = new ObjectPool({ create: () => ({}), maxIdle: 0 });
    const o = pool.acquire();
    pool.release(o); // dropped: full
    expect(() => pool.release(o)).toThrow(expect.objectContaining({ code: 'POOLKIT_DOUBLE_RELEASE' }));
  });

  it('rejects an object it never lent, and one lent by another pool, with ForeignReleaseError', () => {
    const a = new ObjectPool<{ v?: number }>({ create: () => ({}) });
    const b = new ObjectPool<{ v?: number }>({ create: () => ({}) });
    expect(() => a.release({ v: 2 })).toThrow(ForeignReleaseError);
    const fromB = b.acquire();
    expect(() => a.release(fromB)).toThrow(expect.objectContaining({ code: 'POOLKIT_FOREIGN_RELEASE' }));
    b.release(fromB); // still fine with its owner
    expect(b.idleCount).toBe(1);
    expect(a.stats()).toMatchObject({ idle: 0, released: 0 });
  });

  it('never lends one object to two holders over a long mixed sequence', () => {
    const pool = new ObjectPool({ create: () => ({}), maxIdle: 3 });
    const held = new Set<object>();
    for (let i = 0; i < 1000; i++) {
      if (held.size > 0 && i % 3 === 0) {
        const [first] = held;
        held.delete(first as object);
        pool.release(first as object);
      } else {
        const o = pool.acquire();
        expect(held.has(o)).toBe(false);
        held.add(o);
      }
    }
    expect(pool.stats().inUse).toBe(held.size);
  });
});
