/**
 * `withTransaction(pool, fn)` for MySQL/MariaDB: `SET TRANSACTION ISOLATION LEVEL` when asked,
 * `START TRANSACTION [READ ONLY]`, run `fn`, COMMIT; ROLLBACK on a throw; a failed ROLLBACK
 * destroys the connection and throws `TransactionError`.
 *
 * @module
 */
import type { Connection } from 'mysql2/promise';
import { invalidOption } from '../../internal/options.js';
import type { AcquireOptions, Pool } from '../../resource/types.js';
import { type IsolationLevel, isolationSql, runTransaction, type TransactionSteps } from '../transaction.js';

/** Isolation levels of `SET TRANSACTION ISOLATION LEVEL ...`. */
export type MysqlIsolationLevel = IsolationLevel;

/** Options of `withTransaction`. */
export interface MysqlTransactionOptions {
  /** `SET TRANSACTION ISOLATION LEVEL <level>` (for this transaction only). @default the session's (`repeatable read`) */
  readonly isolationLevel?: MysqlIsolationLevel;
  /** `START TRANSACTION READ ONLY`. @default false */
  readonly readOnly?: boolean;
  /** Options of the acquire that borrows the connection (signal, timeoutMs, priority). */
  readonly acquire?: AcquireOptions;
}

/** The statements that start a transaction with `options`, checked. */
export function beginStatements(options: MysqlTransactionOptions = {}): string[] {
  const { isolationLevel, readOnly } = options;
  const statements: string[] = [];
  if (isolationLevel !== undefined) {
    statements.push(`SET TRANSACTION ISOLATION LEVEL ${isolationSql(isolationLevel, invalidOption)}`);
  }
  if (readOnly !== undefined && typeof readOnly !== 'boolean') invalidOption('readOnly', 'a boolean', readOnly);
  statements.push(readOnly ? 'START TRANSACTION READ ONLY' : 'START TRANSACTION');
  return statements;
}

/**
 * Borrows a connection from `pool`, runs `fn(connection)` in a transaction and returns its result.
 * A throw from `fn` rolls back and is rethrown as is; a failed ROLLBACK destroys the connection and
 * throws `TransactionError` (`POOLKIT_TRANSACTION_FAILED`) with the original error as `cause`.
 */
export async function withTransaction<R>(
  pool: Pool<Connection>,
  fn: (connection: Connection) => Promise<R> | R,
  options: MysqlTransactionOptions = {},
): Promise<R> {
  const steps = mysqlTransactionSteps(options);
  return runTransaction(() => pool.acquire(options.acquire), steps, fn);
}

/** The statements of a MySQL transaction with `options` (checked at once). */
export function mysqlTransactionSteps(options: MysqlTransactionOptions = {}): TransactionSteps<Connection> {
  const begin = beginStatements(options);
  return {
    begin: async (connection) => {
      for (const sql of begin) await connection.query(sql);
    },
    commit: (connection) => connection.query('COMMIT'),
    rollback: (connection) => connection.query('ROLLBACK'),
  };
}
