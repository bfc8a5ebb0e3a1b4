/**
 * Shared helpers of the thread pool tests. The pool under test is imported from `src/`, but its
 * worker entry is the built one (`dist/threads/worker/entry.js`, see `src/threads/entry-url.ts`):
 * run `npm run build` before these tests.
 */
import { once } from 'node:events';
import { expect } from 'vitest';
import { createThreadPool, type ThreadPool, type ThreadPoolOptions } from '../../src/threads/index.js';

export const basicModule = new URL('./fixtures/basic.js', import.meta.url);

export type BasicModule = typeof import('./fixtures/basic.js');

/** A small pool on the basic fixture (one thread unless told otherwise). */
export function basicPool(options: Partial<ThreadPoolOptions> = {}): ThreadPool<BasicModule> {
  return createThreadPool<BasicModule>({ module: basicModule, minThreads: 1, maxThreads: 1, ...options });
}

/** Records thread exits, so a test can assert that every thread it started is gone. */
export function trackThreads(pool: ThreadPool<unknown>): {
  started: number[];
  exited: { threadId: number; reason: string; exitCode: number }[];
} {
  const log = { started: [] as number[], exited: [] as { threadId: number; reason: string; exitCode: number }[] };
  pool.on('threadStarted', ({ threadId }) => log.started.push(threadId));
  pool.on('threadExited', ({ threadId, reason, exitCode }) => log.exited.push({ threadId, reason, exitCode }));
  return log;
}

/** Resolves with the next `threadExited` event. */
export function nextExit(
  pool: ThreadPool<unknown>,
): Promise<{ threadId: number; reason: string; exitCode: number; error: unknown }> {
  return new Promise((resolve) => pool.once('threadExited', resolve));
}

/** Closes the pool and checks that no thread is left. */
export async function closeAndCheck(pool: ThreadPool<unknown>): Promise<void> {
  await pool.close();
  const stats = pool.stats();
  expect(stats.threads.total).toBe(0);
  expect(stats.running).toBe(0);
  expect(stats.queued).toBe(0);
}

/** Resolves once `predicate()` holds, checking after each turn of the event loop (no timers). */
export function until(predicate: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (predicate()) resolve();
      else setImmediate(check);
    };
    check();
  });
}

let channels = 0;

/** A BroadcastChannel the fixtures' `notify` reaches; `next()` resolves with the next message. */
export function channel(): { name: string; next(): Promise<unknown>; close(): void } {
  const name = `poolkit-test-${process.pid}-${++channels}`;
  const port = new BroadcastChannel(name);
  const inbox: unknown[] = [];
  const waiting: ((message: unknown) => void)[] = [];
  port.onmessage = (event) => {
    const resolve = waiting.shift();
    if (resolve === undefined) inbox.push((event as MessageEvent).data);
    else resolve((event as MessageEvent).data);
  };
  return {
    name,
    next: () => (inbox.length > 0 ? Promise.resolve(inbox.shift()) : new Promise((resolve) => waiting.push(resolve))),
    close: () => port.close(),
  };
}

export { once };
