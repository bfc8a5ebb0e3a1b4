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

/**
 * The context handed to a factory hook. Its `signal` is created on first read: an
 * `AbortController` costs microseconds, and most hooks (a synchronous reset, a ping that never
 * looks at the signal) never read it. A hook that reads it after the call was aborted gets an
 * already-aborted signal.
 */
export class CallContext {
  readonly #call: FactoryCall<unknown>;
  constructor(call: FactoryCall<unknown>) {
    this.#call = call;
  }
  /** Aborted when the call times out or the pool is destroyed. */
  get signal(): AbortSignal {
    return this.#call.signal;
  }
}

/** The context of a `destroy` call, which also names the reason. */
export class DestroyCallContext<D> extends CallContext {
  constructor(
    call: FactoryCall<unknown>,
    /** Why the resource is destroyed. */
    readonly reason: D,
  ) {
    super(call);
  }
}

/** A factory call with a timeout. */
export class FactoryCall<R> implements Expirable {
  #controller: AbortController | undefined;
  #abortReason: unknown;
  #aborted = false;
  #entry: ReturnType<DeadlineHeap<Expirable>['add']> | undefined;
  #done = false;
  readonly #heap: DeadlineHeap<Expirable>;
  readonly #handlers: CallHandlers<R>;
  readonly #timeoutError: () => Error;
  readonly #deadline: number;

  constructor(heap: DeadlineHeap<Expirable>, deadline: number, timeoutError: () => Error, handlers: CallHandlers<R>) {
    this.#heap = heap;
    this.#deadline = deadline;
    this.#timeoutError = timeoutError;
    this.#handlers = handlers;
  }

  /** The call's signal, created on first use (see {@link CallContext}). */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#abortReason);
    }
    return this.#controller.signal;
  }

  /** True once the call settled, timed out or was aborted. */
  get done(): boolean {
    return this.#done;
  }

  /** Runs `fn`, which receives the call (read `signal` from it only if needed). */
  start(fn: (call: FactoryCall<R>) => R | PromiseLike<R>): void {
    let result: R | PromiseLike<R>;
    try {
      result = fn(this);
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
    this.#aborted = true;
    this.#abortReason = error;
    this.#controller?.abort(error);
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
