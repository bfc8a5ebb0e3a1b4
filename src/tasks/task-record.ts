/**
 * The one object the core allocates per task. It is what the executor sees (as `ExecutorTask`),
 * what sits in the queue, the deadline heap and the running list, and what the caller's promise
 * settles from: no closure is created per task (the promise executor is a shared module
 * function, abort listeners use `handleEvent`, the executor reports through methods).
 *
 * @module
 */
import type { DeadlineEntry } from '../internal/deadline-heap.js';
import type { DequeHandle } from '../internal/deque.js';
import type { ResolverSink } from '../internal/promise-into.js';
import { retainShape } from '../internal/shape.js';
import type { ExecutorTask } from './executor.js';

/** Where a task is; only the core changes it. */
export const TaskState = { Queued: 1, Running: 2, Done: 3 } as const;
/** One of {@link TaskState}'s values. */
export type TaskState = (typeof TaskState)[keyof typeof TaskState];

/** Receives the outcome of a task that has no promise (`submit`, `map`). */
export interface TaskSink {
  /** Called once per task with its outcome, when the caller-facing outcome is decided. */
  settle(task: TaskRecord<unknown, unknown>, ok: boolean, value: unknown): void;
}

/** What a task's owner (the scheduler) does when the executor reports or the signal aborts. */
export interface TaskOwner {
  /** The executor reported the task. */
  report(task: TaskRecord<unknown, unknown>, ok: boolean, value: unknown): void;
  /** The signal handlers see when the task has no controller of its own. */
  readonly sharedSignal: AbortSignal;
}

/** @internal A task inside the core. Fields are public to the core's modules, not to users. */
export class TaskRecord<P, R> implements ExecutorTask<P, R>, ResolverSink<R> {
  readonly id: number;
  readonly payload: P;
  readonly owner: TaskOwner;
  state: TaskState = TaskState.Queued as TaskState;
  /** The caller's promise (or sink) has been settled; the slot may still be busy. */
  callerSettled = false;
  priority = 0;
  key: unknown = undefined;
  timeoutMs: number;
  /** Absolute queue deadline (the `deadline` option), Infinity when none. */
  deadline = Number.POSITIVE_INFINITY;
  /** Relative queue timeout, turned into a deadline when the task is queued. */
  queueTimeoutMs: number;
  enqueuedAt = 0;
  startedAt = 0;
  /** Queue bookkeeping: which container holds the task (a lane or a key's parking deque) and where. */
  container: unknown = undefined;
  handle: DequeHandle = 0;
  deadlineEntry: DeadlineEntry<TaskRecord<unknown, unknown>> | undefined = undefined;
  userSignal: AbortSignal | undefined = undefined;
  /** The signal link (see signal-links.ts) and the task's place in it. */
  signalLink: unknown = undefined;
  signalHandle = 0;
  controller: AbortController | undefined = undefined;
  resolveCaller: ((value: R) => void) | undefined = undefined;
  rejectCaller: ((error: unknown) => void) | undefined = undefined;
  sink: TaskSink | undefined = undefined;
  /** Intrusive doubly linked list of running tasks (for destroy), O(1) in and out. */
  prev: TaskRecord<unknown, unknown> | undefined = undefined;
  next: TaskRecord<unknown, unknown> | undefined = undefined;
  /** Free slot for the owner of a sink (e.g. the index of a `map` item). */
  tag: unknown = undefined;

  constructor(owner: TaskOwner, id: number, payload: P, timeoutMs: number, queueTimeoutMs: number) {
    this.owner = owner;
    this.id = id;
    this.payload = payload;
    this.timeoutMs = timeoutMs;
    this.queueTimeoutMs = queueTimeoutMs;
  }

  get signal(): AbortSignal {
    return this.controller === undefined ? this.owner.sharedSignal : this.controller.signal;
  }

  /** Keeps the resolving functions of the caller's promise (made with `promiseInto(task)`). */
  takeResolvers(resolve: (value: R) => void, reject: (error: unknown) => void): void {
    this.resolveCaller = resolve;
    this.rejectCaller = reject;
  }

  resolve(value: R): void {
    this.owner.report(this as TaskRecord<unknown, unknown>, true, value);
  }

  reject(error: unknown): void {
    this.owner.report(this as TaskRecord<unknown, unknown>, false, error);
  }
}

// See retainShape: keeps TaskRecord's hidden class, hence the optimized scheduling path, across
// major GCs that run while no task exists.
// Its clock fields get fractional values first, so the hidden class is the one with double fields
// that real tasks end up with (a Smi-to-double change would otherwise fork the class every time).
const template = retainShape(
  new TaskRecord<unknown, unknown>(
    { report() {}, sharedSignal: new AbortController().signal },
    0,
    () => undefined,
    Number.POSITIVE_INFINITY,
    Number.POSITIVE_INFINITY,
  ),
);
template.enqueuedAt = 0.5;
template.startedAt = 0.5;
