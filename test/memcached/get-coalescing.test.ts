import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { CacheMissError } from '../../src/errors.js';
import { createMemcachedClient } from '../../src/memcached/index.js';
import { requireService, services } from '../helpers/services.js';

const up = await requireService('memcached');
const { host, port } = services.memcached;

/** A loopback proxy in front of the real server that records the command lines it forwards. */
async function recordingProxy(): Promise<{ port: number; lines: string[]; close(): Promise<void> }> {
  const lines: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    sockets.add(client).add(upstream);
    let pending = '';
    client.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      for (let end = pending.indexOf('\r\n'); end !== -1; end = pending.indexOf('\r\n')) {
        lines.push(pending.slice(0, end));
        pending = pending.slice(end + 2);
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => {});
    upstream.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    lines,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe.skipIf(!up)('memcached client: gets sent in one tick go out as one multi-key get', () => {
  it('each caller gets its own hit or miss, duplicates included, from one command', async () => {
    const proxy = await recordingProxy();
    const cache = createMemcachedClient({ servers: [{ host: '127.0.0.1', port: proxy.port }] });
    const prefix = `pk-test:${randomUUID()}:`;
    await cache.set(`${prefix}a`, 'A');
    await cache.set(`${prefix}b`, 'B');
    proxy.lines.length = 0;
    const keys = ['a', 'missing', 'b', 'a', 'other-miss', 'b'].map((key) => `${prefix}${key}`);
    const outcomes = await Promise.all(
      keys.map((key) =>
        cache.get(key).then(
          (item) => item.value.toString(),
          (error: unknown) => (error instanceof CacheMissError ? `miss:${(error as { key?: string }).key}` : error),
        ),
      ),
    );
    expect(outcomes).toEqual(['A', `miss:${prefix}missing`, 'B', 'A', `miss:${prefix}other-miss`, 'B']);
    expect(proxy.lines).toEqual([`get ${keys.join(' ')}`]);
    const stats = cache.stats();
    expect(stats.hits).toBe(4);
    expect(stats.misses).toBe(2);
    await cache.close();
    await proxy.close();
  });

  it('only consecutive gets merge: a get after a set of the same key in the same tick sees the set', async () => {
    const proxy = await recordingProxy();
    const cache = createMemcachedClient({ servers: [{ host: '127.0.0.1', port: proxy.port }] });
    const key = `pk-test:${randomUUID()}:k`;
    await cache.set(key, 'old');
    proxy.lines.length = 0;
    const before = cache.get(key);
    const write = cache.set(key, 'new');
    const after1 = cache.get(key);
    const after2 = cache.get(key);
    const [b, , a1, a2] = await Promise.all([before, write, after1, after2]);
    expect(b.value.toString()).toBe('old');
    expect(a1.value.toString()).toBe('new');
    expect(a2.value.toString()).toBe('new');
    expect(proxy.lines.filter((line) => line.startsWith('get '))).toEqual([`get ${key}`, `get ${key} ${key}`]);
    await cache.close();
    await proxy.close();
  });

  it('the callers of a merged get share the fate of its one command when the connection closes', async () => {
    const proxy = await recordingProxy();
    const cache = createMemcachedClient({ servers: [{ host: '127.0.0.1', port: proxy.port }], timeoutMs: 2000 });
    const key = `pk-test:${randomUUID()}:k`;
    await cache.set(key, 'v');
    const pending = [cache.get(key), cache.get(key), cache.get(key)].map((call) =>
      call.then(
        () => 'ok',
        (error: unknown) => (error as { code?: string }).code,
      ),
    );
    await proxy.close(); // every socket through the proxy is destroyed
    const outcomes = await Promise.all(pending);
    for (const outcome of outcomes) expect(['ok', 'POOLKIT_CONNECTION_CLOSED']).toContain(outcome);
    expect(new Set(outcomes).size).toBe(1); // one command: all three share its fate
    await cache.destroy();
    const direct = createMemcachedClient({ servers: [{ host, port }] });
    expect((await Promise.all([direct.get(key), direct.get(key)])).map((item) => item.value.toString())).toEqual([
      'v',
      'v',
    ]);
    await direct.close();
  });
});
