/**
 * The stats snapshot of a scheduler (`pool.stats()`): gauges, counters that add up, and wait and
 * run time histograms.
 *
 * @module
 */
import type { HistogramSnapshot } from '../internal/histogram.js';

export type { HistogramSnapshot } from '../internal/histogram.js';

/**
 * A plain snapshot of a pool's state. The counters add up at every moment:
 * `submitted = queued + (running - abandoned) + succeeded + failed + cancelled + timedOut + rejected`.
 */
export interface TaskPoolStats {
  /** `open`, `closing` (draining after `close()`) or `closed` (closed or destroyed). */
  readonly state: 'open' | 'closing' | 'closed';
  /** The concurrency limit now in force (tasks). */
  readonly concurrency: number;
  /** Whether `pause()` is in effect. */
  readonly paused: boolean;
  /** Tasks started whose executor has not reported yet (slots in use), abandoned ones included. */
  readonly running: number;
  /** Running tasks whose caller was already answered (run timeout, abort, destroy) but whose handler has not returned. */
  readonly abandoned: number;
  /** Tasks waiting to start (including tasks parked behind their key's limit). */
  readonly queued: number;
  /** Every `run`/`tryRun`/`submit`/`map` task ever offered, refused ones included. */
  readonly submitted: number;
  /** Tasks that fulfilled. */
  readonly succeeded: number;
  /** Tasks that threw or rejected (or whose runner died). */
  readonly failed: number;
  /** Tasks cancelled through their signal, a group's fail-fast, or `destroy()`. */
  readonly cancelled: number;
  /** Tasks past their queue deadline or run timeout. */
  readonly timedOut: number;
  /** Tasks refused at admission: queue full, pool closed, no capacity for `tryRun`, deadlock detected. */
  readonly rejected: number;
  /** Time from submission to start of every started task, in ms. */
  readonly waitTime: HistogramSnapshot;
  /** Time from start to the executor's report of every finished task, in ms. */
  readonly runTime: HistogramSnapshot;
}

/**
 * Events of a task pool, mirrored to `node:diagnostics_channel` as `poolkit:tasks:<event>`
 * (`poolkit:threads:<event>` for `ThreadPool`). Payloads are built only when someone listens.
 */
export type TaskPoolEvents = {
  /** A task started; `waitedMs` is its time in the queue (0 when it started at once). */
  readonly taskStarted: {
    /** Id of the task, unique within its pool (1, 2, ...). */
    readonly taskId: number;
    /** Time from submission to start, in ms. */
    readonly waitedMs: number;
  };
  /** A started task's handler fulfilled; `runMs` from its start. */
  readonly taskSucceeded: {
    /** Id of the task, unique within its pool (1, 2, ...). */
    readonly taskId: number;
    /** Time from start to the executor's report, in ms. */
    readonly runMs: number;
  };
  /** A started task's handler failed (or its runner died); `runMs` from its start. */
  readonly taskFailed: {
    /** Id of the task, unique within its pool (1, 2, ...). */
    readonly taskId: number;
    /** Time from start to the executor's report, in ms. */
    readonly runMs: number;
    /** What the handler threw or rejected with (or the error of its runner's death). */
    readonly error: unknown;
  };
};
