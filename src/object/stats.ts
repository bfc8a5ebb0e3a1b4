/**
 * The stats snapshot and event map of an {@link ObjectPool}.
 *
 * @module
 */
import type { LeakReport } from './leak-tracker.js';
import type { ObjectPool } from './object-pool.js';
import type { ObjectDropReason } from './options.js';

/** A snapshot of an {@link ObjectPool}'s counters, from `stats()`. */
export interface ObjectPoolStats {
  /** Objects idle in the pool now. */
  readonly idle: number;
  /** Idle objects that survived the last GC epoch and go at the next one (eviction `'gc'`). */
  readonly victims: number;
  /** Objects lent and not yet released. */
  readonly inUse: number;
  /** Most objects lent at once since the pool was made. */
  readonly inUseHighWater: number;
  /** Acquires served. */
  readonly acquired: number;
  /** Acquires served from idle objects. */
  readonly hits: number;
  /** Acquires that had to call `create`. */
  readonly misses: number;
  /** Objects made by `create` (acquires and `prewarm`). */
  readonly created: number;
  /** Releases accepted. */
  readonly released: number;
  /** Objects dropped, by reason. */
  readonly dropped: Readonly<Record<ObjectDropReason, number>>;
  /** GC epochs this pool has seen. */
  readonly epochs: number;
}

/** Events of an {@link ObjectPool}. */
export type ObjectPoolEvents = {
  /** A sampled object was collected without being released (`debug.leakSampleRate`). */
  readonly leak: LeakReport;
  /** Objects were dropped (emitted only when someone listens). */
  readonly dropped: {
    /** Why they were dropped. */
    readonly reason: ObjectDropReason;
    /** How many objects were dropped at once. */
    readonly count: number;
  };
};
