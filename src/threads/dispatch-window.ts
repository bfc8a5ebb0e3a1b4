/**
 * How many tasks each worker gets at once. A worker with one task at a time idles for a whole
 * round trip (~30 us) between tasks; with `1 + roundTrip / taskTime` in flight it never waits,
 * and no more are needed. Larger windows only make a long task hold back the short ones queued
 * behind it in the same worker, so when task lengths vary widely and the round trip is under a
 * tenth of the task time, the window stays at 1 (the saving would be under 10%). So the window is auto-sized from two moving averages: the run
 * time workers report for each task, and the transport time measured on tasks posted to an idle
 * worker (round trip minus run time). A fixed size can be configured instead (piscina's
 * `concurrentTasksPerWorker`, always fixed there).
 *
 * @module
 */

/** Upper bound of an auto-sized window (and the default slot count is twice it). */
export const MAX_AUTO_WINDOW = 32;

const INITIAL_TRANSPORT_MS = 0.05;
const INITIAL_RUN_MS = 1;
const ALPHA = 0.1;
/** Pipeline (window > 1) only while a round trip costs more than a tenth of a task. */
const PIPELINE_WORTH = 10;
/** Work per window worth amortizing a message's fixed costs over, in ms (see #compute). */
const AMORTIZE_MS = 0.4;
/** Most tasks a window holds for amortizing alone. */
const AMORTIZE_MAX = 4;
/** A measured transport above this is scheduling noise, not the cost of a round trip. */
const MAX_TRANSPORT_MS = 0.5;
/**
 * Serializing a task costing more than this (ms) marks the payloads as heavy: they are then posted
 * one message per task instead of batched per tick (see WorkerHandle.post). A batch of large
 * payloads is one long clone on each side, so the thread waits for the whole batch before its
 * first task and the main thread for the whole result batch; one task per message lets both sides
 * overlap (json case: 0.84-0.94x piscina-16 batched, 1.02-1.08x unbatched).
 */
const HEAVY_CLONE_MS = 0.02;
/**
 * Batches in a row over HEAVY_CLONE_MS before payloads count as heavy: one slow clone (the first
 * of a cold process, a GC pause) must not switch a pool of small payloads to one message per task.
 */
const HEAVY_STREAK = 3;

/** The per-worker in-flight limit, fixed or auto-sized. */
export class DispatchWindow {
  readonly #fixed: number | undefined;
  #transportMs = INITIAL_TRANSPORT_MS;
  #runMs = INITIAL_RUN_MS;
  #deviationMs = 0;
  #cloneMs = 0;
  /** Consecutive batches whose clone cost per task was over HEAVY_CLONE_MS. */
  #heavyStreak = 0;
  #size: number;

  /** @param fixed - a fixed size, or `undefined` for auto. */
  constructor(fixed: number | undefined) {
    this.#fixed = fixed;
    this.#size = fixed ?? this.#compute();
  }

  /** Tasks per worker now. */
  get size(): number {
    return this.#size;
  }

  /** Moving average of task run time, in ms. */
  get runMs(): number {
    return this.#runMs;
  }

  /** Moving average of transport time per round trip, in ms. */
  get transportMs(): number {
    return this.#transportMs;
  }

  /** Payloads cost more than {@link HEAVY_CLONE_MS} each to serialize (moving average). */
  get heavy(): boolean {
    return this.#cloneMs > HEAVY_CLONE_MS && this.#heavyStreak >= HEAVY_STREAK;
  }

  /** Records the main thread's time to serialize a batch, per task (ms). */
  observeClone(msPerTask: number): void {
    this.#cloneMs += (msPerTask - this.#cloneMs) * ALPHA;
    this.#heavyStreak = msPerTask > HEAVY_CLONE_MS ? this.#heavyStreak + 1 : 0;
  }

  /**
   * Records one finished task. Returns true when the size changed.
   * @param runMs - run time reported by the worker.
   * @param roundTripMs - post to result, or a negative number when not measured.
   */
  observe(runMs: number, roundTripMs: number): boolean {
    this.#deviationMs += (Math.abs(runMs - this.#runMs) - this.#deviationMs) * ALPHA;
    this.#runMs += (runMs - this.#runMs) * ALPHA;
    if (roundTripMs >= 0) {
      // The true transport cost is the floor of the samples; anything above it is the OS or the
      // event loop being busy. So the estimate falls fast and rises slowly, and is capped.
      const transport = Math.min(MAX_TRANSPORT_MS, Math.max(0.005, roundTripMs - runMs));
      this.#transportMs += (transport - this.#transportMs) * (transport < this.#transportMs ? 0.5 : 0.02);
    }
    if (this.#fixed !== undefined) return false;
    const size = this.#compute();
    if (size === this.#size) return false;
    this.#size = size;
    return true;
  }

  #compute(): number {
    const runMs = Math.max(this.#runMs, 0.0005);
    // Pipelining saves one round trip per task. When task lengths vary widely (mean deviation
    // above the mean: a few long tasks among short ones) a short task queued behind a long one in
    // the same thread waits the whole long task; unless the round trip is a large share of the
    // task time (over a tenth), that costs more than it saves: keep one task per thread.
    if (this.#deviationMs > runMs && this.#transportMs * PIPELINE_WORTH < runMs) return 1;
    const hideLatency = 1 + Math.ceil(this.#transportMs / runMs);
    // Each message also has fixed costs on both sides (a postMessage, a wake-up, a result batch),
    // which a window amortizes when tasks are short but not tiny: about AMORTIZE_MS of work per
    // window, at most AMORTIZE_MAX tasks (cpu-fib, 0.1 ms tasks: 1.70x one thread with a window
    // of 2, 1.88x with 4).
    const amortize = Math.min(AMORTIZE_MAX, Math.ceil(AMORTIZE_MS / runMs));
    return Math.min(MAX_AUTO_WINDOW, Math.max(1, hideLatency, amortize));
  }
}
