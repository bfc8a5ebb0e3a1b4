import { describe, expect, it } from 'vitest';
import { createSocketPool } from '../../src/net/index.js';
import { roundTrip, startEchoServer, until } from './servers.js';

describe('socket pool: an idle socket that dies is evicted', () => {
  it('server closes (FIN), resets (RST) or sends stray bytes while idle: evicted, no unhandled error', async () => {
    await using server = await startEchoServer();
    await using pool = createSocketPool({ host: '127.0.0.1', port: server.port });
    const leases = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
    for (const lease of leases) lease.release();
    expect(pool.stats().total.idle).toBe(3);
    await until(() => server.sockets.length === 3); // the client's connect can beat the server's accept
    const [closeIt, resetIt, chatty] = server.sockets;
    closeIt?.end();
    resetIt?.resetAndDestroy();
    chatty?.write('unsolicited');
    await until(() => pool.stats().total.idle === 0);
    const stats = pool.stats().total;
    expect(stats.destroyedByReason.died).toBe(3);
    // The pool recovers: the next acquire connects afresh and works.
    const fresh = await pool.acquire();
    expect(fresh.reused).toBe(false);
    expect(await roundTrip(fresh.socket, 'ok')).toBe('ok');
    fresh.release();
  });

  it('a socket that died while in use is closed on release, not pooled', async () => {
    await using server = await startEchoServer();
    await using pool = createSocketPool({ host: '127.0.0.1', port: server.port });
    const lease = await pool.acquire();
    const closed = new Promise((resolve) => lease.socket.once('close', resolve));
    server.sockets[0]?.destroy();
    await closed;
    lease.release();
    await until(() => pool.stats().total.size === 0);
    expect(pool.stats().total.idle).toBe(0);
  });
});
