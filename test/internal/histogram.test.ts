import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Histogram } from '../../src/internal/histogram.js';
import { PROPERTY_SEED } from '../helpers/seed.js';

describe('Histogram', () => {
  it('is empty at first and reports zeros', () => {
    const histogram = new Histogram();
    expect(histogram.snapshot()).toEqual({
      count: 0,
      minMs: 0,
      maxMs: 0,
      meanMs: 0,
      p50Ms: 0,
      p90Ms: 0,
      p99Ms: 0,
      p999Ms: 0,
    });
  });

  it('keeps count, min, max and mean exactly', () => {
    const histogram = new Histogram();
    for (const value of [1, 2, 3, 10]) histogram.record(value);
    expect(histogram.snapshot()).toMatchObject({ count: 4, minMs: 1, maxMs: 10, meanMs: 4 });
    histogram.reset();
    expect(histogram.count).toBe(0);
  });

  it('quantiles are within 7% above the exact value and never below it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.001, max: 600_000, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (values, q) => {
          const histogram = new Histogram();
          for (const value of values) histogram.record(value);
          const sorted = [...values].sort((a, b) => a - b);
          const exact = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number;
          const estimate = histogram.quantile(q);
          // Values are kept in whole microseconds: allow that rounding plus the bucket width.
          expect(estimate).toBeGreaterThanOrEqual(exact - 0.0005);
          expect(estimate).toBeLessThanOrEqual(exact * 1.07 + 0.001);
        },
      ),
      { seed: PROPERTY_SEED, numRuns: 200 },
    );
  });

  it('keeps the same precision on both sides of 2^31 us (the integer and the log2 paths)', () => {
    for (const valueMs of [2_147_483.647, 2_147_483.648, 5_000_000, 86_400_000]) {
      const histogram = new Histogram();
      histogram.record(valueMs);
      const estimate = histogram.quantile(0.5);
      expect(estimate).toBeGreaterThanOrEqual(valueMs - 0.0005);
      expect(estimate).toBeLessThanOrEqual(valueMs * 1.07);
    }
  });
});
