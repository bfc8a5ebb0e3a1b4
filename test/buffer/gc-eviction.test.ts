import { describe, expect, it } from 'vitest';
import { BufferPool, gcEpoch } from '../../src/buffer/index.js';

gcEpoch.disable();

describe("BufferPool eviction 'gc'", () => {
  it('drops idle buffers at the second epoch and gives their bytes back to the budget', () => {
    const pool = new BufferPool({ minSize: 1024, classesPerDoubling: 1 });
    const a = pool.acquireRaw(1024);
    const b = pool.acquireRaw(4096);
    pool.release(a);
    pool.release(b);
    gcEpoch.rotate();
    expect(pool.stats()).toMatchObject({ idleBytes: 5120, epochs: 1 });
    const rescued = pool.acquireRaw(4096);
    pool.release(rescued); // idle again after the epoch: survives the next one
    gcEpoch.rotate();
    expect(pool.stats()).toMatchObject({ idleBytes: 4096, idleBuffers: 1 });
    expect(pool.stats().drops.evicted).toBe(1);
    gcEpoch.rotate();
    expect(pool.stats()).toMatchObject({ idleBytes: 0, idleBuffers: 0 });
    expect(pool.stats().drops.evicted).toBe(2);
  });

  it("keeps everything with eviction 'none'", () => {
    const pool = new BufferPool({ eviction: 'none' });
    pool.prewarm(1024, 4);
    gcEpoch.rotate();
    gcEpoch.rotate();
    expect(pool.stats().idleBuffers).toBe(4);
  });
});
