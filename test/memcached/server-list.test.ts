import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32, pickServer } from '../../src/memcached/server-list.js';
import { PROPERTY_SEED } from '../helpers/seed.js';

describe('memcached server list', () => {
  it('hashes keys with CRC-32 IEEE, byte for byte like Go (checked against zlib)', () => {
    // Known answer: crc32("123456789") = 0xCBF43926.
    expect(crc32('123456789')).toBe(0xcbf43926);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }), (key) => {
        expect(crc32(key)).toBe(zlibCrc32(Buffer.from(key, 'utf8')));
      }),
      { seed: PROPERTY_SEED, numRuns: 500 },
    );
  });

  it('maps a key to crc32 % servers and spreads keys over every server', () => {
    expect(pickServer('anything', 1)).toBe(0);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) {
      const key = `key:${i}`;
      const index = pickServer(key, 3);
      expect(index).toBe(crc32(key) % 3);
      counts[index] = (counts[index] as number) + 1;
    }
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });
});
