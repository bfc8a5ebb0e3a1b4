/**
 * `withTransaction(pool, fn)`: BEGIN, run `fn`, COMMIT; on a throw, ROLLBACK and rethrow; if the
 * ROLLBACK itself fails the connection is destroyed (its state is unknown) and a
 * `TransactionError` carrying the original error is thrown.
 *
 * @module
 */
import type { Client } from 'pg';
import { TransactionError } from '../../internal/errors.js';
import { invalidOption } from '../../internal/options.js';
import type { AcquireOptions, Lease, Pool } from '../../resource/types.js';

/** Isolation levels PostgreSQL accepts in `BEGIN ISOLATION LEVEL ...`. */
export type PgIsolationLevel = 'read uncommitted' | 'read committed' | 'repeatable read' | 'serializable';

const ISOLATION_LEVELS: readonly PgIsolationLevel[] = [
  'read uncommitted',
  'read committed',
  'repeatable read',
  'serializable',
];

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
  if (isolationLevel !== undefined) {
    if (!ISOLATION_LEVELS.includes(isolationLevel)) {
      invalidOption(
        'isolationLevel',
        `one of ${ISOLATION_LEVELS.map((level) => `\`${level}\``).join(', ')}`,
        isolationLevel,
      );
    }
    sql += ` ISOLATION LEVEL ${isolationLevel.toUpperCase()}`;
  }
  if (readOnly !== undefined && typeof readOnly !== 'boolean') invalidOption('readOnly', 'a boolean', readOnly);
  if (readOnly) sql += ' READ ONLY';
  return sql;
}

async function rollbackOrDestroy(lease: Lease<Client>, error: unknown): Promise<never> {
  try {
    await lease.value.query('ROLLBACK');
  } catch (rollbackError) {
    await lease.destroy().catch(() => {});
    throw new TransactionError('ROLLBACK failed; the connection was destroyed', { cause: error, rollbackError });
  }
  lease.release({ error });
  throw error;
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
  const begin = beginStatement(options);
  const lease = await pool.acquire(options.acquire);
  try {
    await lease.value.query(begin);
  } catch (error) {
    lease.release({ error });
    throw error;
  }
  let result: R;
  try {
    result = await fn(lease.value);
  } catch (error) {
    return rollbackOrDestroy(lease, error);
  }
  try {
    await lease.value.query('COMMIT');
  } catch (error) {
    lease.release({ error });
    throw error;
  }
  lease.release();
  return result;
}
