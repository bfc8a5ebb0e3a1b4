import { describe, expect, it } from 'vitest';
import { ConnectionClosedError, RequestTimeoutError } from '../../src/errors.js';
import { createMemcachedClient } from '../../src/memcached/index.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { startFaultServer } from '../../src/testing/fault-servers.js';

describe('memcached client: a server that accepts and never answers', () => {
  it('the call times out with RequestTimeoutError, others on the connection fail, the connection is closed', async () => {
    await using server = await startFaultServer({ kind: 'blackhole' });
    const clock = new FakeClock();
    const cache = createMemcachedClient({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 500, clock });
    const first = cache.get('a').catch((error: unknown) => error);
    await server.waitForConnections(1);
    while (server.bytesReceived === 0) await new Promise((resolve) => setImmediate(resolve));
    const second = cache.get('b').catch((error: unknown) => error);
    await clock.advance(499);
    expect(cache.stats().pending).toBe(2);
    await clock.advance(1);
    const [firstError, secondError] = await Promise.all([first, second]);
    expect(firstError).toBeInstanceOf(RequestTimeoutError);
    expect((firstError as { code: string }).code).toBe('POOLKIT_REQUEST_TIMEOUT');
    // The second call was written behind the first on the same stream: it cannot be trusted any more.
    expect([RequestTimeoutError, ConnectionClosedError].some((type) => secondError instanceof type)).toBe(true);
    await server.waitForIdle();
    expect(cache.stats().pending).toBe(0);
    expect(cache.stats().timeouts).toBeGreaterThanOrEqual(1);
    await cache.close();
  });

  it('a pending call keeps its deadline timer referenced; an idle client holds none', async () => {
    await using server = await startFaultServer({ kind: 'blackhole' });
    const clock = new FakeClock();
    const cache = createMemcachedClient({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 500, clock });
    const pending = cache.get('a').catch((error: unknown) => error);
    // Referenced: the call's deadline (and the connect's, while it lasts).
    expect(clock.referencedTimers).toBeGreaterThanOrEqual(1);
    await clock.advance(500);
    expect(await pending).toBeInstanceOf(RequestTimeoutError);
    expect(clock.referencedTimers).toBe(0);
    await cache.close();
  });
});
