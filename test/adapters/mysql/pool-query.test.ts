import { describe, expect, it } from 'vitest';
import { createMysqlPool } from '../../../src/adapters/mysql/index.js';
import { requireService } from '../../helpers/services.js';
import { liveThreads, mysqlConnection, noSessionsLeft, trackThreads } from './helpers.js';

const up = await requireService('mariadb');

describe.skipIf(!up)('mysql pool: query, execute, getConnection, session variables', () => {
  it('serves 64 concurrent queries through 4 connections and leaves no session after close', async () => {
    const pool = createMysqlPool({ connection: mysqlConnection, max: 4 });
    const threads = trackThreads(pool);
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        pool.query<{ n: number }[] & import('mysql2').RowDataPacket[]>('SELECT ? AS n', [i]),
      ),
    );
    expect(results.map(([rows]) => Number(rows[0]?.n))).toEqual(Array.from({ length: 64 }, (_, i) => i));
    const [executed] = await pool.execute<import('mysql2').RowDataPacket[]>('SELECT ? + 1 AS n', [41]);
    expect(Number(executed[0]?.n)).toBe(42);
    expect(threads.size).toBeLessThanOrEqual(4);
    expect((await liveThreads(threads)).length).toBe(threads.size);
    await pool.end();
    expect(await noSessionsLeft(threads)).toBe(true);
  });

  it('getConnection() lends a connection with release(); session variables are set on connect', async () => {
    const pool = createMysqlPool({
      connection: mysqlConnection,
      max: 1,
      sessionVariables: { max_statement_time: 7, sql_mode: 'ANSI' },
    });
    const threads = trackThreads(pool);
    const connection = await pool.getConnection();
    const [rows] = await connection.query('SELECT @@SESSION.max_statement_time AS t, @@SESSION.sql_mode AS m');
    const row = (rows as { t: string | number; m: string }[])[0];
    expect(Number(row?.t)).toBe(7);
    expect(row?.m).toContain('ANSI');
    connection.release();
    expect(() => connection.release()).toThrow(expect.objectContaining({ code: 'POOLKIT_DOUBLE_RELEASE' }));
    await pool.close();
    expect(await noSessionsLeft(threads)).toBe(true);
  });

  it('a statement error reaches the caller and the connection is kept', async () => {
    const pool = createMysqlPool({ connection: mysqlConnection, max: 1 });
    await expect(pool.query('SELECT * FROM no_such_table_here')).rejects.toMatchObject({ code: 'ER_NO_SUCH_TABLE' });
    await expect(pool.query('SELECT 1 AS one')).resolves.toBeDefined();
    expect(pool.stats().created).toBe(1);
    await pool.close();
  });

  it('rejects bad options with typed errors', () => {
    expect(() => createMysqlPool({ resetOnRelease: 1 as unknown as boolean })).toThrow(
      expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION', option: 'resetOnRelease' }),
    );
    expect(() => createMysqlPool({ sessionVariables: { 'x; DROP': 1 } })).toThrow(
      expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION' }),
    );
    expect(() => createMysqlPool({ poolSize: 3 } as never)).toThrow(
      expect.objectContaining({ code: 'POOLKIT_UNKNOWN_OPTION' }),
    );
  });
});
