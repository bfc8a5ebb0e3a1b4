/**
 * Reset-on-release done by the adapter instead of the pool's `factory.reset` hook. The resource
 * pool wraps every factory call in an `AbortController` and a timeout; for a reset that is
 * synchronous and succeeds on nearly every release (a pg connection outside a transaction) that
 * cost dominated a `SELECT 1` round trip (measured: the pool's acquire/release fell from ~250k/s
 * to ~40k/s with a trivial `reset`). So the adapters run their reset here: synchronous in the
 * common case, with a signal and timeout only when a statement (ROLLBACK, DISCARD ALL, RESET) has
 * to run. The lease the caller sees behaves like the pool's own.
 *
 * @module
 */
import { ConnectionClosedError, DoubleReleaseError } from '../internal/errors.js';
import type { Lease, ReleaseOptions } from '../resource/types.js';

/** What a reset receives: `signal` is created (with its timeout) only when the reset reads it. */
export interface AdapterResetContext {
  /** A new signal aborted after the pool's `validateTimeoutMs`, at each read. */
  readonly signal: AbortSignal;
}

/** A reset: `true` = keep, `false` = destroy; a promise only when a statement must run. */
export type AdapterReset<T> = (value: T, context: AdapterResetContext) => boolean | Promise<boolean>;

const contexts = new Map<number, AdapterResetContext>();

// One shared context per timeout, so the common synchronous release allocates nothing: reading
// `signal` makes a fresh timeout signal, each statement of a reset getting its own bound.
function contextFor(timeoutMs: number): AdapterResetContext {
  let context = contexts.get(timeoutMs);
  if (context === undefined) {
    const ms = Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : 2 ** 31 - 1;
    context = Object.freeze({
      get signal() {
        return AbortSignal.timeout(ms);
      },
    });
    contexts.set(timeoutMs, context);
  }
  return context;
}

// A failed reset is reported to the pool as a connection error, so its `isBroken` destroys the
// connection with reason `broken` (the adapters classify POOLKIT_CONNECTION_CLOSED as fatal).
function discard<T>(lease: Lease<T>, options: ReleaseOptions | undefined): void {
  giveBack(lease, { error: new ConnectionClosedError('Reset on release failed', { cause: options?.error }) });
}

/**
 * Releases `lease`. The adapters release each lease exactly once, so POOLKIT_DOUBLE_RELEASE here
 * can only mean that the pool force-destroyed the resource meanwhile (`destroy()`, a close
 * timeout): there is nothing to give back, and throwing would surface in a driver callback (an
 * uncaught exception) or replace the caller's real error.
 */
export function giveBack<T>(lease: Lease<T>, options?: ReleaseOptions): void {
  try {
    lease.release(options);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'POOLKIT_DOUBLE_RELEASE') throw error;
  }
}

/** Returns `lease` to its pool after `reset` (destroying it when the reset says so). */
export function releaseAfterReset<T>(
  lease: Lease<T>,
  reset: AdapterReset<T>,
  timeoutMs: number,
  options?: ReleaseOptions,
): void {
  let outcome: boolean | Promise<boolean>;
  try {
    outcome = reset(lease.value, contextFor(timeoutMs));
  } catch {
    outcome = false;
  }
  if (outcome === true) giveBack(lease, options);
  else if (outcome === false) discard(lease, options);
  else
    outcome.then(
      (keep) => (keep ? giveBack(lease, options) : discard(lease, options)),
      () => discard(lease, options),
    );
}

/**
 * Runs one driver call in callback form on the lent connection and settles with its outcome. The
 * lease goes back (through `reset`; with the error, so a fatal one destroys the connection) inside
 * the driver's callback, before the caller's continuation runs: the next waiter's statement is
 * written in the same turn as this result was read, as the drivers' own pools do. A call that
 * throws instead of calling back rejects the same way.
 */
export function callOnLease<T, R>(
  lease: Lease<T>,
  reset: AdapterReset<T>,
  timeoutMs: number,
  start: (value: T, done: (error: unknown, result?: R) => void) => void,
): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const done = (error: unknown, result?: R): void => {
      if (error) {
        releaseAfterReset(lease, reset, timeoutMs, { error });
        reject(error);
        return;
      }
      releaseAfterReset(lease, reset, timeoutMs);
      resolve(result as R);
    };
    try {
      start(lease.value, done);
    } catch (error) {
      done(error);
    }
  });
}

/** The pool's lease with the adapter's reset applied on release. */
export class AdapterLease<T> implements Lease<T> {
  readonly #inner: Lease<T>;
  readonly #reset: AdapterReset<T>;
  readonly #timeoutMs: number;
  #settled = false;

  constructor(inner: Lease<T>, reset: AdapterReset<T>, timeoutMs: number) {
    this.#inner = inner;
    this.#reset = reset;
    this.#timeoutMs = timeoutMs;
  }

  get value(): T {
    return this.#inner.value;
  }

  #settle(): void {
    if (this.#settled) throw new DoubleReleaseError('This lease was already released, destroyed or detached');
    this.#settled = true;
  }

  release(options?: ReleaseOptions): void {
    this.#settle();
    releaseAfterReset(this.#inner, this.#reset, this.#timeoutMs, options);
  }

  destroy(): Promise<void> {
    this.#settle();
    return this.#inner.destroy();
  }

  detach(): T {
    this.#settle();
    return this.#inner.detach();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.#settled) this.release();
  }
}
