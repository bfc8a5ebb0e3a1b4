import { describe, expect, it } from 'vitest';
import { createPgPool, isFatalPgError } from '../../../src/adapters/pg/index.js';
import { startFaultProxy } from '../../../src/testing/fault-proxy.js';
import { requireService } from '../../helpers/services.js';
import { appName, noBackendsLeft, pgConnection } from './helpers.js';
import { runLoad } from './load.js';

const up = await requireService('postgres');

describe.skipIf(!up)('pg pool behind the fault proxy: cut, black hole, refuse', () => {
  it('all connections cut mid-run: only in-flight queries fail, the rest succeed on new connections', async () => {
    const name = appName('cut');
    await using proxy = await startFaultProxy({ targetPort: pgConnection.port });
    const pool = createPgPool({ connection: { ...pgConnection, port: proxy.port, application_name: name }, max: 4 });
    let cut = 0;
    const { ok, failures } = await runLoad(
      400,
      8,
      () => pool.query('SELECT 1'),
      (done) => {
        if (done === 100) cut = proxy.cut();
      },
    );
    expect(cut).toBeGreaterThan(0);
    expect(failures.length).toBeLessThanOrEqual(cut);
    expect(failures.every((error) => isFatalPgError(error))).toBe(true);
    expect(ok).toBe(400 - failures.length);
    await pool.close();
    expect(await noBackendsLeft(name)).toBe(true);
  });

  it('black hole mid-run: queries end by query_timeout or acquire timeout, none hangs; recovery after', async () => {
    const name = appName('blackhole');
    await using proxy = await startFaultProxy({ targetPort: pgConnection.port });
    const pool = createPgPool({
      connection: { ...pgConnection, port: proxy.port, application_name: name, query_timeout: 300 },
      max: 2,
      acquireTimeoutMs: 800,
      createTimeoutMs: 300,
    });
    await pool.query('SELECT 1');
    proxy.blackhole();
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () =>
        pool.query('SELECT 1').then(
          () => 'ok',
          (error: unknown) => error,
        ),
      ),
    );
    for (const outcome of outcomes) {
      const code = (outcome as { code?: string }).code;
      expect(code === 'POOLKIT_ACQUIRE_TIMEOUT' || isFatalPgError(outcome)).toBe(true);
    }
    proxy.blackhole(false);
    // Recovery goes through the create backoff built up meanwhile: allow it more than acquireTimeoutMs.
    const lease = await pool.acquire({ timeoutMs: 10_000 });
    await expect(lease.value.query('SELECT 2 AS two')).resolves.toMatchObject({ rows: [{ two: 2 }] });
    lease.release();
    await pool.close();
    expect(await noBackendsLeft(name)).toBe(true);
  });

  it('server refusing connections: acquires time out with the connect error as cause, then it recovers', async () => {
    const name = appName('refuse');
    await using proxy = await startFaultProxy({ targetPort: pgConnection.port });
    const pool = createPgPool({
      connection: { ...pgConnection, port: proxy.port, application_name: name },
      max: 2,
      acquireTimeoutMs: 400,
    });
    await proxy.refuse();
    const error = await pool.query('SELECT 1').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'POOLKIT_ACQUIRE_TIMEOUT' });
    expect(JSON.stringify((error as Error).cause, Object.getOwnPropertyNames((error as Error).cause ?? {}))).toContain(
      'ECONNREFUSED',
    );
    expect(pool.stats().createFailures).toBeGreaterThan(0);
    await proxy.accept();
    // Recovery waits out the create backoff built up meanwhile: allow it more than acquireTimeoutMs.
    const lease = await pool.acquire({ timeoutMs: 10_000 });
    await expect(lease.value.query('SELECT 3 AS three')).resolves.toMatchObject({ rows: [{ three: 3 }] });
    lease.release();
    await pool.close();
    expect(await noBackendsLeft(name)).toBe(true);
  });
});
