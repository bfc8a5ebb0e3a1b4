import { describe, expect, it } from 'vitest';
import { createMysqlPool } from '../../../src/adapters/mysql/index.js';
import { requireService } from '../../helpers/services.js';
import { kill, mysqlConnection, noSessionsLeft, trackThreads } from './helpers.js';

const up = await requireService('mariadb');

describe.skipIf(!up)('mysql pool: withTransaction and reset on release', () => {
  it('commits, rolls back on a throw, honours READ ONLY, rejects a bad isolation level', async () => {
    const pool = createMysqlPool({ connection: mysqlConnection, max: 2 });
    const threads = trackThreads(pool);
    const table = `poolkit_tx_${process.pid}_${Date.now() % 100000}`;
    await pool.query(`CREATE TABLE ${table} (x INT) ENGINE=InnoDB`);
    try {
      const committed = await pool.withTransaction(async (c) => {
        await c.query(`INSERT INTO ${table} VALUES (1)`);
        return 'ok';
      });
      expect(committed).toBe('ok');
      const failure = new Error('nope');
      await expect(
        pool.withTransaction(async (c) => {
          await c.query(`INSERT INTO ${table} VALUES (2)`);
          throw failure;
        }),
      ).rejects.toBe(failure);
      const [rows] = await pool.query(`SELECT x FROM ${table}`);
      expect(rows).toEqual([{ x: 1 }]);
      const readOnly = pool.withTransaction((c) => c.query(`INSERT INTO ${table} VALUES (3)`), {
        isolationLevel: 'serializable',
        readOnly: true,
      });
      await expect(readOnly).rejects.toMatchObject({ code: 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION' });
      await expect(pool.withTransaction(() => 1, { isolationLevel: 'snapshot' as never })).rejects.toMatchObject({
        code: 'POOLKIT_INVALID_OPTION',
      });
    } finally {
      await pool.query(`DROP TABLE ${table}`);
      await pool.close();
    }
    expect(await noSessionsLeft(threads)).toBe(true);
  });

  it('a session KILLed inside the transaction: ROLLBACK fails, TransactionError, connection destroyed', async () => {
    const pool = createMysqlPool({ connection: mysqlConnection, max: 1 });
    const threads = trackThreads(pool);
    const error = await pool
      .withTransaction(async (c) => {
        await kill([c.threadId]);
        await c.query('SELECT 1');
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'POOLKIT_TRANSACTION_FAILED' });
    await expect(pool.query('SELECT 1')).resolves.toBeDefined();
    expect(threads.size).toBe(2);
    await pool.close();
    expect(await noSessionsLeft(threads)).toBe(true);
  });

  it('resetOnRelease clears user variables and re-applies session variables; without it they leak', async () => {
    for (const resetOnRelease of [true, false]) {
      const pool = createMysqlPool({
        connection: mysqlConnection,
        max: 1,
        resetOnRelease,
        sessionVariables: { max_statement_time: 9 },
      });
      await pool.query('SET @leak = 42');
      const [rows] = await pool.query('SELECT @leak AS leak, @@SESSION.max_statement_time AS t');
      const row = (rows as { leak: unknown; t: unknown }[])[0];
      expect(row?.leak === null).toBe(resetOnRelease);
      expect(Number(row?.t)).toBe(9);
      await pool.close();
    }
  });
});
