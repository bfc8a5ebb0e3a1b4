/**
 * Options of `createThreadPool`: the task pool's scheduling options plus threads, dispatch,
 * cancellation, failure handling and recycling. Validated once (unknown keys rejected, nothing
 * clamped, result frozen).
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import {
  booleanOption,
  customOption,
  durationOption,
  enumOption,
  integerOption,
  invalidOption,
  numberOption,
  requireRelation,
  resolveOptions,
} from '../internal/options.js';
import { type SchedulingOptions, schedulingOptionSchema } from '../tasks/options.js';

/** Options of {@link createThreadPool}. */
export interface ThreadPoolOptions extends SchedulingOptions {
  /**
   * The worker module: a `URL` (`new URL('./worker.js', import.meta.url)`), a `file:` URL string or
   * an absolute path. Its exported functions are the task handlers (`handler(input, context)`);
   * optional `setup(workerData)` and `teardown()` exports run once per thread. A `.ts` module works
   * on Node 20 when `tsx` is installed (see the docs).
   */
  readonly module: URL | string;
  /**
   * Threads kept alive even when idle (started at construction).
   * @default 1 (threads)
   */
  readonly minThreads?: number;
  /**
   * Most threads at once; more are spawned only while tasks wait.
   * @default os.availableParallelism() (threads)
   */
  readonly maxThreads?: number;
  /**
   * How long a thread above `minThreads` may stay idle before it exits, in milliseconds; at least
   * 100 (a thread takes ~45 ms to start: never reap at 0).
   * @default 10000 (ms)
   */
  readonly idleTimeoutMs?: number;
  /**
   * Tasks each thread holds at once: `'auto'` sizes the window from measured round trip and task
   * time (1 + roundTrip / taskTime, at most 32), a number fixes it.
   * @default 'auto'
   */
  readonly concurrentTasksPerThread?: number | 'auto';
  /**
   * After a running task is cancelled (abort, run timeout, destroy), how long its thread may keep
   * running it before the thread is terminated, in milliseconds. `Infinity` never terminates.
   * @default 1000 (ms)
   */
  readonly abortGraceMs?: number;
  /**
   * How long `close()` waits for each thread's `teardown` hook before terminating it, in milliseconds.
   * @default 5000 (ms)
   */
  readonly teardownTimeoutMs?: number;
  /**
   * Per-thread V8 limits (`maxOldGenerationSizeMb`, `maxYoungGenerationSizeMb`, `codeRangeSizeMb`,
   * `stackSizeMb`), passed to `new Worker()`. A thread over them dies; its tasks reject with
   * `WorkerExitedError`.
   * @default undefined (Node's defaults)
   */
  readonly resourceLimits?: ResourceLimits;
  /**
   * Node flags of each thread (`new Worker()`'s `execArgv`).
   * @default undefined (inherit the process's)
   */
  readonly execArgv?: readonly string[];
  /**
   * A structured-cloneable value passed to the module's `setup` export in each thread.
   * @default undefined
   */
  readonly workerData?: unknown;
  /**
   * A thread is replaced after completing this many tasks (leaky native code, fragmentation).
   * @default Infinity (tasks)
   */
  readonly recycleAfterTasks?: number;
  /**
   * A thread is replaced once its V8 heap in use exceeds this, in MiB (checked as workers report, at
   * most every 50 ms).
   * @default Infinity (MiB)
   */
  readonly recycleAboveHeapMb?: number;
  /**
   * Consecutive start failures (module throws at load, `setup` rejects, thread exits before ready)
   * that open the breaker; while open, tasks reject at once with `WorkerStartError`.
   * @default 3 (failures)
   */
  readonly maxStartFailures?: number;
  /**
   * How long the breaker stays open before one probe thread may start, in milliseconds.
   * @default 5000 (ms)
   */
  readonly breakerCooldownMs?: number;
  /**
   * Default `retries` of every task: times a task is started again when its thread dies under it.
   * Only for idempotent tasks.
   * @default 0 (retries)
   */
  readonly retries?: number;
  /**
   * A task running on this many threads when they died is rejected (`quarantined: true`) and
   * never retried, so one poison task cannot take the pool down in a loop.
   * @default 2 (threads)
   */
  readonly quarantineAfterKills?: number;
  /**
   * Runs handlers on the main thread instead (for unit tests and debugging): same options,
   * scheduling, errors, cloning of inputs and results; no thread is started and a cancelled
   * task cannot be terminated.
   * @default false
   */
  readonly inline?: boolean;
  /**
   * Order of queued tasks of equal `priority`:
   * - `'auto'`: submission order, except that the tasks of a handler whose measured average run
   *   time is under a tenth of the pool's average get priority 1 instead of 0 (unless the call sets
   *   `priority`). Only a mix of very short and long handlers changes the order: tiny tasks stop
   *   waiting behind long ones in the queue (head-of-line blocking), and handlers of similar
   *   length stay in FIFO order.
   * - `'fifo'`: submission order, always (piscina's order).
   * - `'shortest-first'`: like `'auto'` with the threshold at the pool's average instead of a tenth.
   *
   * Aging (`priorityAgingMs`) bounds how long the other tasks wait in either non-FIFO mode.
   * @default 'auto'
   */
  readonly queueOrder?: 'auto' | 'fifo' | 'shortest-first';
  /**
   * Prefix of the thread names (visible in debuggers and heap snapshots).
   * @default 'poolkit'
   */
  readonly name?: string;
}

const isResourceLimits = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  Object.entries(value).every(
    ([key, item]) =>
      ['maxOldGenerationSizeMb', 'maxYoungGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb'].includes(key) &&
      typeof item === 'number' &&
      item > 0,
  );

const isModule = (value: unknown): boolean => value instanceof URL || (typeof value === 'string' && value !== '');

/** The schema; defaults of the scheduling part differ where threads need it (`concurrency`). */
export const threadPoolSchema = {
  ...schedulingOptionSchema,
  concurrency: integerOption({ min: 1, default: Number.POSITIVE_INFINITY, allowInfinity: true }),
  module: customOption<URL | string>('a URL, a file: URL string or an absolute path', isModule),
  minThreads: integerOption({ min: 0, default: 1 }),
  maxThreads: integerOption({ min: 1, default: availableParallelism() }),
  idleTimeoutMs: durationOption({ min: 100, default: 10_000 }),
  concurrentTasksPerThread: customOption<number | 'auto'>(
    "'auto' or an integer between 1 and 1024",
    (value) => value === 'auto' || (Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= 1024),
    { default: 'auto' },
  ),
  abortGraceMs: durationOption({ default: 1000 }),
  teardownTimeoutMs: durationOption({ default: 5000 }),
  resourceLimits: customOption<ResourceLimits | undefined>(
    'an object of positive resource limits (maxOldGenerationSizeMb, maxYoungGenerationSizeMb, codeRangeSizeMb, stackSizeMb)',
    isResourceLimits,
  ),
  execArgv: customOption<readonly string[] | undefined>(
    'an array of strings',
    (value) => Array.isArray(value) && value.every((item) => typeof item === 'string'),
  ),
  workerData: customOption<unknown>('a structured-cloneable value', () => true),
  recycleAfterTasks: integerOption({ min: 1, default: Number.POSITIVE_INFINITY, allowInfinity: true }),
  recycleAboveHeapMb: numberOption({ min: 1, default: Number.POSITIVE_INFINITY, allowInfinity: true }),
  maxStartFailures: integerOption({ min: 1, default: 3 }),
  breakerCooldownMs: durationOption({ default: 5000 }),
  retries: integerOption({ min: 0, default: 0 }),
  quarantineAfterKills: integerOption({ min: 1, default: 2 }),
  inline: booleanOption({ default: false }),
  queueOrder: enumOption(['auto', 'fifo', 'shortest-first'] as const, { default: 'auto' }),
  name: customOption<string>('a string', (value) => typeof value === 'string', { default: 'poolkit' }),
};

/** Validated options. */
export type ResolvedThreadPoolOptions = ReturnType<typeof resolveThreadPoolOptions>;

/** Validates `input` (throws `InvalidOptionError` / `UnknownOptionError`). */
export function resolveThreadPoolOptions(input: ThreadPoolOptions) {
  const resolved = resolveOptions('createThreadPool', input, threadPoolSchema);
  if (resolved.module === undefined)
    invalidOption('module', 'a URL, a file: URL string or an absolute path', undefined);
  requireRelation(
    resolved.minThreads <= resolved.maxThreads,
    'minThreads',
    `an integer <= maxThreads (${resolved.maxThreads})`,
    resolved.minThreads,
  );
  if (input.workerData !== undefined) {
    try {
      structuredClone(input.workerData);
    } catch {
      invalidOption('workerData', 'a structured-cloneable value', input.workerData);
    }
  }
  return resolved;
}

/** The module as a URL string the worker can `import()`. */
export function moduleUrlOf(module: URL | string): string {
  if (module instanceof URL) return module.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) return module; // file:, data:, node:
  if (isAbsolute(module)) return pathToFileURL(module).href;
  return invalidOption(
    'module',
    'a URL, a file: URL string or an absolute path (resolve relative paths with new URL(path, import.meta.url))',
    module,
  );
}
