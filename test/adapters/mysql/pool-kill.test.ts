import { describe, expect, it } from 'vitest';
import { createMysqlPool, isFatalMysqlError } from '../../../src/adapters/mysql/index.js';
import { requireService } from '../../helpers/services.js';
import { eventually, kill, liveThreads, mysqlConnection, noSessionsLeft, trackThreads } from './helpers.js';

const up = await requireService('mariadb');

describe.skipIf(!up)('mysql pool: KILL on idle and busy sessions', () => {
  it('idle sessions KILLed: evicted without an unhandled error, the pool recovers', async () => {
    const pool = createMysqlPool({ connection: mysqlConnection, min: 3, max: 3 });
    const threads = trackThreads(pool);
    await pool.pool.ready();
    expect(await eventually(async () => (await liveThreads(threads, 'Sleep')).length === 3)).toBe(true);
    const first = [...threads];
    await kill(first);
    expect(await eventually(() => pool.stats().destroyedByReason.died === 3)).toBe(true);
    const results = await Promise.all(Array.from({ length: 6 }, () => pool.query('SELECT 1 AS one')));
    expect(results).toHaveLength(6);
    expect(threads.size).toBeGreaterThan(3);
    expect(await liveThreads(first)).toEqual([]);
    await pool.close();
    expect(await noSessionsLeft(threads)).toBe(true);
  });

  it('busy sessions KILLed: only their in-flight queries fail (fatal), queued queries succeed', async () => {
    const pool = createMysqlPool({ connection: mysqlConnection, max: 3 });
    const threads = trackThreads(pool);
    const sleepers = Array.from({ length: 3 }, () =>
      pool.query('SELECT SLEEP(30)').then(
        () => 'ok',
        (e: unknown) => e,
      ),
    );
    const queued = Array.from({ length: 6 }, (_, i) => pool.query('SELECT ? AS n', [i]));
    expect(await eventually(async () => (await liveThreads(threads, 'Query')).length === 3)).toBe(true);
    await kill([...threads]);
    const failures = await Promise.all(sleepers);
    expect(failures.every((error) => isFatalMysqlError(error))).toBe(true);
    const rows = (await Promise.all(queued)).map(([result]) => Number((result as { n: number }[])[0]?.n));
    expect(rows).toEqual([0, 1, 2, 3, 4, 5]);
    await pool.close();
    expect(await noSessionsLeft(threads)).toBe(true);
  });
});
