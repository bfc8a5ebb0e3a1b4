/**
 * The options every scheduler takes (shared by `TaskPool` and `ThreadPool`), the per-call run
 * options, and their validation. Per-call validation is hand-written and allocation-free: it runs
 * once per task, so it must cost next to nothing (and nothing at all when no options are given).
 *
 * @module
 */
import { type Clock, isClock, systemClock } from '../internal/clock.js';
import { UnknownOptionError } from '../internal/errors.js';
import {
  customOption,
  durationOption,
  functionOption,
  integerOption,
  invalidOption,
  type OptionSpec,
} from '../internal/options.js';

/** Details passed to `onError` with the error of a task started by `submit()`. */
export interface TaskErrorInfo {
  /** The id of the failed task (ids increase per pool). */
  readonly taskId: number;
}

/** Scheduling options shared by `TaskPool` and `ThreadPool`. */
export interface SchedulingOptions {
  /**
   * Most tasks running at once (an integer >= 1, or `Infinity`). `resize()` changes it later.
   * @default 10 (tasks)
   */
  readonly concurrency?: number;
  /**
   * Most tasks waiting in the queue; past it `run()` rejects with `QueueFullError` (`POOLKIT_QUEUE_FULL`).
   * @default Infinity (tasks)
   */
  readonly maxQueued?: number;
  /**
   * Default run timeout of every task, in milliseconds, counted from the moment it starts. When it
   * runs out the task's signal aborts and its promise rejects with `TaskTimeoutError` (`phase: 'run'`).
   * @default Infinity (no timeout)
   */
  readonly timeoutMs?: number;
  /**
   * Default time a task may wait in the queue, in milliseconds; past it the task is dropped and
   * rejects with `QueueTimeoutError` (`phase: 'queue'`).
   * @default Infinity (wait forever)
   */
  readonly queueTimeoutMs?: number;
  /**
   * Aging: a queued task's effective priority rises by 1 for every `priorityAgingMs` milliseconds
   * it has waited, so low priorities are never starved. `Infinity` turns aging off (strict priorities).
   * @default 1000 (ms)
   */
  readonly priorityAgingMs?: number;
  /**
   * Most tasks running at once per `key` (the `key` run option); tasks without a key are not limited.
   * @default Infinity (tasks)
   */
  readonly keyConcurrency?: number;
  /**
   * Receives the errors of tasks started by `submit()` (they have no promise). Without it such an
   * error is rethrown asynchronously, as an unhandled rejection would be: it is never swallowed.
   * @default undefined (rethrow asynchronously)
   */
  readonly onError?: (error: unknown, info: TaskErrorInfo) => void;
  /**
   * Source of time and timers for both clocks (queue deadline, run timeout) and the histograms.
   * Pass a `FakeClock` from `poolkit/testing` to test in simulated time.
   * @default systemClock
   */
  readonly clock?: Clock;
}

/** The schema of {@link SchedulingOptions}; pools spread it into their own schema. */
export const schedulingOptionSchema = {
  concurrency: integerOption({ min: 1, default: 10, allowInfinity: true }),
  maxQueued: integerOption({ min: 0, default: Number.POSITIVE_INFINITY, allowInfinity: true }),
  timeoutMs: durationOption({ default: Number.POSITIVE_INFINITY }),
  queueTimeoutMs: durationOption({ default: Number.POSITIVE_INFINITY }),
  priorityAgingMs: durationOption({ min: 1, default: 1000 }),
  keyConcurrency: integerOption({ min: 1, default: Number.POSITIVE_INFINITY, allowInfinity: true }),
  onError: functionOption<(error: unknown, info: TaskErrorInfo) => void>(),
  clock: customOption<Clock>('a Clock (an object with now() and setTimer())', isClock, { default: systemClock }),
} satisfies Record<keyof SchedulingOptions, OptionSpec<unknown>>;

/** Resolved scheduling options, as the core consumes them. */
export interface ResolvedSchedulingOptions {
  readonly concurrency: number;
  readonly maxQueued: number;
  readonly timeoutMs: number;
  readonly queueTimeoutMs: number;
  readonly priorityAgingMs: number;
  readonly keyConcurrency: number;
  readonly onError: ((error: unknown, info: TaskErrorInfo) => void) | undefined;
  readonly clock: Clock;
}

/** Per-call options of `run()`, `tryRun()` and `submit()`. */
export interface RunOptions {
  /** Cancels the task: a queued task leaves the queue at once, a running one sees its signal abort. The promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
  /**
   * Run timeout of this task in milliseconds, counted from its start.
   * @default the pool's `timeoutMs`
   */
  readonly timeoutMs?: number;
  /**
   * Time this task may wait in the queue, in milliseconds.
   * @default the pool's `queueTimeoutMs`
   */
  readonly queueTimeoutMs?: number;
  /**
   * Absolute queue deadline on the pool's clock (`performance.now()` scale for the system clock):
   * the task must start before it. Absolute, so passing it down through retries never restarts it.
   * Combined with `queueTimeoutMs`, the earlier wins.
   * @default Infinity
   */
  readonly deadline?: number;
  /**
   * Higher runs first; equal priorities run in submission order (FIFO). Any finite number.
   * @default 0
   */
  readonly priority?: number;
  /**
   * Groups tasks for the pool's `keyConcurrency` limit (e.g. a host name). Compared with `Map` semantics.
   * @default undefined (not limited)
   */
  readonly key?: unknown;
}

const RUN_OPTION_NAMES = 'signal, timeoutMs, queueTimeoutMs, deadline, priority, key';

function isDuration(value: unknown): boolean {
  return typeof value === 'number' && value >= 0 && !Number.isNaN(value);
}

/** Validates per-call options (the caller skips this when `options` is undefined). */
export function checkRunOptions(options: RunOptions): void {
  if (typeof options !== 'object' || options === null) invalidOption('options', 'an object', options);
  for (const name in options) {
    const value = (options as Record<string, unknown>)[name];
    switch (name) {
      case 'signal':
        if (value !== undefined && !(value instanceof AbortSignal)) invalidOption(name, 'an AbortSignal', value);
        break;
      case 'timeoutMs':
      case 'queueTimeoutMs':
        if (value !== undefined && !isDuration(value)) invalidOption(name, 'a number >= 0 or Infinity', value);
        break;
      case 'deadline':
        if (value !== undefined && (typeof value !== 'number' || Number.isNaN(value)))
          invalidOption(name, 'a number (ms on the pool clock) or Infinity', value);
        break;
      case 'priority':
        if (value !== undefined && !Number.isFinite(value)) invalidOption(name, 'a finite number', value);
        break;
      case 'key':
        break;
      default:
        throw new UnknownOptionError(`Unknown option \`${name}\` for run(); known options: ${RUN_OPTION_NAMES}`, {
          option: name,
        });
    }
  }
}
