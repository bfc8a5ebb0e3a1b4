/**
 * Task pools against p-limit 7, p-queue 9, async 3's `queue`/`mapLimit` and @supercharge/promise-pool,
 * on tiny async tasks, so that scheduling overhead is all that is measured.
 *
 * - `noop-run`: 100k no-op async tasks, one call per task (`pool.run`, `limit(fn)`, `queue.add`,
 *   `q.pushAsync`), concurrency 16, then await them all. promise-pool has no per-task call: it
 *   runs the same 100k tasks through its only API (`for(items).process`). `bare limiter (floor)`
 *   is no library but the least code that returns a promise per task (see bareLimiter).
 * - `noop-map`: 100k items through each library's bulk API: `for await (... of pool.map())`,
 *   `limit.map`, `queue.addAll`, `async.mapLimit`, `PromisePool.for().process()`; concurrency 16.
 * - `abort-queued`: 20k tasks, concurrency 8, every other one aborted right after submission while
 *   it waits; total time and the p99 from `abort()` to the caller's rejection. Only poolkit and
 *   p-queue take a signal; for the others the task checks the signal when it is dequeued (the
 *   usual workaround), so their rejection comes only when the queue reaches it.
 */
import { PromisePool } from '@supercharge/promise-pool';
import async from 'async';
import pLimit from 'p-limit';
import PQueue from 'p-queue';
import { createTaskPool } from '../dist/tasks/index.js';
import { defineSuite, quantile } from './harness.js';

const TASKS = 100_000;
const CONCURRENCY = 16;
const ABORT_TASKS = 20_000;
const ABORT_CONCURRENCY = 8;

const noop = async (): Promise<number> => 1;
const noopItem = async (item: number): Promise<number> => item;
const items = Array.from({ length: TASKS }, (_, index) => index);
const noopTasks = Array.from({ length: TASKS }, () => noop);

// ---- noop-run ----

const poolRun = createTaskPool({ concurrency: CONCURRENCY });
const limitRun = pLimit(CONCURRENCY);
const queueRun = new PQueue({ concurrency: CONCURRENCY });
const asyncRun = async.queue<() => Promise<number>, number, Error>((task, callback) => {
  task().then((value) => callback(null, value), callback);
}, CONCURRENCY);

async function runAll(call: (fn: () => Promise<number>) => Promise<unknown>): Promise<number> {
  const promises = new Array<Promise<unknown>>(TASKS);
  for (let index = 0; index < TASKS; index++) promises[index] = call(noop);
  await Promise.all(promises);
  return TASKS;
}

// ---- noop-map ----

const poolMap = createTaskPool({ concurrency: CONCURRENCY });
const limitMap = pLimit(CONCURRENCY);
const queueMap = new PQueue({ concurrency: CONCURRENCY });

// ---- abort-queued ----

interface AbortRun {
  readonly ops: number;
  readonly extra: { readonly p99Ms: number; readonly p50Ms: number };
}

/** Every other task, except the first ones, which start at once (they are never queued). */
const aborts = (index: number): boolean => index % 2 === 1 && index >= 2 * ABORT_CONCURRENCY;

/**
 * Submits ABORT_TASKS tasks through `submit(fn, signal)`, aborts every other one right after
 * they are all submitted, and measures abort-to-rejection latency of the aborted ones.
 */
async function abortRun(
  submit: (fn: (signal: AbortSignal) => Promise<number>, signal: AbortSignal) => Promise<unknown>,
): Promise<AbortRun> {
  const controllers: AbortController[] = [];
  const abortedAt = new Float64Array(ABORT_TASKS);
  const latencies = new Float64Array(ABORT_TASKS);
  const promises: Promise<unknown>[] = [];
  for (let index = 0; index < ABORT_TASKS; index++) {
    const controller = new AbortController();
    const promise = submit(noop, controller.signal);
    if (aborts(index)) {
      const slot = controllers.length;
      controllers.push(controller);
      promises.push(
        promise.then(
          () => {
            throw new Error('an aborted task resolved');
          },
          () => {
            latencies[slot] = performance.now() - (abortedAt[slot] as number);
          },
        ),
      );
    } else promises.push(promise);
  }
  for (let slot = 0; slot < controllers.length; slot++) {
    abortedAt[slot] = performance.now();
    (controllers[slot] as AbortController).abort();
  }
  await Promise.all(promises);
  const list = Array.from(latencies.subarray(0, controllers.length));
  return { ops: ABORT_TASKS, extra: { p99Ms: quantile(list, 0.99), p50Ms: quantile(list, 0.5) } };
}

/** The usual workaround for libraries without a signal: check it when the task is dequeued. */
function checked(fn: (signal: AbortSignal) => Promise<number>, signal: AbortSignal): () => Promise<number> {
  return () => {
    if (signal.aborted) return Promise.reject(signal.reason);
    return fn(signal);
  };
}

/**
 * Not a library: the smallest promise-returning limiter that can pass noop-run (a flat queue,
 * `.then` completion, no stats, deadlines, cancellation or errors of its own). It shows the floor
 * that any per-task promise API pays on this machine, so the other ratios can be read against it.
 */
function bareLimiter(concurrency: number): (fn: () => Promise<number>) => Promise<number> {
  let running = 0;
  let head = 0;
  const queue: unknown[] = [];
  const start = (fn: () => Promise<number>, resolve: (value: number) => void, reject: (error: unknown) => void) => {
    running++;
    fn().then(
      (value) => {
        resolve(value);
        next();
      },
      (error: unknown) => {
        reject(error);
        next();
      },
    );
  };
  const next = () => {
    running--;
    if (head === queue.length) return;
    const fn = queue[head] as () => Promise<number>;
    const resolve = queue[head + 1] as (value: number) => void;
    const reject = queue[head + 2] as (error: unknown) => void;
    queue[head] = queue[head + 1] = queue[head + 2] = undefined;
    head += 3;
    if (head === queue.length) queue.length = head = 0;
    start(fn, resolve, reject);
  };
  return (fn) =>
    new Promise<number>((resolve, reject) => {
      if (running < concurrency) start(fn, resolve, reject);
      else queue.push(fn, resolve, reject);
    });
}
const bareRun = bareLimiter(CONCURRENCY);

const poolAbort = createTaskPool({ concurrency: ABORT_CONCURRENCY });
const limitAbort = pLimit(ABORT_CONCURRENCY);
const queueAbort = new PQueue({ concurrency: ABORT_CONCURRENCY });
const asyncAbort = async.queue<() => Promise<number>, number, Error>((task, callback) => {
  task().then((value) => callback(null, value), callback);
}, ABORT_CONCURRENCY);

export default defineSuite({
  name: 'tasks',
  cases: [
    {
      name: 'noop-run',
      description: `${TASKS / 1000}k no-op async tasks, one call each, concurrency ${CONCURRENCY}`,
      impls: {
        poolkit: { run: () => runAll((fn) => poolRun.run(fn)) },
        'p-limit': { run: () => runAll((fn) => limitRun(fn)) },
        'p-queue': { run: () => runAll((fn) => queueRun.add(fn)) },
        'async.queue': { run: () => runAll((fn) => asyncRun.pushAsync(fn)) },
        'bare limiter (floor)': { run: () => runAll((fn) => bareRun(fn)) },
        // No per-task call in promise-pool: its bulk API, so not a like-for-like figure.
        'promise-pool (bulk)': {
          run: async () => {
            await PromisePool.withConcurrency(CONCURRENCY)
              .for(noopTasks)
              .process((task) => task());
            return TASKS;
          },
        },
      },
    },
    {
      name: 'noop-map',
      description: `${TASKS / 1000}k items through each library's bulk map API, concurrency ${CONCURRENCY}`,
      impls: {
        poolkit: {
          run: async () => {
            let count = 0;
            for await (const _ of poolMap.map(items, noopItem)) count++;
            return count;
          },
        },
        'p-limit': {
          run: async () => (await limitMap.map(items, noopItem)).length,
        },
        'p-queue': {
          run: async () => (await queueMap.addAll(items.map((item) => () => noopItem(item)))).length,
        },
        'async.mapLimit': {
          run: async () => (await async.mapLimit(items, CONCURRENCY, noopItem)).length,
        },
        'promise-pool': {
          run: async () => (await PromisePool.withConcurrency(CONCURRENCY).for(items).process(noopItem)).results.length,
        },
      },
    },
    {
      name: 'abort-queued',
      description: `${ABORT_TASKS / 1000}k tasks, concurrency ${ABORT_CONCURRENCY}, every other one aborted while queued (p99Ms: abort to rejection)`,
      impls: {
        poolkit: { run: () => abortRun((fn, signal) => poolAbort.run(fn, { signal })) },
        'p-queue': { run: () => abortRun((fn, signal) => queueAbort.add(() => fn(signal), { signal })) },
        'p-limit': { run: () => abortRun((fn, signal) => limitAbort(checked(fn, signal))) },
        'async.queue': { run: () => abortRun((fn, signal) => asyncAbort.pushAsync(checked(fn, signal))) },
        'promise-pool': {
          run: async () => {
            // No per-task call: every task is given to one process() run; rejection time is when
            // the pool reaches the aborted item (recorded in the error handler).
            const controllers = Array.from({ length: ABORT_TASKS }, () => new AbortController());
            const abortedAt = new Float64Array(ABORT_TASKS);
            const latencies: number[] = [];
            const running = PromisePool.withConcurrency(ABORT_CONCURRENCY)
              .for(controllers.map((_, index) => index))
              .handleError((_error, index) => {
                latencies.push(performance.now() - (abortedAt[index] as number));
              })
              .process((index) => checked(noop, (controllers[index] as AbortController).signal)());
            for (let index = 0; index < ABORT_TASKS; index++) {
              if (!aborts(index)) continue;
              abortedAt[index] = performance.now();
              (controllers[index] as AbortController).abort();
            }
            await running;
            return { ops: ABORT_TASKS, extra: { p99Ms: quantile(latencies, 0.99), p50Ms: quantile(latencies, 0.5) } };
          },
        },
      },
    },
  ],
});
