import { describe, expect, it } from 'vitest';
import { BadKeyError, InvalidOptionError, ValueTooBigError } from '../../src/errors.js';
import { checkKey, MAX_KEY_BYTES, valueBytes } from '../../src/memcached/keys.js';

function reasonOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BadKeyError);
    expect((error as { code: string }).code).toBe('POOLKIT_BAD_KEY');
    return (error as { reason: unknown }).reason;
  }
  throw new Error('expected a BadKeyError');
}

describe('memcached key and value checks', () => {
  it('accepts ordinary keys and returns their UTF-8 length', () => {
    expect(checkKey('user:42')).toBe(7);
    expect(checkKey('é')).toBe(2);
    expect(checkKey('k'.repeat(MAX_KEY_BYTES))).toBe(250);
  });

  it('rejects empty, non-string, too long and control-character keys with typed reasons', () => {
    expect(reasonOf(() => checkKey(''))).toBe('empty');
    expect(reasonOf(() => checkKey(42))).toBe('type');
    expect(reasonOf(() => checkKey('k'.repeat(251)))).toBe('too-long');
    // 126 two-byte characters are 252 bytes: the limit is in bytes, not characters.
    expect(reasonOf(() => checkKey('é'.repeat(126)))).toBe('too-long');
    for (const bad of ['a b', 'a\r\nb', 'a\tb', 'a\u0000b', 'a\u007fb', 'a\u0085b', 'a\nflush_all']) {
      expect(reasonOf(() => checkKey(bad))).toBe('control-character');
    }
  });

  it('measures values and rejects ones above the limit', () => {
    expect(valueBytes('héllo', 10)).toBe(6);
    expect(valueBytes(new Uint8Array(10), 10)).toBe(10);
    expect(() => valueBytes(new Uint8Array(11), 10)).toThrow(ValueTooBigError);
    expect(() => valueBytes(42, 10)).toThrow(InvalidOptionError);
  });
});
