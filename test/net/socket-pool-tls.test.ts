import type tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { createSocketPool } from '../../src/net/index.js';
import { roundTrip, startEchoServer, TLS_CERT } from './servers.js';

describe('socket pool: TLS', () => {
  it('connects with TLS (verified against the fixture CA), reuses the socket, keys by server name', async () => {
    await using server = await startEchoServer({ tls: true });
    await using pool = createSocketPool({
      host: '127.0.0.1',
      port: server.port,
      tls: true,
      ca: TLS_CERT,
      servername: 'localhost',
    });
    const lease = await pool.acquire();
    const socket = lease.socket as tls.TLSSocket;
    expect(socket.encrypted).toBe(true);
    expect(socket.authorized).toBe(true);
    expect(lease.key).toBe(`tls:127.0.0.1:${server.port}:localhost`);
    expect(await roundTrip(socket, 'secret')).toBe('secret');
    lease.release();
    const again = await pool.acquire();
    expect(again.socket).toBe(socket);
    expect(await roundTrip(again.socket, 'again')).toBe('again');
    again.release();
    expect(server.sockets).toHaveLength(1);
  });

  it('rejects a certificate it cannot verify', async () => {
    await using server = await startEchoServer({ tls: true });
    await using pool = createSocketPool({ host: '127.0.0.1', port: server.port, tls: true, servername: 'localhost' });
    const error = (await pool.acquire().catch((caught: unknown) => caught)) as Error & { cause?: { code?: string } };
    const code = (error as { code?: string }).code;
    expect([code, error.cause?.code]).toContain('DEPTH_ZERO_SELF_SIGNED_CERT');
  });
});
