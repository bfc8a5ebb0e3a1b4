/**
 * `ThreadPool`: named handlers of a worker module run on worker threads, scheduled by the same
 * core as `TaskPool` (queue, priorities, deadlines, timeouts, cancellation, stats, shutdown), so
 * both pools behave alike. The public class wraps a private scheduler and executor (as piscina
 * wraps its `#pool`).
 *
 * @module
 */
import type { Clock } from '../internal/clock.js';
import { Emitter, type EventSource } from '../internal/events.js';
import { invalidOption } from '../internal/options.js';
import { type ConsumeOptions, Consumer } from '../tasks/consume.js';
import type { GroupOptions } from '../tasks/group.js';
import { type MapOptions, mapTasks } from '../tasks/map.js';
import { type CloseOptions, Scheduler } from '../tasks/scheduler.js';
import type { TaskSource } from '../tasks/source.js';
import type { TaskSink } from '../tasks/task-record.js';
import { StartBreaker } from './breaker.js';
import { DispatchWindow } from './dispatch-window.js';
import { workerEntryUrl } from './entry-url.js';
import { InlineExecutor } from './inline-executor.js';
import { moduleUrlOf, resolveThreadPoolOptions, type ThreadPoolOptions } from './options.js';
import { TaskEntry, type ThreadPayload } from './task-entry.js';
import { ThreadExecutor } from './thread-executor.js';
import { ThreadGroup, type ThreadGroupStart } from './thread-group.js';
import { findTransferables, type TransferItem } from './transfer.js';
import type {
  AnyWorkerModule,
  HandlerName,
  RunArgs,
  TaskInput,
  TaskResult,
  ThreadPoolEvents,
  ThreadPoolStats,
  ThreadRunOptions,
  WorkerStats,
} from './types.js';
import { zeroCounters } from './worker-set.js';

/** Slots per worker: twice the largest auto window, so revoked slots awaiting acknowledgement never block. */
const SLOTS_PER_WORKER = 64;

const SHORT_FIRST: ThreadRunOptions = Object.freeze({ priority: 1 });
/**
 * `queueOrder: 'auto'`: a handler counts as short under a tenth of the pool's average run time.
 * At that ratio a short task queued behind a long one waits over 10x its own run time, and
 * handlers of comparable length (the usual case) keep FIFO order.
 */
const AUTO_SHORT_SHARE = 0.1;

const NO_THREADS = { total: 0, idle: 0, busy: 0, starting: 0 } as const;
const NO_LIFETIME = Object.freeze(zeroCounters());

function splitRunOptions(
  input: unknown,
  options: ThreadRunOptions,
  defaultRetries: number,
): [readonly TransferItem[] | undefined, number, ThreadRunOptions | undefined] {
  const { transfer, retries, ...rest } = options;
  if (retries !== undefined && !(Number.isSafeInteger(retries) && retries >= 0)) {
    invalidOption('retries', 'an integer >= 0', retries);
  }
  if (transfer !== undefined && transfer !== 'auto' && !Array.isArray(transfer)) {
    invalidOption('transfer', "an array of transferable objects or 'auto'", transfer);
  }
  const list = transfer === 'auto' ? findTransferables(input) : transfer;
  return [list, retries ?? defaultRetries, Object.keys(rest).length === 0 ? undefined : rest];
}

/**
 * A pool of worker threads running the handlers of one module. Create it with
 * {@link createThreadPool}; type it with the module: `createThreadPool<typeof import('./worker.js')>(...)`.
 */
export class ThreadPool<M = AnyWorkerModule> implements EventSource<ThreadPoolEvents>, AsyncDisposable {
  readonly #scheduler: Scheduler<ThreadPayload, unknown>;
  readonly #executor: ThreadExecutor | undefined;
  readonly #window: DispatchWindow;
  readonly #breaker: StartBreaker;
  readonly #events = new Emitter<ThreadPoolEvents>('threads');
  readonly #retries: number;
  readonly #clock: Clock;
  /** Tasks the threads take at once at most (maxThreads x a fixed window, or 1): consume()'s default. */
  readonly #threadSlots: number;
  /** Average run time per handler, kept unless `queueOrder: 'fifo'`. */
  readonly #handlerRunMs: Map<string, number> | undefined;
  /** A handler is short when its average is below this share of the pool's average. */
  readonly #shortShare: number;

  /** Use {@link createThreadPool}. */
  constructor(options: ThreadPoolOptions) {
    const resolved = resolveThreadPoolOptions(options);
    const moduleUrl = moduleUrlOf(resolved.module);
    const fixed = resolved.concurrentTasksPerThread === 'auto' ? undefined : resolved.concurrentTasksPerThread;
    this.#window = new DispatchWindow(fixed);
    this.#breaker = new StartBreaker(resolved.maxStartFailures, resolved.breakerCooldownMs);
    this.#retries = resolved.retries;
    this.#clock = resolved.clock;
    this.#threadSlots = resolved.maxThreads * (fixed ?? 1);
    this.#handlerRunMs = resolved.queueOrder !== 'fifo' && !resolved.inline ? new Map() : undefined;
    this.#shortShare = resolved.queueOrder === 'shortest-first' ? 1 : AUTO_SHORT_SHARE;
    const executor = resolved.inline
      ? new InlineExecutor(moduleUrl, resolved.maxThreads * (fixed ?? 1), resolved.workerData)
      : new ThreadExecutor({
          spawn: {
            entryUrl: workerEntryUrl(),
            moduleUrl,
            slots: Math.max(SLOTS_PER_WORKER, 2 * (fixed ?? 0)),
            workerData: resolved.workerData,
            resourceLimits: resolved.resourceLimits,
            execArgv: resolved.execArgv,
            env: undefined,
            name: resolved.name,
            reportHeapAlways: resolved.recycleAboveHeapMb < Number.POSITIVE_INFINITY,
            window: this.#window,
          },
          clock: resolved.clock,
          minThreads: resolved.minThreads,
          maxThreads: resolved.maxThreads,
          idleTimeoutMs: resolved.idleTimeoutMs,
          teardownTimeoutMs: resolved.teardownTimeoutMs,
          recycleAfterTasks: resolved.recycleAfterTasks,
          recycleAboveHeapBytes: resolved.recycleAboveHeapMb * 1024 * 1024,
          breaker: this.#breaker,
          events: this.#events,
          window: this.#window,
          abortGraceMs: resolved.abortGraceMs,
          quarantineAfterKills: resolved.quarantineAfterKills,
          handlerRunMs: this.#handlerRunMs,
        });
    this.#executor = executor instanceof ThreadExecutor ? executor : undefined;
    this.#scheduler = new Scheduler(executor, resolved, 'ThreadPool', 'threads');
  }

  /**
   * Runs handler `name` of the worker module with `input` (structured-cloned, or moved per
   * `options.transfer`). Resolves with the handler's result; rejects with the handler's error
   * (name, message, stack, code and cause kept), `WorkerExitedError` when its thread died,
   * `DataCloneError` for an uncloneable input or result, or the scheduler's errors
   * (`TaskTimeoutError`, `QueueTimeoutError`, `QueueFullError`, `ClosedError`, `signal.reason`).
   */
  run<K extends HandlerName<M>>(name: K, ...args: RunArgs<TaskInput<M, K>>): Promise<TaskResult<M, K>>;
  // Hot path: explicit parameters (a rest parameter would allocate an array per call).
  run(name: string, input?: unknown, options?: ThreadRunOptions): Promise<unknown> {
    if (this.#handlerRunMs !== undefined && options?.priority === undefined) options = this.#shortFirst(name, options);
    if (options === undefined || (options.transfer === undefined && options.retries === undefined)) {
      return this.#scheduler.run(this.#entry(name, input, undefined, this.#retries), options);
    }
    const [transfer, retries, rest] = splitRunOptions(input, options, this.#retries);
    return this.#scheduler.run(this.#entry(name, input, transfer, retries), rest);
  }

  /** Like {@link ThreadPool.run} but never queues: rejects with `PoolExhaustedError` when no thread has room now. */
  tryRun<K extends HandlerName<M>>(name: K, ...args: RunArgs<TaskInput<M, K>>): Promise<TaskResult<M, K>>;
  tryRun(name: string, input?: unknown, options?: ThreadRunOptions): Promise<unknown> {
    if (this.#handlerRunMs !== undefined && options?.priority === undefined) options = this.#shortFirst(name, options);
    if (options === undefined || (options.transfer === undefined && options.retries === undefined)) {
      return this.#scheduler.tryRun(this.#entry(name, input, undefined, this.#retries), options);
    }
    const [transfer, retries, rest] = splitRunOptions(input, options, this.#retries);
    return this.#scheduler.tryRun(this.#entry(name, input, transfer, retries), rest);
  }

  /**
   * Fire and forget: runs handler `name` like {@link ThreadPool.run}, without a promise. The
   * task's error goes to the pool's `onError` option (rethrown asynchronously without one); a
   * cancellation through the task's own `signal` is not an error. Throws synchronously when the
   * pool refuses the task (`ClosedError`, `QueueFullError`) or an argument is invalid.
   */
  submit<K extends HandlerName<M>>(name: K, ...args: RunArgs<TaskInput<M, K>>): void;
  submit(name: string, input?: unknown, options?: ThreadRunOptions): void {
    if (this.#handlerRunMs !== undefined && options?.priority === undefined) options = this.#shortFirst(name, options);
    if (options === undefined || (options.transfer === undefined && options.retries === undefined)) {
      this.#scheduler.submit(this.#entry(name, input, undefined, this.#retries), options);
      return;
    }
    const [transfer, retries, rest] = splitRunOptions(input, options, this.#retries);
    this.#scheduler.submit(this.#entry(name, input, transfer, retries), rest);
  }

  /**
   * Runs handler `name` on every item of `input` (an iterable or async iterable) with at most
   * `concurrency` items at once (and within the pool's own limits), pulling the next item only
   * as the consumer frees the window: memory stays O(concurrency) for any input length. Yields
   * results in input order (`ordered: true`, the default) or as they complete. The first error
   * stops the map: it cancels the running tasks, closes the input and is thrown from the
   * iterator; breaking out of the loop cancels what runs. The same implementation as
   * `TaskPool.map`; items are structured-cloned (no transfer), with the pool's `retries` and `queueOrder`.
   */
  map<K extends HandlerName<M>>(
    name: K,
    input: Iterable<TaskInput<M, K>> | AsyncIterable<TaskInput<M, K>>,
    options?: MapOptions,
  ): AsyncIterableIterator<TaskResult<M, K>>;
  map(
    name: string,
    input: Iterable<unknown> | AsyncIterable<unknown>,
    options?: MapOptions,
  ): AsyncIterableIterator<unknown> {
    if (typeof name !== 'string') invalidOption('name', 'a string (a handler exported by the worker module)', name);
    const retries = this.#retries;
    // queueOrder applies to map items as to run(): a short handler's items may overtake.
    const priorityOf =
      this.#handlerRunMs === undefined ? undefined : () => this.#shortFirst(name, undefined)?.priority ?? 0;
    return mapTasks<ThreadPayload, unknown, unknown>(
      this.#scheduler,
      input,
      () => (item) => new TaskEntry(name, item, undefined, retries),
      options,
      priorityOf,
    );
  }

  /**
   * A group of tasks that can be awaited together (`group.wait()`), like Go's errgroup or pond's
   * groups, as `TaskPool.group` makes. With `failFast` (the default) the first error aborts the
   * group's other tasks: queued ones never start, running ones are cancelled.
   */
  group(options?: GroupOptions): ThreadGroup<M> {
    return new ThreadGroup<M>(this.#startInGroup, options);
  }

  /**
   * Runs the tasks of `source` as handler `name` with the task's data as input, like
   * `TaskPool.consume` (fetching within `concurrency`, heartbeats, ack/nack; see docs/consume.md).
   * The default `concurrency` is the number of tasks the pool's threads can take at once
   * (`maxThreads` x their window), so fetched tasks do not wait in the queue.
   */
  consume<K extends HandlerName<M>>(
    source: TaskSource<TaskInput<M, K>, TaskResult<M, K>>,
    name: K,
    options?: ConsumeOptions,
  ): Consumer<TaskInput<M, K>, TaskResult<M, K>>;
  // biome-ignore lint/suspicious/noExplicitAny: the implementation of the typed overload above (input and result types come from the worker module)
  consume(source: TaskSource<any, any>, name: string, options?: ConsumeOptions): Consumer<any, any> {
    if (typeof name !== 'string') invalidOption('name', 'a string (a handler exported by the worker module)', name);
    const run = this.run as (name: string, input: unknown, options: ThreadRunOptions) => Promise<unknown>;
    return new Consumer<unknown, unknown>(
      source,
      (data, signal, timeoutMs) =>
        run.call(this, name, data, timeoutMs === undefined ? { signal } : { signal, timeoutMs }),
      this.#clock,
      Math.min(this.#scheduler.concurrency, this.#threadSlots),
      options,
    );
  }

  /**
   * Starts a group's task. Its outcome comes through a sink, called by the scheduler before it
   * frees the task's slot, so a failure aborts the group before a queued sibling could start.
   */
  readonly #startInGroup: ThreadGroupStart = (name, input, options, fail) => {
    if (this.#handlerRunMs !== undefined && options.priority === undefined) {
      options = this.#shortFirst(name, options) as ThreadRunOptions;
    }
    const [transfer, retries, rest] = splitRunOptions(input, options, this.#retries);
    const task = this.#scheduler.create(this.#entry(name, input, transfer, retries), rest);
    return new Promise((resolve, reject) => {
      const sink: TaskSink = {
        settle(_task, ok, value) {
          if (ok) resolve(value);
          else {
            fail(value);
            reject(value);
          }
        },
      };
      this.#scheduler.enqueue(task, sink);
    });
  };

  /** `queueOrder` `'auto'`/`'shortest-first'`: priority 1 for handlers well below the pool's average. */
  #shortFirst(name: string, options: ThreadRunOptions | undefined): ThreadRunOptions | undefined {
    const average = (this.#handlerRunMs as Map<string, number>).get(name);
    if (average === undefined || average >= this.#window.runMs * this.#shortShare) return options;
    return options === undefined ? SHORT_FIRST : { ...options, priority: 1 };
  }

  #entry(name: string, input: unknown, transfer: readonly TransferItem[] | undefined, retries: number): TaskEntry {
    if (typeof name !== 'string') invalidOption('name', 'a string (a handler exported by the worker module)', name);
    return new TaskEntry(name, input, transfer, retries);
  }

  /** Stops starting tasks (running ones finish; new ones queue). */
  pause(): void {
    this.#scheduler.pause();
  }

  /** Starts queued tasks again. */
  resume(): void {
    this.#scheduler.resume();
  }

  /** Whether the pool is paused. */
  get isPaused(): boolean {
    return this.#scheduler.isPaused;
  }

  /**
   * The `concurrency` option in force: a cap on tasks started at once (the real limit is also
   * threads x window). `Infinity` by default.
   */
  get concurrency(): number {
    return this.#scheduler.concurrency;
  }

  /** Tasks started and not yet reported: on a thread, or waiting for one after a rescue. */
  get running(): number {
    return this.#scheduler.running;
  }

  /** Tasks waiting in the queue. */
  get queued(): number {
    return this.#scheduler.queued;
  }

  /**
   * Changes the thread limits at runtime. Surplus threads retire (idle ones first; busy ones after
   * their started tasks, whose unstarted tasks move elsewhere); missing ones spawn on demand.
   * @param maxThreads - the new maximum (integer >= 1).
   * @param minThreads - the new minimum; defaults to `min(current minThreads, maxThreads)`.
   */
  resize(maxThreads: number, minThreads?: number): void {
    if (!(Number.isSafeInteger(maxThreads) && maxThreads >= 1))
      invalidOption('maxThreads', 'an integer >= 1', maxThreads);
    const workers = this.#executor?.workers;
    const min = minThreads ?? Math.min(workers?.minThreads ?? 0, maxThreads);
    if (!(Number.isSafeInteger(min) && min >= 0 && min <= maxThreads)) {
      invalidOption('minThreads', `an integer between 0 and ${maxThreads}`, minThreads);
    }
    workers?.resize(min, maxThreads);
  }

  /** Resolves when nothing is queued or running. */
  onIdle(): Promise<void> {
    return this.#scheduler.onIdle();
  }

  /** Resolves when nothing is queued (tasks may still run). */
  onEmpty(): Promise<void> {
    return this.#scheduler.onEmpty();
  }

  /** Resolves when fewer than `size` tasks are queued (p-queue's `onSizeLessThan`); `size` is a number >= 1. */
  onSizeLessThan(size: number): Promise<void> {
    return this.#scheduler.onSizeLessThan(size);
  }

  /** Backpressure: resolves when a task submitted now would not be refused for a full queue. */
  waitForRoom(): Promise<void> {
    return this.#scheduler.waitForRoom();
  }

  /**
   * Stops admission, lets queued and running tasks finish, then runs every thread's `teardown`
   * and waits for the threads to exit. With `timeoutMs`, destroys the pool when it passes.
   */
  close(options?: CloseOptions): Promise<void> {
    return this.#scheduler.close(options);
  }

  /** Rejects queued tasks and the callers of running ones with `ClosedError`, and terminates every thread. */
  destroy(): Promise<void> {
    return this.#scheduler.destroy();
  }

  /** `await using pool = createThreadPool(...)` closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  on<E extends keyof ThreadPoolEvents & string>(
    event: E,
    listener: (payload: ThreadPoolEvents[E]) => void,
  ): () => void {
    return this.#events.on(event, listener);
  }

  once<E extends keyof ThreadPoolEvents & string>(
    event: E,
    listener: (payload: ThreadPoolEvents[E]) => void,
  ): () => void {
    return this.#events.once(event, listener);
  }

  off<E extends keyof ThreadPoolEvents & string>(event: E, listener: (payload: ThreadPoolEvents[E]) => void): void {
    this.#events.off(event, listener);
  }

  /** A snapshot: the scheduler's counters and histograms plus threads, workers and lifetime counters. */
  stats(): ThreadPoolStats {
    const base = this.#scheduler.stats();
    const executor = this.#executor;
    const common = {
      window: this.#window.size,
      averageRunMs: this.#window.runMs,
      breaker: this.#breaker.state(this.#clock.now()),
    };
    if (executor === undefined) return { ...base, ...common, threads: NO_THREADS, workers: [], lifetime: NO_LIFETIME };
    const now = this.#clock.now();
    const workers: WorkerStats[] = [];
    let idle = 0;
    let busy = 0;
    let starting = 0;
    for (const worker of executor.workers.all) {
      if (worker.phase === 'starting') starting++;
      else if (worker.phase === 'ready' && worker.inFlight === 0 && worker.zombies === 0) idle++;
      else if (worker.phase === 'ready' || worker.phase === 'retiring') busy++;
      const aliveMs = worker.countedStarting ? 0 : now - worker.readyAt;
      workers.push({
        threadId: worker.id,
        phase: worker.phase,
        inFlight: worker.inFlight,
        completed: worker.completed,
        utilization: aliveMs > 0 ? worker.busyMs / aliveMs : 0,
        heapUsedBytes: worker.heapUsedBytes,
      });
    }
    const threads = { total: executor.workers.all.size, idle, busy, starting };
    return { ...base, ...common, threads, workers, lifetime: { ...executor.counters } };
  }
}

/**
 * Creates a {@link ThreadPool}.
 *
 * @example
 * ```ts
 * // worker.ts: export function hash(input: Uint8Array): string { ... }
 * const pool = createThreadPool<typeof import('./worker.js')>({
 *   module: new URL('./worker.js', import.meta.url),
 *   maxThreads: 4,
 * });
 * const digest = await pool.run('hash', bytes, { timeoutMs: 1000 }); // typed: string
 * await pool.close();
 * ```
 */
export function createThreadPool<M = AnyWorkerModule>(options: ThreadPoolOptions): ThreadPool<M> {
  return new ThreadPool<M>(options);
}
