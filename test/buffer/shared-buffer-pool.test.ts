import { describe, expect, it } from 'vitest';
import { SharedBufferPool, type SharedBufferPoolOptions } from '../../src/buffer/index.js';
import { DoubleReleaseError, PoolExhaustedError } from '../../src/errors.js';

describe('SharedBufferPool (one thread)', () => {
  it('lends each slot once until released, then -1 or PoolExhaustedError', () => {
    const pool = new SharedBufferPool({ slotSize: 8, slotCount: 3, batchSize: 2 });
    const taken = [pool.acquire(), pool.acquire(), pool.acquire()];
    expect(new Set(taken).size).toBe(3);
    expect(pool.acquire()).toBe(-1);
    expect(() => pool.acquireOrThrow()).toThrow(PoolExhaustedError);
    pool.release(taken[1] as number);
    expect(pool.acquire()).toBe(taken[1]);
  });

  it('views a slot as its own bytes of the shared memory', () => {
    const pool = new SharedBufferPool({ slotSize: 4, slotCount: 2 });
    const a = pool.acquire();
    const b = pool.acquire();
    pool.view(a).fill(1);
    pool.view(b).fill(2);
    expect([...new Uint8Array(pool.handle.data)].sort()).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
    expect(pool.view(a)).toBe(pool.view(a));
    expect(pool.view(a).buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('detects a double release with checkOwnership (the default), not without', () => {
    const pool = new SharedBufferPool({ slotSize: 8, slotCount: 2 });
    const slot = pool.acquire();
    pool.release(slot);
    expect(() => pool.release(slot)).toThrow(DoubleReleaseError);
    const unchecked = new SharedBufferPool({ slotSize: 8, slotCount: 2, checkOwnership: false });
    const other = unchecked.acquire();
    unchecked.release(other);
    expect(() => unchecked.release(other)).not.toThrow();
  });

  it('attaches to a handle: two instances share one free list', () => {
    const pool = new SharedBufferPool({ slotSize: 8, slotCount: 2, batchSize: 1 });
    const other = SharedBufferPool.attach(structuredClone(pool.handle), { batchSize: 1 });
    const a = pool.acquire();
    const b = other.acquire();
    expect(a).not.toBe(b);
    expect(pool.acquire()).toBe(-1);
    other.release(a); // a slot acquired on one side may be released on the other
    other.flush();
    expect(pool.acquire()).toBe(a);
    expect(other.slotSize).toBe(8);
    expect(other.slotCount).toBe(2);
  });

  it('validates options, handles and indices with typed errors', () => {
    const bad: [string, unknown][] = [
      ['slotSize', { slotCount: 2 }],
      ['slotCount', { slotSize: 8 }],
      ['slotSize', { slotSize: 0, slotCount: 2 }],
      ['slotCount', { slotSize: 8, slotCount: 2 ** 21 }],
      ['batchSize', { slotSize: 8, slotCount: 2, batchSize: 0 }],
      ['checkOwnership', { slotSize: 8, slotCount: 2, checkOwnership: 'yes' }],
    ];
    for (const [option, input] of bad) {
      expect(() => new SharedBufferPool(input as SharedBufferPoolOptions)).toThrow(
        expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION', option }),
      );
    }
    expect(() => SharedBufferPool.attach({} as never)).toThrow(expect.objectContaining({ option: 'handle' }));
    const pool = new SharedBufferPool({ slotSize: 8, slotCount: 2 });
    expect(() => pool.view(2)).toThrow(expect.objectContaining({ option: 'index' }));
    expect(() => pool.release(-1)).toThrow(expect.objectContaining({ option: 'index' }));
  });
});
