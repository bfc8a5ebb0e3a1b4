import { describe, expect, it } from 'vitest';
import { BufferPool, gcEpoch } from '../../src/buffer/index.js';

gcEpoch.disable();

describe('BufferPool limits', () => {
  it('keeps at most maxPerClass idle buffers per class (drop reason full)', () => {
    const pool = new BufferPool({ minSize: 1024, maxPerClass: 2 });
    const held = [pool.acquire(1024), pool.acquire(1024), pool.acquire(1024)];
    for (const b of held) pool.release(b);
    expect(pool.stats().classes[0]).toMatchObject({ idle: 2, drops: expect.objectContaining({ full: 1 }) });
  });

  it('never keeps more idle bytes than maxIdleBytes (drop reason budget)', () => {
    const pool = new BufferPool({ minSize: 1024, classesPerDoubling: 1, maxIdleBytes: 5000 });
    const held = [pool.acquire(4096), pool.acquire(1024), pool.acquire(1024)];
    for (const b of held) pool.release(b);
    const stats = pool.stats();
    expect(stats.idleBytes).toBe(4096);
    expect(stats.idleBytes).toBeLessThanOrEqual(5000);
    expect(stats.drops.budget).toBe(2);
  });

  it('drops a buffer that keeps coming back mostly unused (strikes), and forgives good use', () => {
    const pool = new BufferPool({ minSize: 1024, classesPerDoubling: 1, minUtilisation: 0.25, maxStrikes: 3 });
    const raw = pool.acquireRaw(8192);
    pool.release(raw, 100); // strike 1
    expect(pool.acquireRaw(8192)).toBe(raw);
    pool.release(raw, 100); // strike 2
    pool.acquireRaw(8192);
    pool.release(raw, 8000); // well used: strikes reset
    pool.acquireRaw(8192);
    pool.release(raw, 10); // 1
    pool.acquireRaw(8192);
    pool.release(raw, 10); // 2
    expect(pool.stats().classes.at(-1)?.drops.strikes ?? 0).toBe(0);
    pool.acquireRaw(8192);
    pool.release(raw, 10); // 3: dropped
    const stats = pool.stats();
    expect(stats.drops.strikes).toBe(1);
    expect(stats.idleBytes).toBe(0);
  });

  it('never strikes the smallest class, and strikes are off at minUtilisation 0', () => {
    const smallest = new BufferPool({ minSize: 1024, maxStrikes: 1 });
    smallest.release(smallest.acquire(1));
    expect(smallest.stats().idleBuffers).toBe(1);
    const off = new BufferPool({ minSize: 1024, minUtilisation: 0, maxStrikes: 1 });
    const raw = off.acquireRaw(65536);
    off.release(raw, 1);
    expect(off.stats().idleBuffers).toBe(1);
  });
});
