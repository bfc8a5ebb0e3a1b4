/**
 * The wire protocol between a pool and its workers. Messages are flat arrays (one structured
 * clone per batch, no per-task envelope objects), and each task has a slot in a per-worker
 * `SharedArrayBuffer` that both sides read without a message:
 *
 * - `state[slot]`: who owns the task. The pool writes `POSTED` before sending it; the worker
 *   claims it with a compare-and-swap `POSTED -> RUNNING` before running it; the pool may take an
 *   unstarted task back (work stealing, cancellation, a dead worker) with `POSTED -> REVOKED`,
 *   and the worker then skips it and acknowledges the slot with a `SKIPPED` result. The CAS makes
 *   "run it here" and "run it elsewhere" mutually exclusive even while the worker is busy in
 *   synchronous code (the idea of a work-stealing deque's take/steal race, on one word).
 * - `abort[slot]`: set to 1 by the pool when a running task is cancelled, so synchronous code in
 *   the worker sees `signal.aborted === true` without yielding to its event loop.
 *
 * This module is imported by both sides and must stay free of Node-only side effects.
 *
 * @module
 */

/** Pool -> worker: `[TASKS, slot, taskId, name, input, slot, taskId, name, input, ...]`. */
export const MSG_TASKS = 1;
/** Pool -> worker: `[ABORT, slot, reason]` for a running task (the shared flag is already set). */
export const MSG_ABORT = 2;
/** Pool -> worker: `[CLOSE]`: run `teardown`, then exit with code 0. */
export const MSG_CLOSE = 3;

/** Worker -> pool: `[READY, handlerNames]` once the module loaded and `setup` resolved. */
export const MSG_READY = 10;
/** Worker -> pool: `[RESULTS, heapUsedBytes | -1, slot, status, value, runMs, ...]`. */
export const MSG_RESULTS = 11;

/** Slot state: unused. */
export const SLOT_FREE = 0;
/** Slot state: sent to the worker, not started. */
export const SLOT_POSTED = 1;
/** Slot state: claimed by the worker, running (or finished and not yet reported). */
export const SLOT_RUNNING = 2;
/** Slot state: taken back by the pool before it started; the worker skips it. */
export const SLOT_REVOKED = 3;

/** Result status: `value` is the handler's result. */
export const RESULT_OK = 0;
/** Result status: `value` is a serialized error (see `error-serde.ts`). */
export const RESULT_ERROR = 1;
/** Result status: the slot was revoked before it started; `value` is unused. */
export const RESULT_SKIPPED = 2;
/** Result status: the result could not be cloned; `value` is `{ what, path, message }`. */
export const RESULT_CLONE_ERROR = 3;

/** Fields per task in a `TASKS` message. */
export const TASK_FIELDS = 4;
/** Fields per result in a `RESULTS` message. */
export const RESULT_FIELDS = 4;

/** What a worker receives as `workerData`. */
export interface WorkerBootData {
  /** `file:` URL (or bare specifier) of the user's worker module. */
  readonly moduleUrl: string;
  /** `Int32Array` view: `[0, slots)` states, `[slots, 2 * slots)` abort flags. */
  readonly shared: SharedArrayBuffer;
  /** Number of slots. */
  readonly slots: number;
  /** Passed to the module's `setup` export. */
  readonly workerData: unknown;
  /** Worker ordinal, for messages. */
  readonly threadId: number;
  /** Report heap usage with every result batch (recycling by heap), not only every 50 ms. */
  readonly reportHeapAlways: boolean;
}

/** Bytes of shared memory for `slots` slots. */
export function sharedBytes(slots: number): number {
  return slots * 2 * Int32Array.BYTES_PER_ELEMENT;
}
