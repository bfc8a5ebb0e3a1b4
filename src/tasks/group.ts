/**
 * Task groups (pond's groups, Go's errgroup): tasks started through a group share its signal and
 * can be awaited together. With `failFast`, the first failure aborts the group: queued tasks
 * leave the queue, running ones see their signal abort, and `wait()` rejects with that first error
 * once every task of the group has settled.
 *
 * The group logic ({@link GroupEngine}) does not depend on what a task is: `TaskGroup` runs
 * functions on a `TaskPool`, `ThreadGroup` named handlers on a `ThreadPool`.
 *
 * @module
 */
import { AbortError } from '../internal/errors.js';
import { booleanOption, customOption, resolveOptions } from '../internal/options.js';
import type { TaskFunction } from './async-executor.js';
import type { RunOptions } from './options.js';

const NO_FAILURE = Symbol('group.noFailure');

/** Options of `pool.group()`. */
export interface GroupOptions {
  /**
   * Abort the group's other tasks on the first failure (errgroup's `WithContext`).
   * @default true
   */
  readonly failFast?: boolean;
  /** Aborts the whole group (every task, queued or running) when it aborts. */
  readonly signal?: AbortSignal;
}

/** The part of a pool a group needs. */
export interface GroupHost {
  /** Runs a task on the pool. */
  run<T>(fn: TaskFunction<T>, options?: RunOptions): Promise<T>;
}

const groupSchema = {
  failFast: booleanOption({ default: true }),
  signal: customOption<AbortSignal | undefined>('an AbortSignal', (value) => value instanceof AbortSignal),
};

/**
 * Starts one task of a group on its pool with `signal` (the group's, joined with the call's own).
 * `fail(error)` must be called as soon as the task fails, before the pool frees its slot, so
 * fail-fast removes the group's queued tasks before the next one could start.
 */
export type GroupStart<T> = (signal: AbortSignal, fail: (error: unknown) => void) => Promise<T>;

/**
 * @internal What every pool's group shares, whatever a task is (a function, a named handler):
 * the group's signal, pending count, first failure, fail-fast and `wait()`. Pools wrap it in a
 * typed group class ({@link TaskGroup}, `ThreadGroup`).
 */
export class GroupEngine {
  readonly #failFast: boolean;
  readonly #controller = new AbortController();
  #pending = 0;
  #failed = false;
  #firstError: unknown;
  #waiters: (() => void)[] = [];

  constructor(options: GroupOptions = {}) {
    const resolved = resolveOptions('group()', options, groupSchema);
    this.#failFast = resolved.failFast;
    const outer = resolved.signal;
    if (outer !== undefined) {
      if (outer.aborted) this.#controller.abort(outer.reason);
      else outer.addEventListener('abort', () => this.#controller.abort(outer.reason), { once: true });
    }
  }

  /** Aborts when the group is cancelled or (with `failFast`) a task failed. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Tasks of the group not settled yet. */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Starts a task of the group through `start` and returns its promise; `own` is the call's own
   * signal. The group keeps its own handler on the promise, so leaving it unhandled is safe.
   */
  launch<T>(own: AbortSignal | undefined, start: GroupStart<T>): Promise<T> {
    const signal = own === undefined ? this.#controller.signal : AbortSignal.any([own, this.#controller.signal]);
    let failure: unknown = NO_FAILURE;
    const fail = (error: unknown): void => {
      failure = error;
      this.#noteFailure(error, own);
    };
    // The group's abort also reaches the failing task itself; its caller still gets its own error.
    const promise = start(signal, fail).catch((error: unknown) => {
      throw failure === NO_FAILURE ? error : failure;
    });
    this.#pending++;
    promise.then(
      () => this.#settled(),
      (error: unknown) => {
        this.#noteFailure(error, own);
        this.#settled();
      },
    );
    return promise;
  }

  #noteFailure(error: unknown, own: AbortSignal | undefined): void {
    if (this.#failed || (own?.aborted && error === own.reason) || this.#isGroupAbort(error)) return;
    this.#failed = true;
    this.#firstError = error;
    if (this.#failFast) {
      this.#controller.abort(new AbortError('Task group stopped: another task failed', { cause: error }));
    }
  }

  /** Aborts every task of the group with `reason`. */
  cancel(reason?: unknown): void {
    this.#controller.abort(reason ?? new AbortError('Task group cancelled'));
  }

  /** Resolves once every task started so far has settled; rejects with the first failure. */
  async wait(): Promise<void> {
    if (this.#pending !== 0) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    if (this.#failed) throw this.#firstError;
    if (this.#controller.signal.aborted) throw this.#controller.signal.reason;
  }

  #isGroupAbort(error: unknown): boolean {
    return this.#controller.signal.aborted && error === this.#controller.signal.reason;
  }

  #settled(): void {
    if (--this.#pending !== 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** A set of tasks of one pool that succeed or fail together. */
export class TaskGroup {
  readonly #pool: GroupHost;
  readonly #engine: GroupEngine;

  /** @internal Created by `pool.group()`; not constructed by users. */
  constructor(pool: GroupHost, options: GroupOptions = {}) {
    this.#engine = new GroupEngine(options);
    this.#pool = pool;
  }

  /** Aborts when the group is cancelled or (with `failFast`) a task failed. */
  get signal(): AbortSignal {
    return this.#engine.signal;
  }

  /** Tasks of the group not settled yet. */
  get pending(): number {
    return this.#engine.pending;
  }

  /**
   * Runs `fn` on the pool as part of the group and returns its promise. The group keeps its own
   * handler on the promise, so leaving it unhandled is safe: `wait()` reports the first error.
   */
  run<T>(fn: TaskFunction<T>, options?: RunOptions): Promise<T> {
    return this.#engine.launch(options?.signal, (signal, fail) => {
      // The handler's failure is noted before the pool frees its slot.
      const guarded = async (taskSignal: AbortSignal): Promise<T> => {
        try {
          return await fn(taskSignal);
        } catch (error) {
          fail(error);
          throw error;
        }
      };
      return this.#pool.run(guarded, { ...options, signal });
    });
  }

  /** Like `run()` without the promise: outcomes are reported by `wait()` only. */
  submit(fn: TaskFunction<unknown>, options?: RunOptions): void {
    void this.run(fn, options);
  }

  /** Aborts every task of the group with `reason`. */
  cancel(reason?: unknown): void {
    this.#engine.cancel(reason);
  }

  /**
   * Resolves once every task started so far has settled; rejects with the first failure (an
   * abort of the group itself counts as one when nothing else failed).
   */
  wait(): Promise<void> {
    return this.#engine.wait();
  }
}
