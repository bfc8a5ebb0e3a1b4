/**
 * The in-thread executor behind `TaskPool`: a task is an async function called with its signal.
 * No capacity of its own (the core's `concurrency` is the only limit), nothing to close. With
 * deadlock detection on, each handler runs inside an `AsyncLocalStorage` context naming its pool,
 * so a nested `run()` on the same saturated pool can be recognised.
 *
 * @module
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import type { Executor, ExecutorTask } from './executor.js';

/** A task handler: receives the task's signal, returns a value or a promise. */
export type TaskFunction<T> = (signal: AbortSignal) => T | PromiseLike<T>;

type Task = ExecutorTask<TaskFunction<unknown>, unknown>;

// Hot path: one async frame per task, no closure; `await` also turns a sync throw into a rejection.
async function execute(task: Task): Promise<void> {
  let value: unknown;
  try {
    value = await task.payload(task.signal);
  } catch (error) {
    task.reject(error);
    return;
  }
  task.resolve(value);
}

/** Runs async functions on the current thread. */
export class AsyncExecutor implements Executor<TaskFunction<unknown>, unknown> {
  readonly #context: AsyncLocalStorage<unknown> | undefined;
  readonly #token: unknown;

  /** @param context - when set, handlers run inside `context.run(token, ...)`. */
  constructor(context?: AsyncLocalStorage<unknown>, token?: unknown) {
    this.#context = context;
    this.#token = token;
  }

  attach(): void {}

  capacity(): number {
    return Number.POSITIVE_INFINITY;
  }

  start(task: Task): void {
    if (this.#context === undefined) void execute(task);
    else void this.#context.run(this.#token, execute, task);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  destroy(): Promise<void> {
    return Promise.resolve();
  }
}
