import { describe, expect, it } from 'vitest';
import { BufferPool, type BufferPoolOptions, ByteBuffer, gcEpoch } from '../../src/buffer/index.js';

gcEpoch.disable();

const invalid: [string, Record<string, unknown>][] = [
  ['minSize', { minSize: 1000 }],
  ['minSize', { minSize: 8 }],
  ['minSize', { minSize: '1024' }],
  ['maxSize', { maxSize: 3000 }],
  ['maxSize', { minSize: 4096, maxSize: 2048 }],
  ['maxSize', { maxSize: 2 ** 32 }],
  ['classesPerDoubling', { classesPerDoubling: 3 }],
  ['maxPerClass', { maxPerClass: -1 }],
  ['maxPerClass', { maxPerClass: Number.POSITIVE_INFINITY }],
  ['maxIdleBytes', { maxIdleBytes: 1.5 }],
  ['zeroing', { zeroing: 'always' }],
  ['eviction', { eviction: 'idle' }],
  ['calibrate', { calibrate: 1 }],
  ['calibrationCalls', { calibrationCalls: 0 }],
  ['calibrationPercentile', { calibrationPercentile: 0.4 }],
  ['calibrationPercentile', { calibrationPercentile: 1.1 }],
  ['minUtilisation', { minUtilisation: -0.5 }],
  ['maxStrikes', { maxStrikes: 0 }],
  ['debug', { debug: 'yes' }],
  ['poison', { debug: { poison: 256 } }],
  ['poison', { debug: { poison: true } }],
  ['dropRate', { debug: { dropRate: 1.5 } }],
];

describe('BufferPool options', () => {
  it.each(invalid)('rejects a bad `%s` with POOLKIT_INVALID_OPTION', (option, input) => {
    expect(() => new BufferPool(input as BufferPoolOptions)).toThrow(
      expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION', option }),
    );
  });

  it('says what was expected', () => {
    expect(() => new BufferPool({ minSize: 1000 })).toThrow(
      'Expected `minSize` to be a power of two between 16 and 2147483648, got `1000` (number)',
    );
  });

  it('rejects unknown keys, also inside debug, and a non-object', () => {
    expect(() => new BufferPool({ max: 1 } as BufferPoolOptions)).toThrow(
      expect.objectContaining({ code: 'POOLKIT_UNKNOWN_OPTION', option: 'max' }),
    );
    expect(() => new BufferPool({ debug: { strict: true } } as BufferPoolOptions)).toThrow(
      expect.objectContaining({ code: 'POOLKIT_UNKNOWN_OPTION', option: 'strict' }),
    );
    expect(() => new BufferPool(5 as BufferPoolOptions)).toThrow(
      expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION', option: 'options' }),
    );
  });

  it('validates method arguments', () => {
    const pool = new BufferPool();
    expect(() => pool.prewarm(1024, -1)).toThrow(expect.objectContaining({ option: 'count' }));
    expect(() => pool.trim(-5)).toThrow(expect.objectContaining({ option: 'keepBytes' }));
    expect(() => pool.classSizeOf(-1)).toThrow(expect.objectContaining({ option: 'size' }));
    const out = new ByteBuffer(pool);
    expect(() => out.write('abc' as unknown as Uint8Array)).toThrow(expect.objectContaining({ option: 'bytes' }));
    expect(() => out.writeString(5 as unknown as string)).toThrow(expect.objectContaining({ option: 'text' }));
  });

  it('has documented defaults', () => {
    const pool = new BufferPool();
    expect(pool.classSizes[0]).toBe(1024);
    expect(pool.classSizes.at(-1)).toBe(1 << 20);
    expect(pool.classSizes).toHaveLength(1 + 10 * 2);
  });
});
