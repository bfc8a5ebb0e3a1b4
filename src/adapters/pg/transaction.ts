/**
 * `withTransaction(pool, fn)` for PostgreSQL: BEGIN (with isolation level and READ ONLY when
 * asked), run `fn`, COMMIT; ROLLBACK on a throw; a failed ROLLBACK destroys the connection and
 * throws `TransactionError`.
 *
 * @module
 */
import type { Client } from 'pg';
import { invalidOption } from '../../internal/options.js';
import type { AcquireOptions, Pool } from '../../resource/types.js';
import { type IsolationLevel, isolationSql, runTransaction, type TransactionSteps } from '../transaction.js';

/** Isolation levels PostgreSQL accepts in `BEGIN ISOLATION LEVEL ...`. */
export type PgIsolationLevel = IsolationLevel;

/** Options of `withTransaction`. */
export interface PgTransactionOptions {
  /** `BEGIN ISOLATION LEVEL <level>`. @default the server's default (`read committed`) */
  readonly isolationLevel?: PgIsolationLevel;
  /** `BEGIN ... READ ONLY`. @default false */
  readonly readOnly?: boolean;
  /** Options of the acquire that borrows the connection (signal, timeoutMs, priority). */
  readonly acquire?: AcquireOptions;
}

/** Builds the BEGIN statement, checking the options. */
export function beginStatement(options: PgTransactionOptions = {}): string {
  const { isolationLevel, readOnly } = options;
  let sql = 'BEGIN';
  if (isolationLevel !== undefined) sql += ` ISOLATION LEVEL ${isolationSql(isolationLevel, invalidOption)}`;
  if (readOnly !== undefined && typeof readOnly !== 'boolean') invalidOption('readOnly', 'a boolean', readOnly);
  if (readOnly) sql += ' READ ONLY';
  return sql;
}

/**
 * Borrows a connection from `pool`, runs `fn(client)` inside BEGIN/COMMIT and returns its result.
 * A throw from `fn` rolls back and is rethrown as is; a failed ROLLBACK destroys the connection and
 * throws `TransactionError` (`POOLKIT_TRANSACTION_FAILED`) with the original error as `cause` and
 * the rollback error as `rollbackError`. A failed COMMIT (e.g. serialization failure) is rethrown.
 */
export async function withTransaction<R>(
  pool: Pool<Client>,
  fn: (client: Client) => Promise<R> | R,
  options: PgTransactionOptions = {},
): Promise<R> {
  const steps = pgTransactionSteps(options);
  return runTransaction(() => pool.acquire(options.acquire), steps, fn);
}

/** The statements of a PostgreSQL transaction with `options` (checked at once). */
export function pgTransactionSteps(options: PgTransactionOptions = {}): TransactionSteps<Client> {
  const begin = beginStatement(options);
  return {
    begin: (client) => client.query(begin),
    commit: (client) => client.query('COMMIT'),
    rollback: (client) => client.query('ROLLBACK'),
  };
}
