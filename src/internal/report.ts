/**
 * Reporting an error that has no caller to go to (a throwing event listener, a throwing expiry
 * callback): it is rethrown on a later microtask, as `EventTarget` does in Node, so it surfaces
 * as an uncaught exception instead of being swallowed, and the code that called the listener
 * carries on with consistent state.
 *
 * @module
 */

/** Rethrows `error` asynchronously so it reaches `process.on('uncaughtException')`. */
export function reportAsync(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
