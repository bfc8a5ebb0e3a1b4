/**
 * Work from outside the process (DESIGN §8): a {@link TaskSource} hands out tasks one at a time,
 * and `pool.consume(source, fn)` runs them on the pool, heartbeats each one while it is held, and
 * acks or nacks it. The same handler runs on local calls (`run`, `map`) or on a queue shared by
 * many machines; poolkit does not implement the queue, it consumes an existing engine (BullMQ, in
 * `poolkit/bullmq`).
 *
 * The contract is at-least-once: a task whose heartbeats stop (the process died, the lock expired)
 * is handed out again by the source, so handlers should be idempotent.
 *
 * @module
 */

/** How a failed task goes back to its source (see {@link SourcedTask.nack}). */
export interface NackOptions {
  /**
   * Make the task available again after this many milliseconds, without counting an attempt
   * (used when the pool refused it, e.g. on shutdown). Without it, the source applies its own
   * retry policy (BullMQ: the job's `attempts` and `backoff`).
   */
  readonly retryAfterMs?: number;
  /** Never retry this task (BullMQ: the job is failed for good, whatever its attempts). */
  readonly fatal?: boolean;
}

/** One task handed out by a {@link TaskSource}. Its methods are called by `consume()`, not by handlers. */
export interface SourcedTask<T = unknown, R = unknown> {
  /** The task's id at its source (BullMQ: the job id), used in errors and stats. */
  readonly id: string;
  /** The task's input, given to the handler. */
  readonly data: T;
  /**
   * Tells the source the task is still being worked on (BullMQ: extends the job's lock). Called
   * every `heartbeatMs` from the moment the task is handed out until it is acked or nacked.
   * Rejecting means the source no longer holds the task for this consumer: the handler's signal
   * aborts with `LockLostError` and the task is neither acked nor nacked.
   */
  heartbeat(): Promise<void>;
  /** The handler returned `result` (BullMQ: the job completes with it). */
  ack(result: R): Promise<void>;
  /** The handler failed with `error`, or the task could not run (BullMQ: the job fails or is delayed). */
  nack(error: unknown, options?: NackOptions): Promise<void>;
  /**
   * Optional: acks `result` and hands out the next task in the same call, or `undefined` when
   * none is ready at once (BullMQ: the completion script also fetches the next job, as BullMQ's
   * own Worker does). The consumer calls it instead of `ack()` when it has no free slot and no
   * `next()` pending, and starts the returned task in the slot just freed; so a task it returns
   * is never left held without a heartbeat.
   */
  ackAndNext?(result: R): Promise<SourcedTask<T, R> | undefined>;
}

/** A queue of tasks that `pool.consume()` pulls from, one `next()` at a time. */
export interface TaskSource<T = unknown, R = unknown> {
  /**
   * The next task, waiting until one is available. Resolves `undefined` when the source has no
   * more tasks and never will (it was closed). When `signal` aborts, it must settle soon after
   * (`undefined`, or a task it had already taken, which the consumer then gives back with
   * `nack(error, { retryAfterMs: 0 })`). A rejection is a transient failure: the consumer calls
   * `next()` again after a backoff.
   */
  next(signal: AbortSignal): Promise<SourcedTask<T, R> | undefined>;
}
