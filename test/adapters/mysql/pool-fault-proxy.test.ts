import { describe, expect, it } from 'vitest';
import { createMysqlPool, isFatalMysqlError } from '../../../src/adapters/mysql/index.js';
import { startFaultProxy } from '../../../src/testing/fault-proxy.js';
import { requireService } from '../../helpers/services.js';
import { runLoad } from '../pg/load.js';
import { mysqlConnection, noSessionsLeft, trackThreads } from './helpers.js';

const up = await requireService('mariadb');

describe.skipIf(!up)('mysql pool behind the fault proxy', () => {
  it('all connections cut mid-run: only in-flight queries fail, the pool recovers on its own', async () => {
    await using proxy = await startFaultProxy({ targetPort: mysqlConnection.port });
    const pool = createMysqlPool({ connection: { ...mysqlConnection, port: proxy.port }, max: 4 });
    const threads = trackThreads(pool);
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
    expect(failures.every((error) => isFatalMysqlError(error))).toBe(true);
    expect(ok).toBe(400 - failures.length);
    await pool.close();
    expect(await noSessionsLeft(threads)).toBe(true);
  });

  it('black hole: a per-query timeout ends the query, the acquire timeout bounds the rest; recovery after', async () => {
    await using proxy = await startFaultProxy({ targetPort: mysqlConnection.port });
    const pool = createMysqlPool({
      connection: { ...mysqlConnection, port: proxy.port, connectTimeout: 300 },
      max: 2,
      acquireTimeoutMs: 800,
      createTimeoutMs: 300,
    });
    const threads = trackThreads(pool);
    await pool.query('SELECT 1');
    proxy.blackhole();
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () =>
        pool.query({ sql: 'SELECT 1', timeout: 300 }).then(
          () => 'ok',
          (e: unknown) => e,
        ),
      ),
    );
    for (const outcome of outcomes) {
      const code = (outcome as { code?: string }).code;
      expect(code === 'POOLKIT_ACQUIRE_TIMEOUT' || isFatalMysqlError(outcome)).toBe(true);
    }
    proxy.blackhole(false);
    // Recovery goes through the create backoff built up meanwhile: allow it more than acquireTimeoutMs.
    const lease = await pool.acquire({ timeoutMs: 10_000 });
    await expect(lease.value.query('SELECT 2')).resolves.toBeDefined();
    lease.release();
    await pool.close();
    expect(await noSessionsLeft(threads)).toBe(true);
  });

  it('refusing then accepting: acquires time out meanwhile, then the pool reconnects', async () => {
    await using proxy = await startFaultProxy({ targetPort: mysqlConnection.port });
    const pool = createMysqlPool({
      connection: { ...mysqlConnection, port: proxy.port },
      max: 2,
      acquireTimeoutMs: 400,
    });
    const threads = trackThreads(pool);
    await proxy.refuse();
    await expect(pool.query('SELECT 1')).rejects.toMatchObject({ code: 'POOLKIT_ACQUIRE_TIMEOUT' });
    await proxy.accept();
    // Recovery waits out the create backoff built up meanwhile: allow it more than acquireTimeoutMs.
    const lease = await pool.acquire({ timeoutMs: 10_000 });
    await expect(lease.value.query('SELECT 1')).resolves.toBeDefined();
    lease.release();
    await pool.close();
    expect(await noSessionsLeft(threads)).toBe(true);
  });
});
