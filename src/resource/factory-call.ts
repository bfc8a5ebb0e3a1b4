/**
 * One call into the factory (create, validate, reset, keep-alive, destroy) bounded by a timeout
 * that really aborts: the call's `AbortSignal` fires and the pool stops waiting. A synchronous
 * factory result settles at once without touching the deadline heap; only a pending promise
 * registers a deadline. A result that arrives after the timeout goes to `onLate` (a late create
 * is destroyed, never leaked) — unlike tarn, which leaves timed-out creates running unnoticed.
 *
 * @module
 */
import type { DeadlineHeap } from '../internal/deadline-heap.js';

/** Something the pool's deadline heap can expire. */
export interface Expirable {
  expire(): void;
}

/** A housekeeping deadline (sweep, backoff, leak, close): runs `run` when it expires. */
export class Timed implements Expirable {
  entry: ReturnType<DeadlineHeap<Expirable>['add']> | undefined = undefined;
  constructor(readonly run: () => void) {}
  expire(): void {
    this.entry = undefined;
    this.run();
  }
}

/** Callbacks of a {@link FactoryCall}. */
export interface CallHandlers<R> {
  ok(value: R): void;
  fail(error: unknown, timedOut: boolean): void;
  late?(value: R): void;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

/** A factory call with a timeout. */
export class FactoryCall<R> implements Expirable {
  readonly controller: AbortController;
  #entry: ReturnType<DeadlineHeap<Expirable>['add']> | undefined;
  #done = false;
  readonly #heap: DeadlineHeap<Expirable>;
  readonly #handlers: CallHandlers<R>;
  readonly #timeoutError: () => Error;
  readonly #deadline: number;

  constructor(
    heap: DeadlineHeap<Expirable>,
    deadline: number,
    timeoutError: () => Error,
    handlers: CallHandlers<R>,
    controller: AbortController = new AbortController(),
  ) {
    this.#heap = heap;
    this.#deadline = deadline;
    this.#timeoutError = timeoutError;
    this.#handlers = handlers;
    this.controller = controller;
  }

  /** True once the call settled, timed out or was aborted. */
  get done(): boolean {
    return this.#done;
  }

  /** Runs `fn` (which receives the call's signal). */
  start(fn: (signal: AbortSignal) => R | PromiseLike<R>): void {
    let result: R | PromiseLike<R>;
    try {
      result = fn(this.controller.signal);
    } catch (error) {
      this.#fail(error);
      return;
    }
    if (!isThenable(result)) {
      this.#ok(result as R);
      return;
    }
    if (this.#done) return;
    this.#entry = this.#heap.add(this.#deadline, this);
    (result as PromiseLike<R>).then(
      (value) => this.#ok(value),
      (error: unknown) => this.#fail(error),
    );
  }

  /** Deadline reached: abort the signal and fail with the timeout error. */
  expire(): void {
    this.#entry = undefined;
    const error = this.#timeoutError();
    this.#settleFailed(error, true);
  }

  /** Aborts the call (pool closing or destroyed) with `reason`. */
  abort(reason: unknown): void {
    this.#settleFailed(reason, false);
  }

  #settleFailed(error: unknown, timedOut: boolean): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#entry !== undefined) this.#heap.remove(this.#entry);
    this.#entry = undefined;
    this.controller.abort(error);
    this.#handlers.fail(error, timedOut);
  }

  #ok(value: R): void {
    if (this.#done) {
      this.#handlers.late?.(value);
      return;
    }
    this.#done = true;
    if (this.#entry !== undefined) this.#heap.remove(this.#entry);
    this.#entry = undefined;
    this.#handlers.ok(value);
  }

  #fail(error: unknown): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#entry !== undefined) this.#heap.remove(this.#entry);
    this.#entry = undefined;
    this.#handlers.fail(error, false);
  }
}
