/**
 * `ThreadGroup`: task groups (pond's groups, Go's errgroup) on a thread pool. The group logic is
 * the task pool's (`GroupEngine` in `src/tasks/group.ts`); this class only types `run` and
 * `submit` with the worker module's handlers.
 *
 * @module
 */
import { GroupEngine, type GroupOptions } from '../tasks/group.js';
import type { AnyWorkerModule, HandlerName, RunArgs, TaskInput, TaskResult, ThreadRunOptions } from './types.js';

/**
 * @internal How a group starts a task on its pool. `fail(error)` is called when the task fails,
 * before the pool frees its slot, so fail-fast empties the group's queued tasks first.
 */
export type ThreadGroupStart = (
  name: string,
  input: unknown,
  options: ThreadRunOptions,
  fail: (error: unknown) => void,
) => Promise<unknown>;

/**
 * A set of tasks of one thread pool that succeed or fail together. Create it with
 * `pool.group()`. With `failFast` (the default) the first failure aborts the group's other tasks
 * (queued ones never start, running ones see their signal abort) and `wait()` rejects with it.
 */
export class ThreadGroup<M = AnyWorkerModule> {
  readonly #start: ThreadGroupStart;
  readonly #engine: GroupEngine;

  /** @internal Created by `pool.group()`; not constructed by users. */
  constructor(start: ThreadGroupStart, options?: GroupOptions) {
    this.#engine = new GroupEngine(options);
    this.#start = start;
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
   * Runs handler `name` with `input` on the pool as part of the group and returns its promise,
   * as `pool.run()` does. The group keeps its own handler on the promise, so leaving it
   * unhandled is safe: `wait()` reports the first error.
   */
  run<K extends HandlerName<M>>(name: K, ...args: RunArgs<TaskInput<M, K>>): Promise<TaskResult<M, K>>;
  run(name: string, input?: unknown, options?: ThreadRunOptions): Promise<unknown> {
    return this.#run(name, input, options);
  }

  /** Like `run()` without the promise: outcomes are reported by `wait()` only. */
  submit<K extends HandlerName<M>>(name: K, ...args: RunArgs<TaskInput<M, K>>): void;
  submit(name: string, input?: unknown, options?: ThreadRunOptions): void {
    void this.#run(name, input, options);
  }

  #run(name: string, input: unknown, options: ThreadRunOptions | undefined): Promise<unknown> {
    return this.#engine.launch(options?.signal, (signal, fail) =>
      this.#start(name, input, { ...options, signal }, fail),
    );
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
