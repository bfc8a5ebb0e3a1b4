import { describe, expect, it } from 'vitest';
import { createMemcachedClient } from '../../src/memcached/index.js';
import { requireService, services } from '../helpers/services.js';

const up = await requireService('memcached');
const server = `${services.memcached.host}:${services.memcached.port}`;

describe.skipIf(!up)('memcached client: idle connections per server are bounded (MaxIdleConns)', () => {
  it('a burst opens up to maxConnectionsPerServer; afterwards only maxIdleConnectionsPerServer stay open', async () => {
    const cache = createMemcachedClient({
      servers: [server],
      maxPipelinePerConnection: 1, // one call per connection, like gomemcache
      maxConnectionsPerServer: 6,
      maxIdleConnectionsPerServer: 2,
    });
    await Promise.all(Array.from({ length: 30 }, (_, i) => cache.set(`pk-test:idle:${i}`, 'v')));
    const afterBurst = cache.stats();
    expect(afterBurst.sockets.total.created).toBeGreaterThan(2);
    expect(afterBurst.sockets.total.created).toBeLessThanOrEqual(6);
    // Once quiet for a turn, connections go back to the pool, which keeps two.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    const quiet = cache.stats();
    expect(quiet.servers[0]?.connections).toBe(0);
    expect(quiet.sockets.total.idle).toBe(2);
    expect(quiet.sockets.total.destroyedByReason.trimmed).toBe(afterBurst.sockets.total.created - 2);
    // The idle ones are reused by the next calls.
    await cache.get('pk-test:idle:0');
    expect(cache.stats().sockets.total.created).toBe(afterBurst.sockets.total.created);
    await cache.close();
  });
});
