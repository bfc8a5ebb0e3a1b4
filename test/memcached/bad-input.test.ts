import { describe, expect, it } from 'vitest';
import {
  BadKeyError,
  ClosedError,
  InvalidOptionError,
  UnknownOptionError,
  ValueTooBigError,
} from '../../src/errors.js';
import { createMemcachedClient, type MemcachedClientOptions } from '../../src/memcached/index.js';
import { requireService, services } from '../helpers/services.js';

const up = await requireService('memcached');
const server = `${services.memcached.host}:${services.memcached.port}`;

describe('memcached client: every bad input gets its typed error', () => {
  it('rejects bad options at construction', () => {
    const bad: unknown[] = [
      {},
      { servers: [] },
      { servers: ['nohost'] },
      { servers: ['h:0'] },
      { servers: [{ host: '', port: 1 }] },
      { servers: [server], timeoutMs: 0 },
      { servers: [server], maxConnectionsPerServer: 1, maxIdleConnectionsPerServer: 2 },
      { servers: [server], maxPipelinePerConnection: 0 },
    ];
    for (const options of bad) {
      expect(() => createMemcachedClient(options as MemcachedClientOptions)).toThrow(InvalidOptionError);
    }
    expect(() => createMemcachedClient({ servers: [server], timeout: 5 } as never)).toThrow(UnknownOptionError);
    expect(createMemcachedClient({ servers: ['[::1]:11211'] }).stats().servers[0]?.address).toBe('::1:11211');
  });

  it('rejects bad keys, flags, expiry, deltas and oversized values before sending anything', async () => {
    const cache = createMemcachedClient({ servers: [server], maxValueBytes: 1000 });
    for (const key of ['', 'a b', 'line\r\nbreak', 'k'.repeat(251), 'tab\t', '\u0000']) {
      await expect(cache.get(key)).rejects.toBeInstanceOf(BadKeyError);
      await expect(cache.set(key, 'v')).rejects.toBeInstanceOf(BadKeyError);
      await expect(cache.delete(key)).rejects.toBeInstanceOf(BadKeyError);
      await expect(cache.incr(key)).rejects.toBeInstanceOf(BadKeyError);
      await expect(cache.touch(key, 1)).rejects.toBeInstanceOf(BadKeyError);
      await expect(cache.getMulti(['fine', key])).rejects.toBeInstanceOf(BadKeyError);
    }
    await expect(cache.set('k', 'x'.repeat(1001))).rejects.toBeInstanceOf(ValueTooBigError);
    await expect(cache.set('k', 42 as never)).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(cache.set('k', 'v', { flags: -1 })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(cache.set('k', 'v', { flags: 2 ** 32 })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(cache.set('k', 'v', { expirySeconds: 1.5 })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(cache.touch('k', -1)).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(cache.incr('k', -1)).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(cache.incr('k', 2n ** 64n)).rejects.toBeInstanceOf(InvalidOptionError);
    // Nothing above reached the network.
    expect(cache.stats().calls).toBe(0);
    expect(cache.stats().sockets.total.created).toBe(0);
    await cache.close();
    await expect(cache.get('k')).rejects.toBeInstanceOf(ClosedError);
  });

  it.skipIf(!up)(
    'a value the server refuses as too large rejects with ValueTooBigError; the connection stays usable',
    async () => {
      const cache = createMemcachedClient({ servers: [server], maxValueBytes: 4 * 1024 * 1024 });
      const error = await cache.set('pk-test:big', Buffer.alloc(2 * 1024 * 1024)).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValueTooBigError);
      await cache.set('pk-test:small', 'fine');
      expect((await cache.get('pk-test:small')).value.toString()).toBe('fine');
      expect(cache.stats().sockets.total.created).toBe(1);
      await cache.close();
    },
  );
});
