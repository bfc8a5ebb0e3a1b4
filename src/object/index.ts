/**
 * Object pools: `ObjectPool` (Go's `sync.Pool`, GC-aware through the process-wide GC epoch
 * source) and `FreeList` (the bounded free list of net/rpc and Node's HTTP parser).
 *
 * @module poolkit/object
 */
export { type GcEpochControl, gcEpoch } from '../internal/gc-epoch.js';
export { FreeList, type FreeListOptions } from './free-list.js';
export type { LeakReport } from './leak-tracker.js';
export { ObjectPool } from './object-pool.js';
export {
  OBJECT_DROP_REASONS,
  type ObjectDropReason,
  type ObjectEviction,
  type ObjectPoolDebugOptions,
  type ObjectPoolOptions,
} from './options.js';
export type { ObjectPoolEvents, ObjectPoolStats } from './stats.js';
