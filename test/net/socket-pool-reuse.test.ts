import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSocketPool } from '../../src/net/index.js';
import { roundTrip, startEchoServer } from './servers.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('socket pool: reuse', () => {
  it('returns a released socket to the next acquire (LIFO), with TCP keepalive and no-delay on', async () => {
    const keepAlive = vi.spyOn(net.Socket.prototype, 'setKeepAlive');
    await using server = await startEchoServer();
    await using pool = createSocketPool({ host: '127.0.0.1', port: server.port });
    const first = await pool.acquire();
    const second = await pool.acquire();
    expect(first.reused).toBe(false);
    expect(await roundTrip(first.socket, 'one')).toBe('one');
    first.release();
    second.release();
    // LIFO: the most recently released socket is lent first.
    const again = await pool.acquire();
    expect(again.socket).toBe(second.socket);
    expect(again.reused).toBe(true);
    expect(await roundTrip(again.socket, 'two')).toBe('two');
    again.release();
    expect(server.sockets).toHaveLength(2);
    expect(keepAlive).toHaveBeenCalledWith(true, 1000);
    const stats = pool.stats();
    expect(stats.total.created).toBe(2);
    expect(stats.total.idle).toBe(2);
  });

  it('keys sockets by address: two servers never share a socket', async () => {
    await using a = await startEchoServer();
    await using b = await startEchoServer();
    await using pool = createSocketPool(undefined, { maxIdlePerAddress: 1 });
    const onA = await pool.acquire({ host: '127.0.0.1', port: a.port });
    onA.release();
    const onB = await pool.acquire({ host: '127.0.0.1', port: b.port });
    expect(onB.socket).not.toBe(onA.socket);
    expect(onB.key).toBe(`tcp:127.0.0.1:${b.port}`);
    onB.release();
    expect(pool.stats().keys).toBe(2);
    expect(a.sockets).toHaveLength(1);
    expect(b.sockets).toHaveLength(1);
  });

  it('caps idle sockets per address: extras returned are closed', async () => {
    await using server = await startEchoServer();
    await using pool = createSocketPool({ host: '127.0.0.1', port: server.port }, { maxIdlePerAddress: 1 });
    const leases = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
    const closed = leases.map((lease) => new Promise((resolve) => lease.socket.once('close', resolve)));
    for (const lease of leases) lease.release();
    // The first one back fills the idle list; the two after it are over the cap and closed.
    await Promise.all(closed.slice(1));
    expect(pool.stats().total.idle).toBe(1);
    expect(leases[0]?.socket.destroyed).toBe(false);
  });
});
