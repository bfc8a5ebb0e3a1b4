/**
 * `poolkit/threads`: a worker-thread pool on the task pool's scheduling core.
 *
 * @module
 */

export type { GroupOptions } from '../tasks/group.js';
export type { MapOptions } from '../tasks/map.js';
export type { BreakerState } from './breaker.js';
export type { ThreadPoolOptions } from './options.js';
export { ThreadGroup } from './thread-group.js';
export { createThreadPool, ThreadPool } from './thread-pool.js';
export { isTransferred, type TransferItem, type Transferred, transfer } from './transfer.js';
export type {
  AnyWorkerModule,
  HandlerName,
  RunArgs,
  TaskHandler,
  TaskInput,
  TaskResult,
  ThreadExitReason,
  ThreadPoolEvents,
  ThreadPoolStats,
  ThreadRunOptions,
  Unwrap,
  WorkerStats,
} from './types.js';
export type { TaskContext } from './worker/task-context.js';
