/**
 * The transaction skeleton shared by the SQL adapters: borrow, begin, run `fn`, commit; on a throw
 * roll back and rethrow; when the rollback itself fails, destroy the connection (its state is
 * unknown) and throw `TransactionError` with the original error as `cause`.
 *
 * @module
 */
import { TransactionError } from '../internal/errors.js';
import type { Lease } from '../resource/types.js';

/** The statements of one SQL dialect, run on a borrowed connection. */
export interface TransactionSteps<C> {
  /** Starts the transaction (may run several statements). */
  readonly begin: (connection: C) => Promise<unknown>;
  /** Commits it. */
  readonly commit: (connection: C) => Promise<unknown>;
  /** Rolls it back. */
  readonly rollback: (connection: C) => Promise<unknown>;
}

async function rollbackOrDestroy<C>(lease: Lease<C>, steps: TransactionSteps<C>, error: unknown): Promise<never> {
  try {
    await steps.rollback(lease.value);
  } catch (rollbackError) {
    await lease.destroy().catch(() => {});
    throw new TransactionError('ROLLBACK failed; the connection was destroyed', { cause: error, rollbackError });
  }
  lease.release({ error });
  throw error;
}

/** Runs `fn` in a transaction on a connection borrowed through `acquire`. */
export async function runTransaction<C, R>(
  acquire: () => Promise<Lease<C>>,
  steps: TransactionSteps<C>,
  fn: (connection: C) => Promise<R> | R,
): Promise<R> {
  const lease = await acquire();
  try {
    await steps.begin(lease.value);
  } catch (error) {
    lease.release({ error });
    throw error;
  }
  let result: R;
  try {
    result = await fn(lease.value);
  } catch (error) {
    return rollbackOrDestroy(lease, steps, error);
  }
  try {
    await steps.commit(lease.value);
  } catch (error) {
    // A failed COMMIT ends the transaction server-side; the release error lets the factory decide.
    lease.release({ error });
    throw error;
  }
  lease.release();
  return result;
}

/** SQL isolation levels, spelled as both PostgreSQL and MySQL accept them. */
export type IsolationLevel = 'read uncommitted' | 'read committed' | 'repeatable read' | 'serializable';

const ISOLATION_LEVELS: readonly IsolationLevel[] = [
  'read uncommitted',
  'read committed',
  'repeatable read',
  'serializable',
];

/** Checks an isolation level and returns its SQL spelling (upper case). */
export function isolationSql(
  level: unknown,
  invalid: (name: string, expected: string, value: unknown) => never,
): string {
  if (!ISOLATION_LEVELS.includes(level as IsolationLevel)) {
    invalid('isolationLevel', `one of ${ISOLATION_LEVELS.map((name) => `\`${name}\``).join(', ')}`, level);
  }
  return (level as string).toUpperCase();
}
