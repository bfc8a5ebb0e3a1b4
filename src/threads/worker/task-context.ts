/**
 * What a handler receives next to its input. The `AbortSignal` is created only when the handler
 * reads `context.signal` (most handlers never do, and an `AbortController` per task would cost
 * more than a no-op task). Its `aborted` getter and `throwIfAborted()` also read the task's
 * shared-memory abort flag, so a synchronous loop that polls `signal.aborted` sees a
 * cancellation at once, without returning to the event loop for the pool's abort message.
 *
 * @module
 */

/** The second argument of every task handler. */
export interface TaskContext {
  /**
   * Aborted when the caller cancels the task or its run timeout passes. Synchronous code can
   * poll `signal.aborted` (or call `signal.throwIfAborted()`): it reads shared memory. After
   * `abortGraceMs` the pool terminates the thread of a task that did not stop.
   */
  readonly signal: AbortSignal;
  /** The pool's id for this task (also in `WorkerExitedError.taskId`). */
  readonly taskId: number;
}

const abortedGetter = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')?.get as (
  this: AbortSignal,
) => boolean;

/** The reason used when the flag is seen before the pool's abort message (and its reason) arrives. */
function pendingReason(): unknown {
  return new DOMException('The task was aborted', 'AbortError');
}

/** A {@link TaskContext} bound to one slot of the abort flags. */
export class WorkerTaskContext implements TaskContext {
  readonly taskId: number;
  readonly #flags: Int32Array;
  readonly #index: number;
  #controller: AbortController | undefined;
  #finished = false;

  constructor(taskId: number, flags: Int32Array, index: number) {
    this.taskId = taskId;
    this.#flags = flags;
    this.#index = index;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) this.#controller = this.#createController();
    return this.#controller.signal;
  }

  /** Aborts with the reason the pool sent (no-op when already aborted or finished). */
  abort(reason: unknown): void {
    if (this.#finished) return;
    const controller = this.#controller;
    if (controller === undefined) {
      this.#controller = new AbortController();
      this.#controller.abort(reason);
    } else if (!abortedGetter.call(controller.signal)) controller.abort(reason);
  }

  /** Stops polling the slot: it may be reused for another task. */
  finish(): void {
    this.#finished = true;
  }

  #createController(): AbortController {
    const controller = new AbortController();
    const signal = controller.signal;
    const poll = (): boolean => {
      if (abortedGetter.call(signal)) return true;
      if (!this.#finished && Atomics.load(this.#flags, this.#index) === 1) controller.abort(pendingReason());
      return abortedGetter.call(signal);
    };
    Object.defineProperty(signal, 'aborted', { get: poll, configurable: true });
    Object.defineProperty(signal, 'throwIfAborted', {
      value: () => {
        if (poll()) throw signal.reason;
      },
      configurable: true,
    });
    if (Atomics.load(this.#flags, this.#index) === 1) controller.abort(pendingReason());
    return controller;
  }
}
