import { describe, expect, it } from 'vitest';
import { createPgPool, isFatalPgError } from '../../../src/adapters/pg/index.js';
import { requireService } from '../../helpers/services.js';
import { appName, backends, eventually, noBackendsLeft, pgConnection, terminate } from './helpers.js';

const up = await requireService('postgres');

describe.skipIf(!up)('pg pool: pg_terminate_backend on idle and busy connections', () => {
  it('idle connections terminated with no error listener: evicted, no crash, the pool recovers', async () => {
    const name = appName('idle');
    const pool = createPgPool({ connection: { ...pgConnection, application_name: name }, min: 3, max: 3 });
    await pool.pool.ready();
    expect(await eventually(async () => (await backends(name, 'idle')).length === 3)).toBe(true);
    expect(await terminate(name, 'idle')).toBe(3);
    expect(await eventually(() => pool.stats().destroyedByReason.died === 3)).toBe(true);
    const results = await Promise.all(Array.from({ length: 6 }, () => pool.query('SELECT 1 AS one')));
    expect(results.every((result) => result.rows[0]?.one === 1)).toBe(true);
    expect(pool.stats().created).toBeGreaterThanOrEqual(4);
    await pool.close();
    expect(await noBackendsLeft(name)).toBe(true);
  });

  it("reports each death once through pg.Pool's 'error' event", async () => {
    const name = appName('idle-events');
    const pool = createPgPool({ connection: { ...pgConnection, application_name: name }, min: 2, max: 2 });
    const errors: unknown[] = [];
    pool.on('error', (error) => errors.push(error));
    await pool.pool.ready();
    await terminate(name);
    expect(await eventually(() => errors.length === 2)).toBe(true);
    expect(errors.every((error) => (error as { code?: string }).code === '57P01')).toBe(true);
    await expect(pool.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
    await pool.close();
    expect(errors).toHaveLength(2);
    expect(await noBackendsLeft(name)).toBe(true);
  });

  it('busy connections terminated: only their in-flight queries fail, queued ones succeed', async () => {
    const name = appName('busy');
    const pool = createPgPool({ connection: { ...pgConnection, application_name: name }, max: 4 });
    const sleepers = Array.from({ length: 4 }, () =>
      pool.query('SELECT pg_sleep(30)').then(
        () => 'ok',
        (e: unknown) => e,
      ),
    );
    const queued = Array.from({ length: 8 }, (_, i) => pool.query<{ n: number }>('SELECT $1::int AS n', [i]));
    expect(await eventually(async () => (await backends(name, 'active')).length === 4, 2000)).toBe(true);
    expect(await terminate(name, 'active')).toBe(4);
    const failures = await Promise.all(sleepers);
    expect(failures.every((error) => isFatalPgError(error))).toBe(true);
    expect((await Promise.all(queued)).map((result) => result.rows[0]?.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const { destroyedByReason } = pool.stats();
    expect(destroyedByReason.broken + destroyedByReason.died).toBe(4);
    await pool.close();
    expect(await noBackendsLeft(name)).toBe(true);
  });

  it('retryTerminated: a query whose backend is terminated mid-statement runs again on a new connection', async () => {
    const name = appName('retry');
    const pool = createPgPool({
      connection: { ...pgConnection, application_name: name },
      max: 2,
      retryTerminated: true,
    });
    const sleepers = Array.from({ length: 2 }, () => pool.query<{ one: number }>('SELECT 1 AS one FROM pg_sleep(0.3)'));
    expect(await eventually(async () => (await backends(name, 'active')).length === 2, 2000)).toBe(true);
    expect(await terminate(name, 'active')).toBe(2);
    const results = await Promise.all(sleepers);
    expect(results.map((result) => result.rows[0]?.one)).toEqual([1, 1]);
    expect(pool.stats().created).toBe(4);
    await pool.close();
    expect(await noBackendsLeft(name)).toBe(true);
  });

  it('retryTerminated must be a boolean', () => {
    expect(() => createPgPool({ retryTerminated: 'yes' as never })).toThrow(
      expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION' }),
    );
  });
});
