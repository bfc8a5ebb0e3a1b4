import { describe, expect, it } from 'vitest';
import { BufferPool, gcEpoch } from '../../src/buffer/index.js';

gcEpoch.disable();

describe('BufferPool acquire and release', () => {
  it('acquire(size) lends exactly size bytes on class-sized memory, reused LIFO', () => {
    const pool = new BufferPool({ minSize: 1024, maxSize: 65536, classesPerDoubling: 2 });
    const a = pool.acquire(1500);
    expect(a.length).toBe(1500);
    expect(a.buffer.byteLength).toBe(1536);
    expect(a.byteOffset).toBe(0);
    a.fill(7);
    pool.release(a);
    const b = pool.acquire(1400); // same class (1024 < 1400 <= 1536)
    expect(b.buffer).toBe(a.buffer);
    expect(pool.stats()).toMatchObject({ hits: 1, misses: 1, inUseBuffers: 1, inUseBytes: 1536, idleBytes: 0 });
  });

  it('the raw path lends the whole class buffer itself, with no new view', () => {
    const pool = new BufferPool({ minSize: 1024, maxSize: 65536, classesPerDoubling: 1 });
    const raw = pool.acquireRaw(3000);
    expect(raw.length).toBe(4096);
    expect(pool.classSizeOf(3000)).toBe(4096);
    pool.release(raw);
    expect(pool.acquireRaw(4096)).toBe(raw);
  });

  it('never lends Node slab memory: every buffer owns its ArrayBuffer', () => {
    const pool = new BufferPool({ minSize: 16 });
    const small = pool.acquire(10);
    expect(small.buffer.byteLength).toBe(16);
    expect(small.buffer.byteLength).not.toBe(Buffer.poolSize);
  });

  it('allocates above maxSize exactly and never keeps it', () => {
    const pool = new BufferPool({ maxSize: 4096 });
    const big = pool.acquire(5000);
    expect(big.length).toBe(5000);
    expect(big.buffer.byteLength).toBe(5000);
    pool.release(big);
    expect(pool.stats()).toMatchObject({ idleBytes: 0, idleBuffers: 0, oversizeAllocations: 1, inUseBuffers: 0 });
    expect(pool.stats().drops.oversize).toBe(1);
    expect(pool.acquire(5000).buffer).not.toBe(big.buffer);
  });

  it('serves size 0 from the smallest class and validates sizes', () => {
    const pool = new BufferPool();
    expect(pool.acquire(0).length).toBe(0);
    for (const bad of [-1, 1.5, Number.NaN, '10', 2 ** 53]) {
      expect(() => pool.acquire(bad as number)).toThrow(
        expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION', option: 'size' }),
      );
    }
    const buf = pool.acquire(10);
    expect(() => pool.release(buf, -1)).toThrow(expect.objectContaining({ option: 'usedBytes' }));
  });

  it('tracks the in-use high-water mark in buffers and bytes', () => {
    const pool = new BufferPool({ minSize: 1024, classesPerDoubling: 1 });
    const held = [pool.acquire(1000), pool.acquire(2000), pool.acquire(3000)];
    for (const b of held) pool.release(b);
    pool.acquire(10);
    expect(pool.stats()).toMatchObject({
      inUseBuffers: 1,
      inUseBytes: 1024,
      inUseBuffersHighWater: 3,
      inUseBytesHighWater: 1024 + 2048 + 4096,
    });
  });

  it("zeroing 'acquire' hands out zeroed memory; 'release' scrubs before keeping; 'none' does not", () => {
    for (const zeroing of ['acquire', 'release', 'none'] as const) {
      const pool = new BufferPool({ zeroing });
      const a = pool.acquireRaw(1024);
      a.fill(9);
      pool.release(a);
      if (zeroing === 'release') expect(a.every((byte) => byte === 0)).toBe(true);
      const b = pool.acquireRaw(1024);
      expect(b).toBe(a);
      expect(b.every((byte) => byte === 0)).toBe(zeroing !== 'none');
    }
  });

  it('prewarms within maxPerClass and the budget; trims largest classes first; clears all', () => {
    const pool = new BufferPool({ minSize: 1024, maxSize: 8192, classesPerDoubling: 1, maxPerClass: 3 });
    expect(pool.prewarm(8192, 5)).toBe(3);
    expect(pool.prewarm(1024, 2)).toBe(2);
    expect(pool.stats().idleBytes).toBe(3 * 8192 + 2 * 1024);
    expect(pool.trim(2 * 1024 + 8192)).toBe(2 * 8192);
    expect(pool.stats().classes.at(-1)?.idle).toBe(1);
    pool.clear();
    expect(pool.stats()).toMatchObject({ idleBytes: 0, idleBuffers: 0 });
    expect(pool.stats().drops).toMatchObject({ trim: 2, clear: 3 });
  });
});
