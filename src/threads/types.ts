/**
 * Public types of the thread pool: handler typing from the worker module's exports, run options,
 * events and stats.
 *
 * @module
 */
import type { RunOptions } from '../tasks/options.js';
import type { TaskPoolStats } from '../tasks/stats.js';
import type { BreakerState } from './breaker.js';
import type { TransferItem, Transferred } from './transfer.js';
import type { TaskContext } from './worker/task-context.js';

/** Names of the exports of `M` that are task handlers (functions other than `setup`/`teardown`). */
export type HandlerName<M> = {
  [K in keyof M]: K extends 'setup' | 'teardown' ? never : M[K] extends (...args: never[]) => unknown ? K : never;
}[keyof M] &
  string;

/** The input type of handler `K` of module `M` (its first parameter). */
export type TaskInput<M, K extends keyof M> = M[K] extends (input: infer I, ...rest: never[]) => unknown ? I : never;

/** `T` with a `transfer()` wrapper removed: the value a `Transferred<V>` carries, otherwise `T` itself. */
export type Unwrap<T> = T extends Transferred<infer V> ? V : T;

/** The result type of handler `K` of module `M` (awaited, unwrapped from `transfer()`). */
export type TaskResult<M, K extends keyof M> = M[K] extends (...args: never[]) => infer R ? Unwrap<Awaited<R>> : never;

/** A handler as a worker module exports it. */
// biome-ignore lint/suspicious/noExplicitAny: handler inputs and results are the module's business
export type TaskHandler = (input: any, context: TaskContext) => unknown;

/** The type of an untyped worker module: any handler name, any input. */
export type AnyWorkerModule = Record<string, TaskHandler>;

/** Options of `pool.run()`: the scheduling options of the task pool plus transfer and retries. */
export interface ThreadRunOptions extends RunOptions {
  /**
   * What to move to the worker instead of copying: a transfer list, or `'auto'` to move every
   * top-level `ArrayBuffer` of the input (the input itself, a typed array's buffer, direct
   * properties or elements). Moved buffers are detached on the caller's side.
   * @default undefined (copy everything)
   */
  readonly transfer?: readonly TransferItem[] | 'auto';
  /**
   * For idempotent tasks: how many times to start the task again on another worker when its
   * worker dies while running it. A task that killed `quarantineAfterKills` workers is never retried.
   * @default the pool's `retries` (0)
   */
  readonly retries?: number;
}

/** The arguments of `run(name, ...)`: the input may be left out when the handler accepts `undefined`. */
export type RunArgs<I> = undefined extends I
  ? [input?: I, options?: ThreadRunOptions]
  : [input: I, options?: ThreadRunOptions];

/** Why a thread exited. */
export type ThreadExitReason =
  | 'crashed'
  | 'start-failed'
  | 'idle'
  | 'recycled'
  | 'resized'
  | 'closed'
  | 'destroyed'
  | 'abort-grace';

/** Events of a thread pool (also on `diagnostics_channel` as `poolkit:threads:<event>`). */
export type ThreadPoolEvents = {
  /** A worker loaded its module, ran `setup`, and takes tasks. */
  readonly threadStarted: {
    /** Ordinal of the worker in this pool (1, 2, ...). */
    readonly threadId: number;
    /** Time from spawn to ready (module loaded, `setup` done), in ms. */
    readonly startMs: number;
  };
  /** A worker thread is gone. */
  readonly threadExited: {
    /** Ordinal of the worker in this pool (1, 2, ...). */
    readonly threadId: number;
    /** The thread's exit code. */
    readonly exitCode: number;
    /** Why it exited (a `ThreadExitReason`). */
    readonly reason: string;
    /** The error that killed the thread, if any (`undefined` otherwise). */
    readonly error: unknown;
  };
  /** Workers failed at start `maxStartFailures` times in a row; tasks now fail fast. */
  readonly breakerOpened: {
    /** Consecutive start failures so far. */
    readonly failures: number;
    /** The error of the last start failure. */
    readonly error: unknown;
  };
};

/** One worker in `stats().workers`. */
export interface WorkerStats {
  /** Ordinal of the worker in this pool (1, 2, ...). */
  readonly threadId: number;
  /** `starting`, `ready`, `retiring` (recycled or reaped, finishing its tasks) or `closing`. */
  readonly phase: string;
  /** Tasks posted to it and not reported. */
  readonly inFlight: number;
  /** Tasks it completed. */
  readonly completed: number;
  /** Share of its life since ready spent running tasks (0..1; async tasks may overlap and push it above 1). */
  readonly utilization: number;
  /** Its V8 heap in use, as last reported, in bytes (0 before the first report). */
  readonly heapUsedBytes: number;
}

/** A snapshot of a thread pool: the task pool's counters and histograms, plus threads. */
export interface ThreadPoolStats extends TaskPoolStats {
  /** Thread gauges. */
  readonly threads: {
    /** Live threads (starting, ready, retiring, closing). */
    readonly total: number;
    /** Ready threads with no task. */
    readonly idle: number;
    /** Ready or retiring threads with tasks. */
    readonly busy: number;
    /** Threads loading their module. */
    readonly starting: number;
  };
  /** Each live worker. */
  readonly workers: readonly WorkerStats[];
  /** Tasks per worker now (the auto-sized or fixed in-flight window). */
  readonly window: number;
  /** Moving average of task run time reported by workers, in ms. */
  readonly averageRunMs: number;
  /** Start breaker state. */
  readonly breaker: BreakerState;
  /** Lifetime counters. */
  readonly lifetime: {
    /** Threads spawned. */
    readonly spawned: number;
    /** Threads that died on their own after starting. */
    readonly crashed: number;
    /** Threads that died before they were ready. */
    readonly startFailures: number;
    /** Threads retired by `recycleAfterTasks` / `recycleAboveHeapMb`. */
    readonly recycled: number;
    /** Idle threads closed after `idleTimeoutMs`. */
    readonly reaped: number;
    /** Unstarted tasks moved from a busy worker to an idle one. */
    readonly stolen: number;
    /** Tasks started again after their worker died. */
    readonly retried: number;
    /** Tasks rejected after killing `quarantineAfterKills` workers. */
    readonly quarantined: number;
  };
}
