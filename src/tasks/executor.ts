/**
 * The seam between the scheduling core and whatever actually runs a task.
 *
 * The core ({@link Scheduler}) owns everything that is policy: admission, the queue (priorities,
 * aging, per-key limits), cancellation, both clocks (queue deadline and run timeout), metrics and
 * shutdown. An {@link Executor} owns only mechanism: it starts a task, delivers an abort, and
 * reports a result or a death. `TaskPool` runs async functions on the current thread;
 * `ThreadPool` runs named handlers on worker threads. Both share the core, so both have the same
 * semantics (the split of gammazero/workerpool's dispatcher and workers, without goroutines).
 *
 * The contract, from the executor's side:
 * - The core never has more tasks started than `min(concurrency, executor.capacity())`. Capacity
 *   may change at any time (a thread came up, a thread died); call `host.capacityChanged()` and the
 *   core re-reads it and starts queued tasks if it can. An executor that starts asynchronously
 *   (threads spawning) reports the capacity it can serve *now* and raises it later.
 * - `start(task)` hands over one task. Report its outcome by calling `task.resolve(value)` or
 *   `task.reject(error)`; the first call wins, later calls are ignored. A task whose runner died
 *   is rejected by the executor with its own typed error (e.g. `WorkerExitedError`).
 * - A started task occupies its slot until the executor reports it, even after the core gave up on
 *   it (run timeout, abort, destroy): the caller's promise is rejected at once, but the slot is
 *   only freed when the executor calls `resolve`/`reject`. So `running <= concurrency` counts real
 *   work, and a handler that ignores its signal keeps its slot, as a goroutine would.
 * - Aborts are delivered two ways: `task.signal` aborts (for in-thread handlers), and the core
 *   calls `executor.cancel?.(task, reason)` (for executors that forward the abort elsewhere, e.g.
 *   a message to a worker). Implement whichever suits.
 *
 * @module
 */

/**
 * One task as an executor sees it. The same object is passed to `start` and `cancel`, so an
 * executor may key its own bookkeeping on it (a `Map` or a `WeakMap`).
 */
export interface ExecutorTask<P, R> {
  /** Unique (per scheduler) increasing id; useful in messages and error details. */
  readonly id: number;
  /** What to run: a function for `TaskPool`, `{ name, input, transfer }` for `ThreadPool`. */
  readonly payload: P;
  /**
   * Aborts when the task is cancelled, times out, or the pool is destroyed. Tasks with no
   * cancellation source of their own (no `signal`, no `timeoutMs`) share the pool's signal, so do
   * not key anything on its identity, and remove any listener you add when the task settles.
   */
  readonly signal: AbortSignal;
  /** Reports success. Only the first of `resolve`/`reject` counts. Frees the slot. */
  resolve(value: R): void;
  /** Reports failure (or the death of the runner, with a typed error). Frees the slot. */
  reject(error: unknown): void;
}

/** What the core offers its executor (the core calls `executor.attach(host)` once). */
export interface ExecutorHost {
  /** Tell the core that `capacity()` changed; it re-reads it and starts queued tasks if it can. */
  capacityChanged(): void;
  /** Tasks waiting in the queue right now (an executor may use it to decide to scale up). */
  readonly queued: number;
  /** Tasks started and not yet reported by the executor. */
  readonly running: number;
}

/**
 * Runs tasks for the scheduling core of a pool. `P` is the payload type, `R` the result type.
 *
 * @example
 * ```ts
 * // An executor for plain async functions (what TaskPool uses, minus the fast paths).
 * const inline: Executor<(signal: AbortSignal) => Promise<unknown>, unknown> = {
 *   attach() {},
 *   capacity: () => Number.POSITIVE_INFINITY,
 *   start(task) {
 *     task.payload(task.signal).then((v) => task.resolve(v), (e) => task.reject(e));
 *   },
 *   close: async () => {},
 *   destroy: async () => {},
 * };
 * ```
 */
export interface Executor<P, R> {
  /** Called once by the core's constructor, before anything else. */
  attach(host: ExecutorHost): void;
  /**
   * How many tasks can run right now in total (running ones included). The core starts a task
   * only while `running < min(concurrency, capacity())`. Return `Infinity` for no limit of your
   * own. Read once at attach and again after each `host.capacityChanged()`.
   */
  capacity(): number;
  /** Starts `task`. Must not throw for a task-level failure: report it with `task.reject`. */
  start(task: ExecutorTask<P, R>): void;
  /**
   * Optional: the core gave up on a running task (`reason` is the abort reason, a
   * `TaskTimeoutError`, or a `ClosedError` on destroy). `task.signal` is already aborted. The
   * executor must still report the task (resolve or reject) once its runner has stopped.
   */
  cancel?(task: ExecutorTask<P, R>, reason: unknown): void;
  /**
   * Optional: called when a task is queued because `capacity()` (not `concurrency`) is what binds,
   * with the number of queued tasks, so an elastic executor can add capacity (spawn a thread).
   */
  demand?(queued: number): void;
  /** Graceful stop, called by the core after the queue drained and every task was reported. */
  close(): Promise<void>;
  /** Immediate stop, called by the core's `destroy()` after it rejected queued and running tasks. */
  destroy(): Promise<void>;
}
