/**
 * Opt-in detection of the nested-submit deadlock (p-limit #91): a task that calls `run()` on its
 * own pool while every slot is taken, and awaits the result, waits for a slot that only its own
 * completion can free. With `detectDeadlock` on, handlers run inside an `AsyncLocalStorage`
 * context that names their pool; a `run()` made from that context on the same saturated pool is
 * answered with `DeadlockError` (mode `error`) or a process warning (mode `warn`) instead of a
 * silent hang. Only direct nesting is seen (A inside A), not cycles through another pool.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DeadlockError } from '../internal/errors.js';

/** Modes of `detectDeadlock`. */
export type DeadlockMode = 'off' | 'error' | 'warn';

let storage: AsyncLocalStorage<unknown> | undefined;

/** The one context shared by every pool that detects deadlocks (created on first use). */
export function deadlockContext(): AsyncLocalStorage<unknown> {
  storage ??= new AsyncLocalStorage<unknown>();
  return storage;
}

/** True when the caller runs inside a task of the pool identified by `token`. */
export function insideTaskOf(token: unknown): boolean {
  return storage !== undefined && storage.getStore() === token;
}

/** The error (mode `error`) for a nested submit on a saturated pool. */
export function deadlockError(name: string, running: number, queued: number): InstanceType<typeof DeadlockError> {
  return new DeadlockError(
    `A task of this ${name} called run() on its own pool while all ${running} slot(s) are busy (${queued} queued): ` +
      'awaiting it would wait forever. Raise concurrency, use another pool, or do not await nested tasks.',
    { running, queued },
  );
}

/** Emits the warning (mode `warn`) for a nested submit on a saturated pool. */
export function warnDeadlock(name: string, running: number, queued: number): void {
  process.emitWarning(deadlockError(name, running, queued).message, { code: 'POOLKIT_DEADLOCK' });
}
