import { describe, expect, it } from 'vitest';
import { InvalidOptionError, PoolkitError, UnknownOptionError } from '../../src/internal/errors.js';
import {
  booleanOption,
  customOption,
  durationOption,
  enumOption,
  functionOption,
  integerOption,
  numberOption,
  resolveOptions,
} from '../../src/internal/options.js';

const schema = {
  max: integerOption({ min: 1, default: 10 }),
  ratio: numberOption({ min: 0, max: 1 }),
  idleTimeoutMs: durationOption({ default: 30_000 }),
  fifo: booleanOption({ default: false }),
  mode: enumOption(['gc', 'idle', 'none'] as const, { default: 'gc' }),
  onError: functionOption<(error: unknown) => void>(),
  tag: customOption<string | undefined>(
    'a string of 1-8 characters',
    (v) => typeof v === 'string' && v.length >= 1 && v.length <= 8,
  ),
};

describe('resolveOptions', () => {
  it('fills defaults, keeps given values, and freezes the result', () => {
    const input = { max: 3 };
    const resolved = resolveOptions('TestPool', input, schema);
    expect(resolved).toEqual({ max: 3, idleTimeoutMs: 30_000, fifo: false, mode: 'gc' });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(input).toEqual({ max: 3 });
  });

  it('treats an explicit undefined as absent and accepts Infinity for durations', () => {
    const resolved = resolveOptions('TestPool', { max: undefined, idleTimeoutMs: Number.POSITIVE_INFINITY }, schema);
    expect(resolved.max).toBe(10);
    expect(resolved.idleTimeoutMs).toBe(Number.POSITIVE_INFINITY);
  });

  it('rejects an out-of-range integer with the house-style message', () => {
    const attempt = () => resolveOptions('TestPool', { max: 0 }, schema);
    expect(attempt).toThrow(InvalidOptionError);
    expect(attempt).toThrow('Expected `max` to be an integer >= 1, got `0` (number)');
    try {
      attempt();
    } catch (error) {
      expect(error).toBeInstanceOf(PoolkitError);
      expect((error as PoolkitError).code).toBe('POOLKIT_INVALID_OPTION');
      expect((error as InstanceType<typeof InvalidOptionError>).option).toBe('max');
    }
  });

  it.each([
    [{ max: 1.5 }, 'Expected `max` to be an integer >= 1, got `1.5` (number)'],
    [{ max: '3' }, 'Expected `max` to be an integer >= 1, got `"3"` (string)'],
    [{ ratio: 2 }, 'Expected `ratio` to be a finite number between 0 and 1, got `2` (number)'],
    [{ ratio: Number.NaN }, 'Expected `ratio` to be a finite number between 0 and 1, got `NaN` (number)'],
    [{ idleTimeoutMs: -1 }, 'Expected `idleTimeoutMs` to be a number >= 0 or Infinity, got `-1` (number)'],
    [{ fifo: 1 }, 'Expected `fifo` to be a boolean, got `1` (number)'],
    [{ mode: 'lru' }, 'Expected `mode` to be one of `gc`, `idle`, `none`, got `"lru"` (string)'],
    [{ onError: 'log' }, 'Expected `onError` to be a function, got `"log"` (string)'],
    [{ tag: '' }, 'Expected `tag` to be a string of 1-8 characters, got `""` (string)'],
    [{ max: null }, 'Expected `max` to be an integer >= 1, got `null` (null)'],
  ])('rejects %j', (input, message) => {
    expect(() => resolveOptions('TestPool', input, schema)).toThrow(message);
  });

  it('rejects unknown keys, naming the known ones', () => {
    const attempt = () => resolveOptions('TestPool', { maxx: 3 }, schema);
    expect(attempt).toThrow(UnknownOptionError);
    expect(attempt).toThrow(/Unknown option `maxx` for TestPool; known options: `max`, `ratio`/);
  });

  it('rejects options that are not an object', () => {
    expect(() => resolveOptions('TestPool', 5, schema)).toThrow('Expected `options` to be an object, got `5` (number)');
    expect(() => resolveOptions('TestPool', [1], schema)).toThrow(InvalidOptionError);
  });

  it('accepts undefined and null as "no options"', () => {
    expect(resolveOptions('TestPool', undefined, schema).max).toBe(10);
    expect(resolveOptions('TestPool', null, schema).max).toBe(10);
  });
});
