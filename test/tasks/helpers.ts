/** Shared test helpers for the task pool tests: a controllable task and settlement tracking. */
import { flushMicrotasks } from '../../src/testing/fake-clock.js';

/** A task whose completion the test controls; records the signal it was given. */
export interface Gate<T = unknown> {
  /** The handler to pass to `run()`. */
  readonly fn: (signal: AbortSignal) => Promise<T>;
  /** Whether the handler has been called. */
  readonly started: boolean;
  /** The signal the handler received (after start). */
  readonly signal: AbortSignal | undefined;
  /** Finishes the handler with `value`. */
  open(value?: T): void;
  /** Fails the handler with `error`. */
  fail(error: unknown): void;
}

/** Creates a {@link Gate}. */
export function gate<T = unknown>(): Gate<T> {
  let resolve: ((value: T) => void) | undefined;
  let reject: ((error: unknown) => void) | undefined;
  const state = { started: false, signal: undefined as AbortSignal | undefined };
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return {
    fn: (signal) => {
      state.started = true;
      state.signal = signal;
      return promise;
    },
    get started() {
      return state.started;
    },
    get signal() {
      return state.signal;
    },
    open: (value) => resolve?.(value as T),
    fail: (error) => reject?.(error),
  };
}

/** Outcome of a tracked promise: counts settlements so a double settle would show. */
export interface Tracked<T> {
  readonly status: 'pending' | 'fulfilled' | 'rejected';
  readonly value: T | undefined;
  readonly error: unknown;
}

/** Attaches handlers to `promise` and exposes its state synchronously. */
export function track<T>(promise: Promise<T>): Tracked<T> {
  const state: { status: Tracked<T>['status']; value: T | undefined; error: unknown } = {
    status: 'pending',
    value: undefined,
    error: undefined,
  };
  promise.then(
    (value) => {
      if (state.status !== 'pending') throw new Error('settled twice');
      state.status = 'fulfilled';
      state.value = value;
    },
    (error: unknown) => {
      if (state.status !== 'pending') throw new Error('settled twice');
      state.status = 'rejected';
      state.error = error;
    },
  );
  return state;
}

/** Lets promise reactions run. */
export const flush = (): Promise<void> => flushMicrotasks();

/** The `code` of an error-like value. */
export function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | undefined)?.code;
}
