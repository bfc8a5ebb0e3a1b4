/**
 * A small log-linear histogram of durations (HdrHistogram's bucket layout, much reduced): values
 * are kept in microseconds, exact below 16 us, then 16 sub-buckets per power of two, so any
 * percentile is within ~6% of the true value. Recording is a few integer operations and one
 * array increment, cheap enough for every task of a pool. Memory is fixed (~4 KiB).
 *
 * @module
 */

const SUB_BITS = 4;
const SUB_COUNT = 1 << SUB_BITS; // 16 sub-buckets per power of two
const MAX_EXPONENT = 41; // 2^41 us ~ 25 days: anything longer lands in the last bucket
const BUCKET_COUNT = SUB_COUNT + (MAX_EXPONENT - SUB_BITS + 1) * SUB_COUNT;

/** A percentile summary of a duration histogram, in milliseconds. */
export interface HistogramSnapshot {
  /** Values recorded. */
  readonly count: number;
  /** Smallest value recorded (0 when empty), in ms. */
  readonly minMs: number;
  /** Largest value recorded (0 when empty), in ms. */
  readonly maxMs: number;
  /** Arithmetic mean (0 when empty), in ms. */
  readonly meanMs: number;
  /** Median, in ms. */
  readonly p50Ms: number;
  /** 90th percentile, in ms. */
  readonly p90Ms: number;
  /** 99th percentile, in ms. */
  readonly p99Ms: number;
  /** 99.9th percentile, in ms. */
  readonly p999Ms: number;
}

function bucketOf(micros: number): number {
  if (micros < SUB_COUNT) return micros;
  if (micros < 0x80000000) {
    // Integer-only path (every duration under 35 minutes): the 4 bits after the leading one pick
    // the sub-bucket. A division by a power of two here cost a tenth of a no-op task's CPU.
    const exponent = 31 - Math.clz32(micros);
    return ((exponent - SUB_BITS + 1) << SUB_BITS) + ((micros >>> (exponent - SUB_BITS)) & (SUB_COUNT - 1));
  }
  const exponent = Math.floor(Math.log2(micros));
  if (exponent > MAX_EXPONENT) return BUCKET_COUNT - 1;
  const sub = Math.floor(micros / 2 ** (exponent - SUB_BITS)) - SUB_COUNT;
  return SUB_COUNT + (exponent - SUB_BITS) * SUB_COUNT + sub;
}

/** The upper bound (in us) of bucket `index`: percentiles report it, so they never understate. */
function upperBoundOf(index: number): number {
  if (index < SUB_COUNT) return index;
  const exponent = SUB_BITS + Math.floor((index - SUB_COUNT) / SUB_COUNT);
  const sub = (index - SUB_COUNT) % SUB_COUNT;
  return (SUB_COUNT + sub + 1) * 2 ** (exponent - SUB_BITS) - 1;
}

/** A histogram of durations in milliseconds. */
export class Histogram {
  readonly #counts = new Float64Array(BUCKET_COUNT);
  #count = 0;
  #sumMs = 0;
  #minMs = Number.POSITIVE_INFINITY;
  #maxMs = 0;

  /** Values recorded so far. */
  get count(): number {
    return this.#count;
  }

  /** Records one duration in milliseconds (negative values count as 0). */
  record(valueMs: number): void {
    const value = Math.max(valueMs, 0);
    const index = bucketOf(Math.round(value * 1000));
    this.#counts[index] = (this.#counts[index] as number) + 1;
    this.#count++;
    this.#sumMs += value;
    if (value < this.#minMs) this.#minMs = value;
    if (value > this.#maxMs) this.#maxMs = value;
  }

  /** The `q` quantile (0..1) in milliseconds, within ~6% (never below the true value); 0 when empty. */
  quantile(q: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    const counts = this.#counts;
    let seen = 0;
    for (let index = 0; index < BUCKET_COUNT; index++) {
      seen += counts[index] as number;
      if (seen >= rank) return Math.min(upperBoundOf(index) / 1000, this.#maxMs);
    }
    return this.#maxMs;
  }

  /** Forgets every value. */
  reset(): void {
    this.#counts.fill(0);
    this.#count = 0;
    this.#sumMs = 0;
    this.#minMs = Number.POSITIVE_INFINITY;
    this.#maxMs = 0;
  }

  /** A plain summary object. */
  snapshot(): HistogramSnapshot {
    const count = this.#count;
    return {
      count,
      minMs: count === 0 ? 0 : this.#minMs,
      maxMs: this.#maxMs,
      meanMs: count === 0 ? 0 : this.#sumMs / count,
      p50Ms: this.quantile(0.5),
      p90Ms: this.quantile(0.9),
      p99Ms: this.quantile(0.99),
      p999Ms: this.quantile(0.999),
    };
  }
}
