/**
 * Buffer pools: `BufferPool` (size classes, budget, calibration, branded ownership, GC-epoch
 * eviction) and `ByteBuffer` (a growable byte buffer backed by a pool).
 *
 * @module poolkit/buffer
 */
export { type GcEpochControl, gcEpoch } from '../internal/gc-epoch.js';
export { BufferPool } from './buffer-pool.js';
export { ByteBuffer } from './byte-buffer.js';
export type { CalibrationSnapshot } from './calibrator.js';
export {
  BUFFER_DROP_REASONS,
  type BufferDropReason,
  type BufferPoolDebugOptions,
  type BufferPoolOptions,
  type BufferZeroing,
} from './options.js';
export {
  MAX_SHARED_SLOTS,
  SharedBufferPool,
  type SharedBufferPoolAttachOptions,
  type SharedBufferPoolHandle,
  type SharedBufferPoolOptions,
} from './shared-buffer-pool.js';
export type { ClassesPerDoubling } from './size-classes.js';
export type { BufferClassStats, BufferPoolStats } from './stats.js';
