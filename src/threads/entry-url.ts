/**
 * Where the worker entry is. Built, it sits next to this file (`dist/threads/worker/entry.js`).
 * When this file runs from `src/` (Vitest transpiles TypeScript on the main thread, but a
 * `Worker` loads its entry with plain Node), the entry is taken from the build output instead,
 * so tests of the thread pool need `npm run build` first (CI builds before testing).
 *
 * @module
 */

/** The URL of `dist/threads/worker/entry.js`. */
export function workerEntryUrl(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL('../../dist/threads/worker/entry.js', here);
  return new URL('./worker/entry.js', here);
}
