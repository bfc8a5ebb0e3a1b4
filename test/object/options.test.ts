import { describe, expect, it } from 'vitest';
import { FreeList, gcEpoch, ObjectPool, type ObjectPoolOptions } from '../../src/object/index.js';

gcEpoch.disable();

const create = () => ({});

const invalid: [string, Record<string, unknown>][] = [
  ['create', { create: undefined }],
  ['create', { create: 42 }],
  ['reset', { create, reset: 'yes' }],
  ['destroy', { create, destroy: {} }],
  ['maxIdle', { create, maxIdle: -1 }],
  ['maxIdle', { create, maxIdle: 1.5 }],
  ['eviction', { create, eviction: 'lru' }],
  ['idleTimeoutMs', { create, eviction: 'idle', idleTimeoutMs: 0 }],
  ['idleTimeoutMs', { create, eviction: 'idle', idleTimeoutMs: Number.NaN }],
  ['idleTimeoutMs', { create, idleTimeoutMs: 1000 }], // only with eviction 'idle'
  ['clock', { create, clock: { now: () => 0 } }],
  ['debug', { create, debug: true }],
  ['dropRate', { create, debug: { dropRate: 2 } }],
  ['leakSampleRate', { create, debug: { leakSampleRate: -0.1 } }],
  ['poison', { create, debug: { poison: 1 } }],
];

describe('ObjectPool options', () => {
  it.each(invalid)('rejects a bad `%s` with POOLKIT_INVALID_OPTION', (option, input) => {
    expect(() => new ObjectPool(input as unknown as ObjectPoolOptions<object>)).toThrow(
      expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION', option }),
    );
  });

  it('names the option and the value in the message', () => {
    expect(() => new ObjectPool({ create, maxIdle: -1 })).toThrow(
      'Expected `maxIdle` to be an integer >= 0 or Infinity, got `-1` (number)',
    );
  });

  it('rejects unknown keys, also inside debug', () => {
    expect(() => new ObjectPool({ create, maxidle: 3 } as unknown as ObjectPoolOptions<object>)).toThrow(
      expect.objectContaining({ code: 'POOLKIT_UNKNOWN_OPTION', option: 'maxidle' }),
    );
    expect(
      () => new ObjectPool({ create, debug: { poisn: () => {} } } as unknown as ObjectPoolOptions<object>),
    ).toThrow(expect.objectContaining({ code: 'POOLKIT_UNKNOWN_OPTION', option: 'poisn' }));
  });

  it('validates method arguments', () => {
    const pool = new ObjectPool({ create });
    expect(() => pool.prewarm(-1)).toThrow(
      expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION', option: 'count' }),
    );
    expect(() => pool.trim(0.5)).toThrow(expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION', option: 'keep' }));
  });

  it('does not mutate the caller options and accepts Infinity for maxIdle', () => {
    const input = { create, maxIdle: Number.POSITIVE_INFINITY };
    const pool = new ObjectPool(input);
    expect(pool.prewarm(3)).toBe(3);
    expect(input).toEqual({ create, maxIdle: Number.POSITIVE_INFINITY });
    expect(pool.eviction).toBe('gc');
  });

  it('validates FreeList options', () => {
    expect(() => new FreeList({ create, max: -1 })).toThrow(
      expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION', option: 'max' }),
    );
    expect(() => new FreeList({} as never)).toThrow(expect.objectContaining({ option: 'create' }));
    expect(() => new FreeList({ create, size: 1 } as never)).toThrow(
      expect.objectContaining({ code: 'POOLKIT_UNKNOWN_OPTION' }),
    );
  });
});
