/**
 * `TaskPool`: the goroutine pool for Node's event loop (gammazero/workerpool, ants, pond). Runs
 * async functions with bounded concurrency on the current thread, on the shared scheduling core.
 *
 * @module
 */
import type { Clock } from '../internal/clock.js';
import { InvalidOptionError } from '../internal/errors.js';
import type { EventSource, Listener } from '../internal/events.js';
import { enumOption, resolveOptions } from '../internal/options.js';
import { AsyncExecutor, type TaskFunction } from './async-executor.js';
import { type ConsumeOptions, Consumer } from './consume.js';
import { type DeadlockMode, deadlockContext, deadlockError, insideTaskOf, warnDeadlock } from './deadlock.js';
import { type GroupOptions, TaskGroup } from './group.js';
import { type MapOptions, mapTasks, slotFunctions } from './map.js';
import { type RunOptions, type SchedulingOptions, schedulingOptionSchema } from './options.js';
import { type CloseOptions, Scheduler } from './scheduler.js';
import type { TaskSource } from './source.js';
import type { TaskPoolEvents, TaskPoolStats } from './stats.js';

/** Options of {@link createTaskPool}. */
export interface TaskPoolOptions extends SchedulingOptions {
  /**
   * Detect a task that calls `run()`/`tryRun()`/`submit()` on its own saturated pool (a nested
   * submit that would deadlock if awaited): `error` rejects that call with `DeadlockError`,
   * `warn` emits a process warning and queues it anyway. Costs an `AsyncLocalStorage` context
   * per task, so it is off by default.
   * @default 'off'
   */
  readonly detectDeadlock?: DeadlockMode;
}

const taskPoolSchema = {
  ...schedulingOptionSchema,
  detectDeadlock: enumOption(['off', 'error', 'warn'] as const, { default: 'off' }),
};

type AnyFunction = TaskFunction<unknown>;

function checkFunction(fn: unknown): void {
  if (typeof fn !== 'function') {
    throw new InvalidOptionError(`Expected \`fn\` to be a function, got \`${String(fn)}\` (${typeof fn})`, {
      option: 'fn',
      value: fn,
    });
  }
}

/**
 * A pool of async tasks with bounded concurrency, a bounded or unbounded priority queue,
 * cancellation, two timeouts, backpressure, pull-based `map`, fail-fast groups and stats.
 *
 * @example
 * ```ts
 * const pool = createTaskPool({ concurrency: 8, maxQueued: 1000 });
 * const body = await pool.run((signal) => fetch(url, { signal }).then((r) => r.text()), { timeoutMs: 5000 });
 * for await (const size of pool.map(urls, (url, signal) => download(url, signal))) total += size;
 * await pool.close();
 * ```
 */
export class TaskPool implements AsyncDisposable, EventSource<TaskPoolEvents> {
  readonly #core: Scheduler<AnyFunction, unknown>;
  readonly #deadlock: DeadlockMode;
  readonly #clock: Clock;

  constructor(options: TaskPoolOptions = {}) {
    const resolved = resolveOptions('TaskPool', options, taskPoolSchema);
    this.#deadlock = resolved.detectDeadlock;
    this.#clock = resolved.clock;
    const executor = this.#deadlock === 'off' ? new AsyncExecutor() : new AsyncExecutor(deadlockContext(), this);
    this.#core = new Scheduler<AnyFunction, unknown>(executor, resolved, 'TaskPool');
  }

  /**
   * Runs `fn(signal)` as soon as a slot is free. Resolves or rejects with its outcome; rejects with
   * `signal.reason` when aborted, `TaskTimeoutError` / `QueueTimeoutError` on timeouts,
   * `QueueFullError` when the queue is full, `ClosedError` after `close()`/`destroy()`. Throws
   * `InvalidOptionError` synchronously for a bad argument.
   */
  run<T>(fn: TaskFunction<T>, options?: RunOptions): Promise<T> {
    checkFunction(fn);
    if (this.#deadlock !== 'off' && insideTaskOf(this) && this.#core.saturated) {
      const refused = this.#nested(fn, options);
      if (refused !== undefined) return refused as Promise<T>;
    }
    return this.#core.run(fn, options) as Promise<T>;
  }

  /** Like `run()`, but never queues: rejects with `PoolExhaustedError` when no slot is free now (ants' non-blocking mode). */
  tryRun<T>(fn: TaskFunction<T>, options?: RunOptions): Promise<T> {
    checkFunction(fn);
    return this.#core.tryRun(fn, options) as Promise<T>;
  }

  /**
   * Fire and forget (gammazero's `Submit`): the task's error goes to the `onError` option.
   * Throws synchronously when the pool refuses it (`ClosedError`, `QueueFullError`).
   */
  submit(fn: TaskFunction<unknown>, options?: RunOptions): void {
    checkFunction(fn);
    if (this.#deadlock !== 'off' && insideTaskOf(this) && this.#core.saturated) {
      const refused = this.#nested(fn, options);
      if (refused !== undefined) {
        refused.catch(() => {});
        throw deadlockError('TaskPool', this.#core.running, this.#core.queued);
      }
    }
    this.#core.submit(fn, options);
  }

  #nested(fn: AnyFunction, options: RunOptions | undefined): Promise<unknown> | undefined {
    const { running, queued } = this.#core;
    if (this.#deadlock === 'warn') {
      warnDeadlock('TaskPool', running, queued);
      return undefined;
    }
    return this.#core.refuse(fn, options, deadlockError('TaskPool', running, queued));
  }

  /**
   * Runs `fn(item, signal)` for every item of `input` with at most `concurrency` at once (and
   * within the pool's own limit), pulling the next input only when a slot frees: memory stays
   * O(concurrency) for any input length. Yields results in input order (`ordered: true`, the
   * default) or as they complete. The first error stops the map: it aborts the running tasks,
   * stops pulling, and is thrown from the iterator. Breaking out of the loop aborts what runs.
   */
  map<T, U>(
    input: Iterable<T> | AsyncIterable<T>,
    fn: (item: T, signal: AbortSignal) => U | PromiseLike<U>,
    options?: MapOptions,
  ): AsyncIterableIterator<Awaited<U>> {
    checkFunction(fn);
    // The fast path calls `fn` outside the executor, so not with deadlock detection's context.
    const direct = this.#deadlock === 'off' ? fn : undefined;
    return mapTasks<AnyFunction, T, Awaited<U>>(this.#core, input, slotFunctions(fn), options, undefined, direct);
  }

  /**
   * Runs the tasks of `source` (a queue shared with other processes, such as `poolkit/bullmq`'s
   * BullMQ source) as `fn(task.data, signal)` on this pool: fetches while fewer than
   * `concurrency` tasks are held, heartbeats each held task, acks its result or nacks its error.
   * Returns the {@link Consumer}; `await consumer.stop()` stops fetching and waits for the held
   * tasks. The signal aborts if the task's heartbeat fails (`LockLostError`), on its run timeout
   * and on `destroy()`. See docs/consume.md.
   */
  consume<T, R>(
    source: TaskSource<T, R>,
    fn: (data: T, signal: AbortSignal) => R | PromiseLike<R>,
    options?: ConsumeOptions,
  ): Consumer<T, R> {
    checkFunction(fn);
    const concurrency = this.#core.concurrency < Number.POSITIVE_INFINITY ? this.#core.concurrency : 16;
    return new Consumer<T, R>(
      source,
      (data, signal, timeoutMs) =>
        this.run(
          (handlerSignal) => fn(data, handlerSignal),
          timeoutMs === undefined ? { signal } : { signal, timeoutMs },
        ),
      this.#clock,
      concurrency,
      options,
    );
  }

  /**
   * A group of tasks that can be awaited together (`group.wait()`), like Go's errgroup or pond's
   * groups. With `failFast` (the default) the first error aborts the group's other tasks.
   */
  group(options?: GroupOptions): TaskGroup {
    return new TaskGroup(this, options);
  }

  /** Adds a listener for `taskStarted`, `taskSucceeded` or `taskFailed`; returns its remover. */
  on<E extends keyof TaskPoolEvents & string>(event: E, listener: Listener<TaskPoolEvents, E>): () => void {
    return this.#core.events.on(event, listener);
  }

  /** Adds a listener that runs at most once; returns its remover. */
  once<E extends keyof TaskPoolEvents & string>(event: E, listener: Listener<TaskPoolEvents, E>): () => void {
    return this.#core.events.once(event, listener);
  }

  /** Removes a listener. */
  off<E extends keyof TaskPoolEvents & string>(event: E, listener: Listener<TaskPoolEvents, E>): void {
    this.#core.events.off(event, listener);
  }

  /** Stops starting tasks; running ones go on, new ones queue. */
  pause(): void {
    this.#core.pause();
  }

  /** Starts queued tasks again. */
  resume(): void {
    this.#core.resume();
  }

  /** Whether the pool is paused. */
  get isPaused(): boolean {
    return this.#core.isPaused;
  }

  /** Changes the concurrency limit at runtime (an integer >= 1, or `Infinity`). */
  resize(concurrency: number): void {
    this.#core.resize(concurrency);
  }

  /** The concurrency limit in force. */
  get concurrency(): number {
    return this.#core.concurrency;
  }

  /** Tasks running now (slots in use). */
  get running(): number {
    return this.#core.running;
  }

  /** Tasks waiting in the queue. */
  get queued(): number {
    return this.#core.queued;
  }

  /** Resolves when nothing is queued or running. */
  onIdle(): Promise<void> {
    return this.#core.onIdle();
  }

  /** Resolves when the queue is empty (tasks may still run). */
  onEmpty(): Promise<void> {
    return this.#core.onEmpty();
  }

  /** Resolves when fewer than `size` tasks are queued (p-queue's `onSizeLessThan`). */
  onSizeLessThan(size: number): Promise<void> {
    return this.#core.onSizeLessThan(size);
  }

  /**
   * Backpressure for producers: resolves when `run()` would not be refused for a full queue
   * (`queued < maxQueued`); with an unbounded queue, when `queued < concurrency`.
   * `for (const job of jobs) { await pool.waitForRoom(); pool.submit(job); }`
   */
  waitForRoom(): Promise<void> {
    return this.#core.waitForRoom();
  }

  /**
   * Refuses new tasks, lets queued and running ones finish (resuming a paused pool), and resolves
   * once all are done. After `timeoutMs` it calls `destroy()`. Idempotent.
   */
  close(options?: CloseOptions): Promise<void> {
    return this.#core.close(options);
  }

  /** Rejects queued tasks and the callers of running ones with `ClosedError` and aborts their signals. Idempotent. */
  destroy(): Promise<void> {
    return this.#core.destroy();
  }

  /** `await using pool = createTaskPool(...)` closes (drains) the pool at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** A snapshot of gauges, counters and wait/run time histograms. */
  stats(): TaskPoolStats {
    return this.#core.stats();
  }
}

/** Creates a {@link TaskPool}. */
export function createTaskPool(options?: TaskPoolOptions): TaskPool {
  return new TaskPool(options);
}
