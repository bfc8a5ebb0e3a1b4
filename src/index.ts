/**
 * poolkit: pools for Node.js. The root entry re-exports the dependency-free families; drivers
 * and the test kit live behind their own subpaths (`poolkit/pg`, `poolkit/testing`, ...), so
 * importing `poolkit` never loads them.
 *
 * @module poolkit
 */

export {
  BUFFER_DROP_REASONS,
  type BufferClassStats,
  type BufferDropReason,
  BufferPool,
  type BufferPoolDebugOptions,
  type BufferPoolOptions,
  type BufferPoolStats,
  type BufferZeroing,
  ByteBuffer,
  type CalibrationSnapshot,
  type ClassesPerDoubling,
  MAX_SHARED_SLOTS,
  SharedBufferPool,
  type SharedBufferPoolAttachOptions,
  type SharedBufferPoolHandle,
  type SharedBufferPoolOptions,
} from './buffer/index.js';
export * from './errors.js';
export type { Clock, Timer } from './internal/clock.js';
export { systemClock } from './internal/clock.js';
export type { EventMap, EventSource, Listener } from './internal/events.js';
export {
  FreeList,
  type FreeListOptions,
  type GcEpochControl,
  gcEpoch,
  type LeakReport,
  OBJECT_DROP_REASONS,
  type ObjectDropReason,
  type ObjectEviction,
  ObjectPool,
  type ObjectPoolDebugOptions,
  type ObjectPoolEvents,
  type ObjectPoolOptions,
  type ObjectPoolStats,
} from './object/index.js';
export {
  type AcquireOptions,
  type CreateBackoffOptions,
  createKeyedPool,
  createPool,
  DESTROY_REASONS,
  type DestroyContext,
  type DestroyReason,
  type Factory,
  type FactoryContext,
  type KeyedPool,
  type KeyedPoolEvents,
  type KeyedPoolOptions,
  type KeyedPoolStats,
  type Lease,
  type Pool,
  type PoolEvents,
  type PoolOptions,
  type PoolState,
  type PoolStats,
  type ReleaseOptions,
} from './resource/index.js';
export {
  type CloseOptions,
  createTaskPool,
  type DeadlockMode,
  type Executor,
  type ExecutorHost,
  type ExecutorTask,
  type GroupOptions,
  type HistogramSnapshot,
  type MapOptions,
  type RunOptions,
  type SchedulingOptions,
  type TaskErrorInfo,
  type TaskFunction,
  TaskGroup,
  TaskPool,
  type TaskPoolEvents,
  type TaskPoolOptions,
  type TaskPoolStats,
} from './tasks/index.js';
