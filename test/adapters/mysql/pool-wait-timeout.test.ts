import { describe, expect, it } from 'vitest';
import { createMysqlPool } from '../../../src/adapters/mysql/index.js';
import { requireService } from '../../helpers/services.js';
import { eventually, liveThreads, mysqlConnection, noSessionsLeft, trackThreads } from './helpers.js';

const up = await requireService('mariadb');

/** Resolves when the pool destroys a connection (an event, not a timer). */
function nextDestroy(pool: ReturnType<typeof createMysqlPool>): Promise<string> {
  return new Promise((resolve) => {
    const off = pool.pool.on('resourceDestroyed', ({ reason }) => {
      off();
      resolve(reason);
    });
  });
}

describe.skipIf(!up)("mysql pool: the server's wait_timeout", () => {
  it('an idle connection is retired before the session wait_timeout closes it', async () => {
    // wait_timeout = 2 s for these sessions; check idle connections every 200 ms, margin 1.5 s.
    const pool = createMysqlPool({
      connection: mysqlConnection,
      max: 1,
      sessionVariables: { wait_timeout: 2 },
      keepAliveIntervalMs: 200,
      waitTimeoutMarginMs: 1500,
    });
    const threads = trackThreads(pool);
    await pool.query('SELECT 1');
    const reason = await nextDestroy(pool);
    expect(reason).not.toBe('died');
    expect(pool.stats().destroyedByReason.died).toBe(0);
    expect(await noSessionsLeft(threads)).toBe(true);
    await expect(pool.query('SELECT 1')).resolves.toBeDefined();
    await pool.close();
    expect(await noSessionsLeft(threads)).toBe(true);
  });

  it('without the idle check, a connection closed by wait_timeout is evicted as died, never lent', async () => {
    const pool = createMysqlPool({
      connection: mysqlConnection,
      max: 1,
      sessionVariables: { wait_timeout: 1 },
      keepAliveIntervalMs: Number.POSITIVE_INFINITY,
      validateAfterIdleMs: Number.POSITIVE_INFINITY,
    });
    const threads = trackThreads(pool);
    await pool.query('SELECT 1');
    expect(await nextDestroy(pool)).toBe('died');
    await expect(pool.query('SELECT 2 AS two')).resolves.toBeDefined();
    expect(threads.size).toBe(2);
    expect(await eventually(async () => (await liveThreads(threads)).length === 1)).toBe(true);
    await pool.close();
    expect(await noSessionsLeft(threads)).toBe(true);
  });
});
