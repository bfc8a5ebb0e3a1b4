import { describe, expect, it } from 'vitest';
import { createSocketPool } from '../../src/net/index.js';
import { roundTrip, startEchoServer, until } from './servers.js';

describe('socket pool: markUnusable and out-of-step sockets', () => {
  it('markUnusable() makes release() close the socket (fatih/pool)', async () => {
    await using server = await startEchoServer();
    await using pool = createSocketPool({ host: '127.0.0.1', port: server.port });
    const lease = await pool.acquire();
    lease.markUnusable();
    expect(lease.unusable).toBe(true);
    const closed = new Promise((resolve) => lease.socket.once('close', resolve));
    lease.release();
    await closed;
    await until(() => pool.stats().total.size === 0);
    expect(pool.stats().total.idle).toBe(0);
    expect(pool.stats().total.destroyedByReason['destroyed-by-holder']).toBe(1);
  });

  it('a socket released with unread bytes is closed instead of pooled', async () => {
    await using server = await startEchoServer();
    await using pool = createSocketPool({ host: '127.0.0.1', port: server.port });
    const lease = await pool.acquire();
    // Write without reading: the echo sits unread in the socket's buffer.
    lease.socket.write('left over');
    await until(() => lease.socket.readableLength > 0);
    lease.release();
    await until(() => pool.stats().total.size === 0);
    expect(pool.stats().total.destroyedByReason['reset-failed']).toBe(1);
    const next = await pool.acquire();
    expect(next.reused).toBe(false);
    expect(await roundTrip(next.socket, 'clean')).toBe('clean');
    next.release();
  });
});
