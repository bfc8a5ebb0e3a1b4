/**
 * Inline mode: the same pool (scheduler, options, errors) with handlers called on the main
 * thread, for unit tests and debugging. Inputs and results still go through a structured clone,
 * and errors through the same serialization as with threads, so a handler that works inline
 * behaves the same on threads (parity is tested on one set of handlers). What cannot be the same:
 * a cancelled synchronous handler cannot be terminated, and CPU work blocks the caller's thread.
 *
 * @module
 */
import { DataCloneError, WorkerStartError } from '../internal/errors.js';
import type { Executor, ExecutorHost, ExecutorTask } from '../tasks/executor.js';
import { deserializeError, findUncloneablePath, serializeError } from './error-serde.js';
import type { ThreadPayload } from './task-entry.js';
import { isTransferred } from './transfer.js';
import { findHandlers, findHook, loadWorkerModule, unknownHandlerError } from './worker/load-module.js';
import type { TaskContext } from './worker/task-context.js';

type Task = ExecutorTask<ThreadPayload, unknown>;
type Handler = (input: unknown, context: TaskContext) => unknown;

function cloneOrFail(value: unknown, root: string, task: Task): unknown {
  try {
    return structuredClone(value);
  } catch (cause) {
    const path = findUncloneablePath(value, root);
    throw new DataCloneError(
      `The ${root} of task ${task.id} (\`${task.payload.name}\`) cannot be cloned (at \`${path}\`): ${(cause as Error).message}`,
      { cause, path, taskId: task.id },
    );
  }
}

/** Runs handlers on the calling thread, `slots` at a time. */
export class InlineExecutor implements Executor<ThreadPayload, unknown> {
  readonly #moduleUrl: string;
  readonly #slots: number;
  readonly #workerData: unknown;
  #handlers: Map<string, Handler> | undefined;
  #namespace: Record<string, unknown> | undefined;
  #loadError: unknown;
  #host: ExecutorHost | undefined;

  constructor(moduleUrl: string, slots: number, workerData: unknown) {
    this.#moduleUrl = moduleUrl;
    this.#slots = slots;
    this.#workerData = workerData;
  }

  attach(host: ExecutorHost): void {
    this.#host = host;
    void this.#load();
  }

  async #load(): Promise<void> {
    try {
      const namespace = await loadWorkerModule(this.#moduleUrl);
      await findHook(namespace, 'setup')?.(structuredClone(this.#workerData));
      this.#namespace = namespace;
      this.#handlers = findHandlers(namespace) as Map<string, Handler>;
    } catch (error) {
      this.#loadError = error;
    }
    this.#host?.capacityChanged();
  }

  capacity(): number {
    if (this.#loadError !== undefined) return Number.POSITIVE_INFINITY; // fail fast, as an open breaker does
    return this.#handlers === undefined ? 0 : this.#slots;
  }

  start(task: Task): void {
    if (this.#loadError !== undefined) {
      task.reject(new WorkerStartError('The worker module failed to load (inline mode)', { cause: this.#loadError }));
      return;
    }
    void this.#execute(task);
  }

  async #execute(task: Task): Promise<void> {
    const { name } = task.payload;
    const handler = this.#handlers?.get(name);
    try {
      if (handler === undefined) throw unknownHandlerError(name, this.#handlers);
      const input = cloneOrFail(task.payload.input, 'input', task);
      const context: TaskContext = { signal: task.signal, taskId: task.id };
      let result = await handler(input, context);
      if (isTransferred(result)) result = result.value;
      task.resolve(cloneOrFail(result, 'result', task));
    } catch (error) {
      task.reject(error instanceof DataCloneError ? error : deserializeError(serializeError(error)));
    }
  }

  async close(): Promise<void> {
    if (this.#namespace !== undefined) await findHook(this.#namespace, 'teardown')?.();
  }

  destroy(): Promise<void> {
    return this.close();
  }
}
