/**
 * The stats snapshot of a {@link BufferPool}.
 *
 * @module
 */
import type { CalibrationSnapshot } from './calibrator.js';
import type { BufferDropReason } from './options.js';
import type { ClassState } from './ownership.js';

/** Counters of one size class. */
export interface BufferClassStats {
  /** The class size, bytes. */
  readonly size: number;
  /** Idle buffers of this class. */
  readonly idle: number;
  /** Acquires served from an idle buffer. */
  readonly hits: number;
  /** Acquires that allocated. */
  readonly misses: number;
  /** Buffers of this class not kept, by reason. */
  readonly drops: Readonly<Record<BufferDropReason, number>>;
}

/** A snapshot of a {@link BufferPool}'s counters, from `stats()`. */
export interface BufferPoolStats {
  /** Bytes held idle (never above `maxIdleBytes`). */
  readonly idleBytes: number;
  /** Buffers held idle. */
  readonly idleBuffers: number;
  /** Bytes lent and not yet released (whole class sizes). */
  readonly inUseBytes: number;
  /** Buffers lent and not yet released. */
  readonly inUseBuffers: number;
  /** Most bytes lent at once. */
  readonly inUseBytesHighWater: number;
  /** Most buffers lent at once. */
  readonly inUseBuffersHighWater: number;
  /** Acquires served from idle buffers, all classes. */
  readonly hits: number;
  /** Acquires that allocated a class buffer, all classes. */
  readonly misses: number;
  /** Exact allocations above `maxSize` (never kept). */
  readonly oversizeAllocations: number;
  /**
   * Buffers not kept or releases refused, by reason, all classes plus pool-wide ones
   * (`foreign`, `slab`, `wrong-class`, `double`, and `oversize` for exact allocations).
   */
  readonly drops: Readonly<Record<BufferDropReason, number>>;
  /** GC epochs this pool has seen. */
  readonly epochs: number;
  /** What calibration learnt (only with `calibrate: true`). */
  readonly calibration: CalibrationSnapshot | undefined;
  /** Per size class, ascending. */
  readonly classes: readonly BufferClassStats[];
}

/** Inputs to {@link statsOf}. */
export interface StatsSource {
  readonly states: readonly ClassState[];
  readonly idleBytes: number;
  readonly lentBytes: number;
  readonly lentCount: number;
  readonly lentBytesHighWater: number;
  readonly lentCountHighWater: number;
  readonly oversizeAllocations: number;
  readonly rejected: Readonly<Record<BufferDropReason, number>>;
  readonly epochs: number;
  readonly calibration: CalibrationSnapshot | undefined;
}

/** Builds the snapshot. */
export function statsOf(source: StatsSource): BufferPoolStats {
  const drops = { ...source.rejected };
  let idleBuffers = 0;
  let hits = 0;
  let misses = 0;
  const classes = source.states.map((cls) => {
    idleBuffers += cls.count;
    hits += cls.hits;
    misses += cls.misses;
    for (const reason of Object.keys(cls.drops) as BufferDropReason[]) drops[reason] += cls.drops[reason];
    return { size: cls.size, idle: cls.count, hits: cls.hits, misses: cls.misses, drops: { ...cls.drops } };
  });
  return {
    idleBytes: source.idleBytes,
    idleBuffers,
    inUseBytes: source.lentBytes,
    inUseBuffers: source.lentCount,
    inUseBytesHighWater: source.lentBytesHighWater,
    inUseBuffersHighWater: source.lentCountHighWater,
    hits,
    misses,
    oversizeAllocations: source.oversizeAllocations,
    drops,
    epochs: source.epochs,
    calibration: source.calibration,
    classes,
  };
}
