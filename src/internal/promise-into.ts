/**
 * A promise whose resolving functions are handed to an object, without a closure per promise.
 * `new Promise(executor)` calls its executor synchronously, so the one module-level executor can
 * find its target in a module variable set just around the call.
 *
 * @module
 */

/** Receives the resolving functions of a promise made by {@link promiseInto}. */
export interface ResolverSink<T> {
  /** Called once, synchronously, while the promise is being made. */
  takeResolvers(resolve: (value: T) => void, reject: (error: unknown) => void): void;
}

let target: ResolverSink<unknown> | undefined;

function executor(resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
  (target as ResolverSink<unknown>).takeResolvers(resolve, reject);
}

/** A new pending promise whose resolving functions go to `sink.takeResolvers`. */
export function promiseInto<T>(sink: ResolverSink<T>): Promise<T> {
  target = sink as ResolverSink<unknown>;
  try {
    return new Promise<T>(executor as (resolve: (value: T) => void, reject: (error: unknown) => void) => void);
  } finally {
    target = undefined;
  }
}
