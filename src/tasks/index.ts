/**
 * Task pools: `TaskPool` runs async functions with bounded concurrency on the current thread (the
 * goroutine pool), on a scheduling core shared with `ThreadPool`.
 *
 * @module poolkit/tasks
 */
export type { TaskFunction } from './async-executor.js';
export { type ConsumeOptions, type ConsumeRunner, Consumer, type ConsumerStats } from './consume.js';
export type { DeadlockMode } from './deadlock.js';
export type { Executor, ExecutorHost, ExecutorTask } from './executor.js';
export { type GroupOptions, TaskGroup } from './group.js';
export type { MapOptions } from './map.js';
export type { RunOptions, SchedulingOptions, TaskErrorInfo } from './options.js';
export type { CloseOptions } from './scheduler.js';
export type { NackOptions, SourcedTask, TaskSource } from './source.js';
export type { HistogramSnapshot, TaskPoolEvents, TaskPoolStats } from './stats.js';
export { createTaskPool, TaskPool, type TaskPoolOptions } from './task-pool.js';
