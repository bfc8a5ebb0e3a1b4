import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConnectionClosedError, ProtocolError, ServerError } from '../../src/errors.js';
import { createMemcachedClient } from '../../src/memcached/index.js';
import { startFaultServer } from '../../src/testing/fault-servers.js';

/** A fake memcached answering every command line with the next scripted reply. */
async function scriptedServer(
  replies: string[],
): Promise<{ port: number; accepted: () => number; close(): Promise<void> }> {
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      const lines = chunk
        .toString('latin1')
        .split('\r\n')
        .filter((line) => /^(get|set|delete|incr|touch) /.test(line));
      for (const _ of lines) socket.write(replies.shift() ?? 'END\r\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => accepted,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('memcached client: replies that break the stream', () => {
  it('garbage fails the call with ProtocolError and the connection is replaced', async () => {
    const server = await scriptedServer(['HELLO THERE\r\n', 'VALUE k 0 2\r\nok\r\nEND\r\n']);
    const cache = createMemcachedClient({ servers: [`127.0.0.1:${server.port}`] });
    await expect(cache.get('k')).rejects.toBeInstanceOf(ProtocolError);
    expect((await cache.get('k')).value.toString()).toBe('ok');
    expect(server.accepted()).toBe(2);
    await cache.close();
    await server.close();
  });

  it('SERVER_ERROR rejects with ServerError and the connection is closed, not pooled (condRelease)', async () => {
    const server = await scriptedServer(['SERVER_ERROR out of memory storing object\r\n', 'STORED\r\n']);
    const cache = createMemcachedClient({ servers: [`127.0.0.1:${server.port}`] });
    const error = await cache.set('k', 'v').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as { code: string }).code).toBe('POOLKIT_SERVER_ERROR');
    expect((error as unknown as { reply: string }).reply).toBe('SERVER_ERROR out of memory storing object');
    await cache.set('k', 'v');
    expect(server.accepted()).toBe(2);
    await cache.close();
    await server.close();
  });

  it('a server that closes mid-reply fails the call with ConnectionClosedError', async () => {
    await using server = await startFaultServer({
      kind: 'close-after-bytes',
      bytes: 1,
      reply: 'VALUE k 0 10\r\nonly',
    });
    const cache = createMemcachedClient({ servers: [`127.0.0.1:${server.port}`] });
    await expect(cache.get('k')).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(cache.stats().pending).toBe(0);
    await cache.close();
  });

  it('a server that resets at once fails calls with a connection error, never a hang', async () => {
    await using server = await startFaultServer({ kind: 'reset' });
    const cache = createMemcachedClient({ servers: [`127.0.0.1:${server.port}`] });
    const results = await Promise.allSettled([cache.get('a'), cache.get('b'), cache.set('c', 'd')]);
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    expect(cache.stats().pending).toBe(0);
    await cache.close();
  });

  it('a request drained onto a connection in the same read that taints it is still answered', async () => {
    // The first read carries two replies at once: STORED for the set, ERROR for the delete. The
    // STORED frees a pipeline slot, the waiting get takes it, then the ERROR taints the connection:
    // the get must still be written and answered (not stranded until its timeout).
    let reads = 0;
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('data', () => {
        reads++;
        socket.write(reads === 1 ? 'STORED\r\nERROR\r\n' : 'VALUE b 0 1\r\nx\r\nEND\r\n');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const cache = createMemcachedClient({
      servers: [`127.0.0.1:${(server.address() as net.AddressInfo).port}`],
      maxConnectionsPerServer: 1,
      maxPipelinePerConnection: 2,
      timeoutMs: 300,
    });
    const set = cache.set('a', '1');
    const del = cache.delete('c').catch((error: unknown) => error);
    const get = cache.get('b').then(
      (item) => item.value.toString(),
      (error: unknown) => error,
    );
    await set;
    expect(await del).toBeInstanceOf(ServerError);
    expect(await get).toBe('x');
    await cache.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
