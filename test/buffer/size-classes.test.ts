import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SizeClasses } from '../../src/buffer/size-classes.js';
import { PROPERTY_SEED } from '../helpers/seed.js';

describe('SizeClasses', () => {
  it('lists 1, 2 or 4 classes per doubling', () => {
    expect(new SizeClasses(1024, 8192, 1).sizes).toEqual([1024, 2048, 4096, 8192]);
    expect(new SizeClasses(1024, 4096, 2).sizes).toEqual([1024, 1536, 2048, 3072, 4096]);
    expect(new SizeClasses(1024, 2048, 4).sizes).toEqual([1024, 1280, 1536, 1792, 2048]);
    expect(new SizeClasses(16, 16, 4).sizes).toEqual([16]);
  });

  for (const perDoubling of [1, 2, 4] as const) {
    it(`picks the smallest class that fits, with ${perDoubling} per doubling`, () => {
      const classes = new SizeClasses(64, 1 << 26, perDoubling);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 1 << 26 }), (size) => {
          const index = classes.indexOf(size);
          const classSize = classes.sizes[index] as number;
          expect(classSize).toBeGreaterThanOrEqual(size);
          if (index > 0) expect(classes.sizes[index - 1] as number).toBeLessThan(size);
          // rounding waste is bounded by the class spacing
          if (size > 64) expect(classSize / size).toBeLessThan(1 + 1 / perDoubling + 1e-9);
        }),
        { seed: PROPERTY_SEED, numRuns: 2000 },
      );
    });
  }

  it('maps the boundaries exactly', () => {
    const classes = new SizeClasses(1024, 1 << 20, 4);
    expect(classes.indexOf(0)).toBe(0);
    expect(classes.indexOf(1024)).toBe(0);
    expect(classes.indexOf(1025)).toBe(1);
    expect(classes.indexOf(1 << 20)).toBe(classes.count - 1);
    expect(classes.count).toBe(1 + 10 * 4);
  });
});
