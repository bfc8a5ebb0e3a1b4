import { describe, expect, it } from 'vitest';
import { createMemcachedClient } from '../../src/memcached/index.js';
import { crc32 } from '../../src/memcached/server-list.js';
import { memcachedBinaryAvailable, startOwnMemcached } from './memcached-process.js';

const available = await memcachedBinaryAvailable();

describe.skipIf(!available)('memcached client: keys spread over servers by CRC-32 (ServerList)', () => {
  it('each key lands on server crc32(key) % n, and getMulti gathers from all of them', async () => {
    await using one = await startOwnMemcached();
    await using two = await startOwnMemcached();
    const servers = [`127.0.0.1:${one.port}`, `127.0.0.1:${two.port}`];
    const cache = createMemcachedClient({ servers });
    const alone = [
      createMemcachedClient({ servers: [servers[0] as string] }),
      createMemcachedClient({ servers: [servers[1] as string] }),
    ];
    const keys = Array.from({ length: 40 }, (_, i) => `spread:${i}`);
    await Promise.all(keys.map((key) => cache.set(key, key)));
    for (const key of keys) {
      const home = crc32(key) % 2;
      // Only the server the hash names holds the key.
      expect((await alone[home]?.get(key))?.value.toString()).toBe(key);
      await expect(alone[1 - home]?.get(key)).rejects.toMatchObject({ code: 'POOLKIT_CACHE_MISS' });
    }
    const all = await cache.getMulti(keys);
    expect(all.size).toBe(40);
    for (const client of [cache, ...alone]) await client.close();
  });
});
