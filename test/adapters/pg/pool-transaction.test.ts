import { describe, expect, it } from 'vitest';
import { createPgPool } from '../../../src/adapters/pg/index.js';
import { requireService } from '../../helpers/services.js';
import { appName, noBackendsLeft, pgConnection, terminate } from './helpers.js';

const up = await requireService('postgres');

describe.skipIf(!up)('pg pool: withTransaction', () => {
  it('commits on success, rolls back on a throw and rethrows the same error', async () => {
    const name = appName('tx');
    const table = `poolkit_tx_${name.slice(-8)}`;
    const pool = createPgPool({ connection: { ...pgConnection, application_name: name }, max: 2 });
    await pool.query(`CREATE TABLE ${table} (x int)`);
    try {
      const result = await pool.withTransaction(async (client) => {
        await client.query(`INSERT INTO ${table} VALUES (1)`);
        return 'done';
      });
      expect(result).toBe('done');
      const failure = new Error('changed my mind');
      await expect(
        pool.withTransaction(async (client) => {
          await client.query(`INSERT INTO ${table} VALUES (2)`);
          throw failure;
        }),
      ).rejects.toBe(failure);
      const { rows } = await pool.query<{ x: number }>(`SELECT x FROM ${table} ORDER BY x`);
      expect(rows).toEqual([{ x: 1 }]);
      const level = await pool.withTransaction(
        async (client) =>
          (await client.query<{ l: string }>('SELECT current_setting($1) AS l', ['transaction_isolation'])).rows[0]?.l,
        { isolationLevel: 'serializable', readOnly: true },
      );
      expect(level).toBe('serializable');
    } finally {
      await pool.query(`DROP TABLE ${table}`);
      await pool.close();
    }
    expect(await noBackendsLeft(name)).toBe(true);
  });

  it('a failed ROLLBACK (backend terminated mid-transaction) destroys the connection and throws TransactionError', async () => {
    const name = appName('tx-dead');
    const pool = createPgPool({ connection: { ...pgConnection, application_name: name }, max: 1 });
    const error = await pool
      .withTransaction(async (client) => {
        await terminate(name);
        await client.query('SELECT 1');
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'POOLKIT_TRANSACTION_FAILED' });
    expect((error as Error).cause).toBeInstanceOf(Error);
    await expect(pool.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
    expect(pool.stats().created).toBe(2);
    await pool.close();
    expect(await noBackendsLeft(name)).toBe(true);
  });

  it('rejects a bad isolation level before borrowing anything', async () => {
    const pool = createPgPool({ connection: pgConnection });
    await expect(pool.withTransaction(() => 1, { isolationLevel: 'snapshot' as never })).rejects.toMatchObject({
      code: 'POOLKIT_INVALID_OPTION',
      option: 'isolationLevel',
    });
    expect(pool.stats().created).toBe(0);
    await pool.close();
  });
});
