/**
 * Threads suite: poolkit's thread pool against piscina (defaults, and 16 tasks in flight per
 * worker), tinypool and workerpool, all with exactly 2 threads started before measuring, on the
 * same handlers (`bench/fixtures/threads-handlers.cjs`).
 * - noop: 100k no-op tasks submitted at once (dispatch overhead);
 * - cpu-fib: 2,000 x fib(22), plus a single-threaded loop for the speed-up;
 * - json: 5k tasks each round-tripping a distinct ~20 KiB object (structured clone both ways);
 * - mixed: 4k tasks, 80% tiny and 20% 5 ms of CPU, 8 in flight: `p99Ms` of the tiny ones
 *   (head-of-line blocking behind the long ones);
 * - latency: one task at a time, `p50Ms` and `p99Ms` of the round trip.
 */
import { createRequire } from 'node:module';
import { Piscina } from 'piscina';
import Tinypool from 'tinypool';
import workerpool from 'workerpool';
import { createThreadPool } from '../dist/threads/index.js';
import { defineSuite, type Impl, quantile, type RunResult } from './harness.js';

const THREADS = 2;
const workerModule = new URL('./fixtures/threads-worker.mjs', import.meta.url);
const workerpoolScript = new URL('./fixtures/threads-workerpool.cjs', import.meta.url).pathname;
const handlers = createRequire(import.meta.url)('./fixtures/threads-handlers.cjs') as { fib(n: number): number };

/** What every pool under test can do: run handler `name` with `input`. */
interface Runner {
  run(name: string, input: unknown): Promise<unknown>;
  close(): Promise<unknown>;
}

type RunnerFactory = () => Promise<Runner>;

/** poolkit with its defaults (`queueOrder: 'auto'`). */
async function poolkit(): Promise<Runner> {
  return poolkitWith(undefined);
}

async function poolkitWith(queueOrder: 'fifo' | 'shortest-first' | undefined): Promise<Runner> {
  const pool = createThreadPool({
    module: workerModule,
    minThreads: THREADS,
    maxThreads: THREADS,
    ...(queueOrder === undefined ? {} : { queueOrder }),
  });
  while (pool.stats().threads.idle < THREADS) await new Promise((resolve) => setTimeout(resolve, 5));
  return { run: (name, input) => pool.run(name, input), close: () => pool.close() };
}

function piscina(concurrentTasksPerWorker?: number): RunnerFactory {
  return async () => {
    const pool = new Piscina({
      filename: workerModule.href,
      minThreads: THREADS,
      maxThreads: THREADS,
      ...(concurrentTasksPerWorker !== undefined ? { concurrentTasksPerWorker } : {}),
    });
    return { run: (name, input) => pool.run(input, { name }), close: () => pool.destroy() };
  };
}

async function tinypool(): Promise<Runner> {
  const pool = new Tinypool({ filename: workerModule.href, minThreads: THREADS, maxThreads: THREADS });
  return { run: (name, input) => pool.run(input, { name }), close: () => pool.destroy() };
}

async function workerpoolRunner(): Promise<Runner> {
  const pool = workerpool.pool(workerpoolScript, { minWorkers: THREADS, maxWorkers: THREADS, workerType: 'thread' });
  // workerpool returns its own thenable; awaited like a promise, no native wrapper added.
  return {
    run: (name, input) => pool.exec(name, [input]) as unknown as Promise<unknown>,
    close: () => pool.terminate() as unknown as Promise<unknown>,
  };
}

const PEERS: Readonly<Record<string, RunnerFactory>> = {
  poolkit,
  'piscina-default': piscina(),
  'piscina-16': piscina(16),
  tinypool,
  workerpool: workerpoolRunner,
};

/** Builds one impl per pool around `round`, which does one measured round with a started pool. */
function impls(
  round: (runner: Runner) => Promise<RunResult | number>,
  extra: Readonly<Record<string, RunnerFactory>> = {},
): Record<string, Impl> {
  const result: Record<string, Impl> = {};
  for (const [name, factory] of Object.entries({ ...PEERS, ...extra })) {
    let runner: Runner | undefined;
    result[name] = {
      async setup() {
        runner = await factory();
        await Promise.all(Array.from({ length: 64 }, (_, index) => runner?.run('noop', index)));
      },
      run: () => round(runner as Runner),
      teardown: () => runner?.close(),
    };
  }
  return result;
}

const NOOP_TASKS = 100_000;
const FIB_TASKS = 2_000;
const JSON_TASKS = 5_000;
const MIXED_TASKS = 4_000;
const LATENCY_TASKS = 2_000;

/** ~20 KiB of JSON-like data: 160 records of mixed fields. */
const document = {
  id: 'doc-1',
  items: Array.from({ length: 160 }, (_, index) => ({
    index,
    name: `item number ${index}`,
    tags: ['alpha', 'beta', 'gamma'],
    price: index * 1.25,
    active: index % 2 === 0,
    meta: { created: '2026-11-27T12:00:00Z', owner: `user-${index % 7}` },
  })),
};

/**
 * A distinct deep copy of the document per task. Sending one object many times would flatter
 * batching: a structured clone keeps identity within a message, so a batch would carry it once.
 */
let documents: readonly unknown[] | undefined;
function documentFor(index: number): unknown {
  documents ??= Array.from({ length: JSON_TASKS }, (_, copy) => ({ ...structuredClone(document), id: `doc-${copy}` }));
  return documents[index];
}

async function runAll(runner: Runner, name: string, count: number, input: (index: number) => unknown): Promise<number> {
  const tasks = new Array<Promise<unknown>>(count);
  for (let index = 0; index < count; index++) tasks[index] = runner.run(name, input(index));
  await Promise.all(tasks);
  return count;
}

/** 8 in flight: every 5th task spins 5 ms, the rest are tiny; p99 of the tiny ones. */
async function mixedRound(runner: Runner): Promise<RunResult> {
  const tinyLatencies: number[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < MIXED_TASKS) {
      const index = next++;
      if (index % 5 === 4) await runner.run('spin', 5);
      else {
        const start = performance.now();
        await runner.run('tiny', index);
        tinyLatencies.push(performance.now() - start);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  return {
    ops: MIXED_TASKS,
    extra: { p50Ms: quantile(tinyLatencies, 0.5), p99Ms: quantile(tinyLatencies, 0.99) },
  };
}

async function latencyRound(runner: Runner): Promise<RunResult> {
  const latencies = new Array<number>(LATENCY_TASKS);
  for (let index = 0; index < LATENCY_TASKS; index++) {
    const start = performance.now();
    await runner.run('tiny', index);
    latencies[index] = performance.now() - start;
  }
  return { ops: LATENCY_TASKS, extra: { p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99) } };
}

let sink = 0;

export default defineSuite({
  name: 'threads',
  cases: [
    {
      name: 'noop',
      description: `${NOOP_TASKS.toLocaleString()} no-op tasks submitted at once, ${THREADS} threads; ops = tasks`,
      rounds: 3,
      warmupRounds: 1,
      impls: impls((runner) => runAll(runner, 'noop', NOOP_TASKS, (index) => index)),
    },
    {
      name: 'cpu-fib',
      description: `${FIB_TASKS.toLocaleString()} x fib(22), ${THREADS} threads (and one single-threaded loop); ops = tasks`,
      rounds: 5,
      warmupRounds: 1,
      impls: {
        ...impls((runner) => runAll(runner, 'fib', FIB_TASKS, () => 22)),
        'single-thread': {
          run() {
            for (let index = 0; index < FIB_TASKS; index++) sink += handlers.fib(22);
            return FIB_TASKS;
          },
        },
      },
    },
    {
      name: 'json',
      description: `${JSON_TASKS.toLocaleString()} tasks round-tripping a ${Math.round(JSON.stringify(document).length / 1024)} KiB object; ops = tasks`,
      rounds: 5,
      warmupRounds: 1,
      impls: impls((runner) => runAll(runner, 'echo', JSON_TASKS, documentFor)),
    },
    {
      name: 'mixed',
      description: `${MIXED_TASKS.toLocaleString()} tasks, 80% tiny / 20% 5 ms CPU, 8 in flight; p99Ms = tiny tasks' latency`,
      rounds: 3,
      warmupRounds: 1,
      // poolkit with defaults (`queueOrder: 'auto'`), and with strict FIFO like the peers (reported separately).
      impls: impls(mixedRound, { 'poolkit-fifo': () => poolkitWith('fifo') }),
    },
    {
      name: 'latency',
      description: `${LATENCY_TASKS.toLocaleString()} tiny tasks one at a time; p50Ms/p99Ms = round trip`,
      rounds: 5,
      warmupRounds: 1,
      impls: impls(latencyRound),
    },
  ],
});

export { sink };
