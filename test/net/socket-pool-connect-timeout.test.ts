import { describe, expect, it } from 'vitest';
import { ConnectTimeoutError } from '../../src/errors.js';
import { createSocketPool } from '../../src/net/index.js';
import { startFaultServer } from '../../src/testing/fault-servers.js';
import { TLS_CERT, until } from './servers.js';

describe('socket pool: connect failures', () => {
  it('a TLS handshake that never completes fails with ConnectTimeoutError and the attempt is really closed', async () => {
    await using server = await startFaultServer({ kind: 'blackhole' });
    await using pool = createSocketPool(
      { host: '127.0.0.1', port: server.port, tls: true, ca: TLS_CERT, servername: 'localhost' },
      { connectTimeoutMs: 100 },
    );
    const error = await pool.acquire().catch((caught: unknown) => caught);
    // The pool may wrap the create error; the connect timeout is either the error or its cause.
    const timeout = error instanceof ConnectTimeoutError ? error : (error as { cause?: unknown }).cause;
    expect(timeout).toBeInstanceOf(ConnectTimeoutError);
    expect((timeout as { code: string }).code).toBe('POOLKIT_CONNECT_TIMEOUT');
    // The half-open connection is gone on the server side too: the timeout aborted it.
    await server.waitForIdle();
    expect(server.accepted).toBe(1);
    expect(server.open).toBe(0);
    expect(pool.stats().total.size).toBe(0);
  });

  it('a reset during connect (TLS to a resetting server) rejects the acquire, fast', async () => {
    await using server = await startFaultServer({ kind: 'reset' });
    await using pool = createSocketPool(
      { host: '127.0.0.1', port: server.port, tls: true, ca: TLS_CERT, servername: 'localhost' },
      { connectTimeoutMs: 10_000, acquireTimeoutMs: 10_000 },
    );
    const error = (await pool.acquire().catch((caught: unknown) => caught)) as Error & { cause?: { code?: string } };
    expect(error).toBeInstanceOf(Error);
    const code = (error as { code?: string }).code;
    expect([code, error.cause?.code]).toContain('ECONNRESET');
    await until(() => pool.stats().total.creating === 0);
  });

  it('a refused port rejects with the connect error instead of waiting for the acquire timeout', async () => {
    const server = await startFaultServer({ kind: 'blackhole' });
    const port = server.port;
    await server.close();
    await using pool = createSocketPool({ host: '127.0.0.1', port }, { acquireTimeoutMs: 60_000 });
    const error = (await pool.acquire().catch((caught: unknown) => caught)) as Error & { cause?: { code?: string } };
    const code = (error as { code?: string }).code;
    expect([code, error.cause?.code]).toContain('ECONNREFUSED');
  });
});
