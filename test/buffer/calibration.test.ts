import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BufferPool, ByteBuffer, gcEpoch } from '../../src/buffer/index.js';
import { PROPERTY_SEED } from '../helpers/seed.js';

gcEpoch.disable();

/** A small seeded PRNG (mulberry32), so each fast-check seed gives one reproducible stream. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws from a known distribution: 70% 1-2 KiB, 28% 3-4 KiB, 2% 40-60 KiB. */
function drawSize(random: () => number): number {
  const u = random();
  const v = random();
  if (u < 0.7) return 1024 + Math.floor(v * 1024) + 1;
  if (u < 0.98) return 3 * 1024 + Math.floor(v * 1024) + 1;
  return 40 * 1024 + Math.floor(v * 20 * 1024);
}

describe('BufferPool calibration (bytebufferpool style)', () => {
  it('converges on the most used class as default size and the 95th percentile class as max size', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const random = mulberry32(seed);
        const pool = new BufferPool({ minSize: 1024, classesPerDoubling: 1, calibrate: true, calibrationCalls: 1000 });
        for (let i = 0; i < 3000; i++) {
          const size = drawSize(random);
          pool.release(pool.acquireRaw(size), size);
        }
        const calibration = pool.stats().calibration;
        expect(calibration?.runs).toBe(3);
        expect(calibration?.defaultSize).toBe(2048); // 70% of lengths fall in the 2 KiB class
        expect(calibration?.maxSize).toBe(4096); // 98% fit in 4 KiB, so 95% needs no more
        expect(pool.defaultSize).toBe(2048);
      }),
      { seed: PROPERTY_SEED, numRuns: 20 },
    );
  });

  it('then drops returned buffers above the calibrated max size and starts ByteBuffers at the default size', () => {
    const pool = new BufferPool({ minSize: 1024, classesPerDoubling: 1, calibrate: true, calibrationCalls: 100 });
    for (let i = 0; i < 100; i++) pool.release(pool.acquireRaw(3000), 3000);
    expect(pool.stats().calibration).toMatchObject({ defaultSize: 4096, maxSize: 4096, runs: 1 });
    const huge = pool.acquireRaw(60_000);
    pool.release(huge, 60_000);
    expect(pool.stats().drops.oversize).toBe(1);
    const out = new ByteBuffer(pool);
    out.writeByte(1);
    expect(out.capacity).toBe(4096);
  });

  it('uses minSize as the default size before any calibration', () => {
    const pool = new BufferPool({ minSize: 2048, calibrate: true });
    expect(pool.defaultSize).toBe(2048);
    expect(pool.stats().calibration).toEqual({ defaultSize: 0, maxSize: 0, runs: 0 });
  });
});
