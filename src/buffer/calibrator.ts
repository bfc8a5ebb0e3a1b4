/**
 * Calibration as valyala/bytebufferpool does it: count the lengths callers actually use, per
 * size class, and every `calls` observations recompute two sizes: the default size (the class
 * used most) and the largest size worth keeping (the smallest class covering 95% of calls, by
 * frequency). The pool then starts growable buffers at the default size and drops returned
 * buffers above the max size, so a rare huge request does not pin memory.
 *
 * @module
 */
import type { SizeClasses } from './size-classes.js';

/** What calibration has learnt so far. */
export interface CalibrationSnapshot {
  /** Size to start a growable buffer at (the most used class), bytes; 0 before the first run. */
  readonly defaultSize: number;
  /** Largest class kept on release (covers `percentile` of calls), bytes; 0 before the first run. */
  readonly maxSize: number;
  /** Number of calibrations done. */
  readonly runs: number;
}

/** Counts observed lengths per class and calibrates every `threshold` observations. */
export class Calibrator {
  readonly #classes: SizeClasses;
  readonly #threshold: number;
  readonly #percentile: number;
  readonly #calls: number[];
  #observed = 0;
  #defaultSize = 0;
  #maxSize = 0;
  #runs = 0;

  constructor(classes: SizeClasses, threshold: number, percentile: number) {
    this.#classes = classes;
    this.#threshold = threshold;
    this.#percentile = percentile;
    // One counter per class plus one for lengths above the largest class.
    this.#calls = new Array<number>(classes.count + 1).fill(0);
  }

  /** Learnt default size, or 0. */
  get defaultSize(): number {
    return this.#defaultSize;
  }

  /** Learnt max retained size, or 0 (no limit yet). */
  get maxSize(): number {
    return this.#maxSize;
  }

  /** Records one observed length (bytes actually used). */
  observe(length: number): void {
    const classes = this.#classes;
    const index = length > classes.maxSize ? classes.count : classes.indexOf(length);
    this.#calls[index] = (this.#calls[index] as number) + 1;
    if (++this.#observed >= this.#threshold) this.calibrate();
  }

  /** Recomputes the sizes from the counts so far and starts counting afresh. */
  calibrate(): void {
    const calls = this.#calls;
    const order = calls.map((_, index) => index).filter((index) => (calls[index] as number) > 0);
    if (order.length === 0) return;
    order.sort((a, b) => (calls[b] as number) - (calls[a] as number) || a - b);
    const sizeOf = (index: number) => this.#classes.sizes[index] ?? Number.POSITIVE_INFINITY;
    const total = this.#observed;
    const target = total * this.#percentile;
    let covered = 0;
    let maxIndex = 0;
    for (const index of order) {
      covered += calls[index] as number;
      if (index > maxIndex) maxIndex = index;
      if (covered >= target) break;
    }
    this.#defaultSize = sizeOf(order[0] as number);
    this.#maxSize = sizeOf(maxIndex);
    this.#runs++;
    calls.fill(0);
    this.#observed = 0;
  }

  /** A snapshot for stats. */
  snapshot(): CalibrationSnapshot {
    return { defaultSize: this.#defaultSize, maxSize: this.#maxSize, runs: this.#runs };
  }
}
