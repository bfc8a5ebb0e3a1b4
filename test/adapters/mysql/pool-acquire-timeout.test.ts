import { describe, expect, it } from 'vitest';
import { createMysqlPool } from '../../../src/adapters/mysql/index.js';
import { requireService } from '../../helpers/services.js';
import { eventually, kill, liveThreads, mysqlConnection, noSessionsLeft, trackThreads } from './helpers.js';

const up = await requireService('mariadb');

describe.skipIf(!up)('mysql pool: the acquire timeout bounds a query stuck behind busy connections', () => {
  it('a query behind two SLEEP(30)s is rejected at its acquire deadline while they still run', async () => {
    const pool = createMysqlPool({ connection: mysqlConnection, max: 2, acquireTimeoutMs: 300 });
    const threads = trackThreads(pool);
    const sleepers = [pool.query('SELECT SLEEP(30)'), pool.query('SELECT SLEEP(30)')].map((p) =>
      p.then(
        () => 'finished',
        (error: unknown) => error,
      ),
    );
    expect(await eventually(async () => (await liveThreads(threads, 'Query')).length === 2)).toBe(true);
    const error = await pool.query('SELECT 1').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'POOLKIT_ACQUIRE_TIMEOUT' });
    expect((await liveThreads(threads, 'Query')).length).toBe(2);
    // KILL QUERY interrupts the statement only: the sessions stay usable and are reused.
    await kill(threads, 'QUERY');
    await Promise.all(sleepers);
    await expect(pool.query('SELECT 1')).resolves.toBeDefined();
    expect(pool.stats().created).toBe(2);
    await pool.close();
    expect(await noSessionsLeft(threads)).toBe(true);
  });
});
