/**
 * The scheduling core shared by `TaskPool` and `ThreadPool`. It owns admission (`run`, `tryRun`,
 * `submit`, `enqueue`), the queue (priority lanes with aging, per-key limits), cancellation
 * (signals, O(1) removal), both clocks (queue deadline and run timeout, on one deadline heap, so
 * one timer per pool), metrics, and shutdown. The {@link Executor} only starts tasks, delivers
 * aborts and reports outcomes (see `executor.ts` for the contract).
 *
 * To build a pool on it: validate options with {@link schedulingOptionSchema} (spread into your
 * own schema), construct `new Scheduler(executor, resolved, 'MyPool')`, and wrap it in a public
 * class that forwards `run`, `tryRun`, `submit`, `pause`, `resume`, `resize`, `onIdle`,
 * `onEmpty`, `onSizeLessThan`, `waitForRoom`, `close`, `destroy` and `stats`.
 *
 * Promise settlement rules (each is tested): every admitted task settles its caller exactly
 * once; a queued task that is aborted, times out or is destroyed settles at once and never
 * starts; a running task that is aborted, times out or is destroyed settles at once (its signal
 * aborts) but keeps its slot until the executor reports it.
 *
 * @module
 */
import { DeadlineHeap } from '../internal/deadline-heap.js';
import { Deque, type DequeHandle } from '../internal/deque.js';
import {
  abortReason,
  ClosedError,
  InvalidOptionError,
  PoolExhaustedError,
  QueueFullError,
  QueueTimeoutError,
  TaskTimeoutError,
} from '../internal/errors.js';
import { Emitter } from '../internal/events.js';
import { Histogram } from '../internal/histogram.js';
import { promiseInto, type ResolverSink } from '../internal/promise-into.js';
import { reportAsync } from '../internal/report.js';
import type { Executor, ExecutorHost } from './executor.js';
import { KeyLimits } from './key-limits.js';
import { checkRunOptions, type ResolvedSchedulingOptions, type RunOptions } from './options.js';
import { SignalLinks } from './signal-links.js';
import type { TaskPoolEvents, TaskPoolStats } from './stats.js';
import { TaskQueue } from './task-queue.js';
import { type TaskOwner, TaskRecord, type TaskSink, TaskState } from './task-record.js';
import { Waiters } from './waiters.js';

type AnyTask = TaskRecord<unknown, unknown>;

const OPEN = 0;
const CLOSING = 1;
const CLOSED = 2;

/** How `#admit` treats a task that cannot start at once. */
const MAY_QUEUE = true;
const NEVER_QUEUE = false;

/** Options of `close()`. */
export interface CloseOptions {
  /**
   * How long to wait for the queue to drain and running tasks to finish before calling
   * `destroy()`, in milliseconds.
   * @default Infinity
   */
  readonly timeoutMs?: number;
}

/**
 * The owner of direct tasks (see {@link Scheduler.claimDirect}): `destroy()` tells it to abandon
 * them (abort their signal, stop, and call `abandonDirect()` for each one still running).
 */
export interface DirectOwner {
  /** The pool was destroyed with `error`. */
  destroyed(error: unknown): void;
  /** Its place in the scheduler's list of registered owners (written by the scheduler). */
  directHandle: DequeHandle;
}

/** The scheduling core. `P` is the executor's payload type, `R` the result type. */
export class Scheduler<P, R> implements ExecutorHost, TaskOwner, ResolverSink<R> {
  readonly #executor: Executor<P, R>;
  readonly #options: ResolvedSchedulingOptions;
  readonly #name: string;
  readonly #clock: ResolvedSchedulingOptions['clock'];
  readonly #queue: TaskQueue;
  readonly #keys: KeyLimits | undefined;
  readonly #heap: DeadlineHeap<AnyTask>;
  readonly #shared = new AbortController();
  /** `#shared.signal`, read once: Node's getter checks its receiver on every call. */
  readonly #sharedSignal = this.#shared.signal;
  readonly #waiters = new Waiters();
  readonly #links = new SignalLinks((task) => this.#abortFromSignal(task));
  readonly #waitTime = new Histogram();
  readonly #runTime = new Histogram();
  readonly #submitSink: TaskSink;
  /** Typed events and diagnostics channels (`poolkit:<family>:taskStarted`, ...). */
  readonly events: Emitter<TaskPoolEvents>;
  readonly #fastLane: boolean;
  /** The payload of the fast-lane task `run()` is making, for `takeResolvers`. */
  #fastPayload: unknown;
  #concurrency: number;
  #capacity: number;
  #limit: number;
  #paused = false;
  #state = OPEN;
  #dispatching = false;
  #nextId = 0;
  #running = 0;
  #abandoned = 0;
  #head: AnyTask | undefined; // running list
  #tail: AnyTask | undefined;
  #submitted = 0;
  #succeeded = 0;
  #failed = 0;
  #cancelled = 0;
  #timedOut = 0;
  #rejected = 0;
  /** True when a task event has a listener or subscriber (direct tasks emit none). */
  readonly #taskEventsWanted: () => boolean;
  /** The same test per event, with the channels looked up once (two checks per task otherwise). */
  readonly #startedWanted: () => boolean;
  readonly #succeededWanted: () => boolean;
  readonly #failedWanted: () => boolean;
  /** Owners with direct tasks running (see claimDirect), O(1) in and out by handle. */
  readonly #directOwners = new Deque<DirectOwner>(4);
  #closePromise: Promise<void> | undefined;
  #closeResolve: (() => void) | undefined;
  #destroyPromise: Promise<void> | undefined;

  /**
   * @param executor - runs the tasks; `attach(this)` is called here.
   * @param options - resolved scheduling options (see `schedulingOptionSchema`).
   * @param name - the public class name used in error messages, e.g. `TaskPool`.
   * @param family - the diagnostics channel family, e.g. `tasks` or `threads`.
   */
  constructor(executor: Executor<P, R>, options: ResolvedSchedulingOptions, name: string, family = 'tasks') {
    this.events = new Emitter<TaskPoolEvents>(family);
    this.#taskEventsWanted = this.events.wantsAny('taskStarted', 'taskSucceeded', 'taskFailed');
    this.#startedWanted = this.events.wantsAny('taskStarted');
    this.#succeededWanted = this.events.wantsAny('taskSucceeded');
    this.#failedWanted = this.events.wantsAny('taskFailed');
    this.#executor = executor;
    this.#options = options;
    this.#name = name;
    this.#clock = options.clock;
    this.#queue = new TaskQueue(options.priorityAgingMs, (payload, resolve, reject, enqueuedAt) => {
      const task = new TaskRecord<unknown, unknown>(this, ++this.#nextId, payload, options.timeoutMs, Infinity);
      task.resolveCaller = resolve;
      task.rejectCaller = reject;
      task.enqueuedAt = enqueuedAt;
      return task;
    });
    this.#fastLane = options.queueTimeoutMs === Number.POSITIVE_INFINITY;
    this.#keys = options.keyConcurrency < Number.POSITIVE_INFINITY ? new KeyLimits(options.keyConcurrency) : undefined;
    this.#heap = new DeadlineHeap<AnyTask>(options.clock, (task) => this.#expire(task));
    this.#concurrency = options.concurrency;
    const onError = options.onError;
    this.#submitSink = {
      settle(task, ok, value) {
        if (ok || (task.userSignal?.aborted && value === task.userSignal.reason)) return;
        if (onError === undefined) reportAsync(value);
        else {
          try {
            onError(value, { taskId: task.id });
          } catch (error) {
            reportAsync(error);
          }
        }
      },
    };
    executor.attach(this);
    this.#capacity = executor.capacity();
    this.#limit = Math.min(this.#concurrency, this.#capacity);
  }

  // ---- ExecutorHost / TaskOwner ----

  /** Tasks waiting (parked ones included). */
  get queued(): number {
    return this.#keys === undefined ? this.#queue.length : this.#queue.length + this.#keys.parked;
  }

  /** Tasks started and not yet reported. */
  get running(): number {
    return this.#running;
  }

  /** The signal of tasks without a controller of their own; aborts on destroy. */
  get sharedSignal(): AbortSignal {
    return this.#sharedSignal;
  }

  capacityChanged(): void {
    this.#capacity = this.#executor.capacity();
    this.#limit = Math.min(this.#concurrency, this.#capacity);
    this.#dispatch();
    this.#changed();
  }

  // ---- admission ----

  /** @internal Queues the fast-lane task being made by `run()` with its caller's resolvers. */
  takeResolvers(resolve: (value: R) => void, reject: (error: unknown) => void): void {
    this.#queue.pushFast(this.#fastPayload, resolve as (value: unknown) => void, reject, this.#clock.now());
  }

  /** Creates a task (validating `options`) without admitting it. */
  create(payload: P, options: RunOptions | undefined): TaskRecord<P, R> {
    const opts = this.#options;
    const task = new TaskRecord<P, R>(this, ++this.#nextId, payload, opts.timeoutMs, opts.queueTimeoutMs);
    if (options !== undefined) {
      checkRunOptions(options);
      if (options.signal !== undefined) task.userSignal = options.signal;
      if (options.timeoutMs !== undefined) task.timeoutMs = options.timeoutMs;
      if (options.queueTimeoutMs !== undefined) task.queueTimeoutMs = options.queueTimeoutMs;
      if (options.deadline !== undefined) task.deadline = options.deadline;
      if (options.priority !== undefined) task.priority = options.priority;
      task.key = options.key;
    }
    return task;
  }

  /** Runs `payload` now or when a slot frees; the promise settles with the executor's outcome. */
  run(payload: P, options?: RunOptions): Promise<R> {
    if (
      options === undefined &&
      this.#fastLane &&
      this.#state === OPEN &&
      (this.#paused || this.#running >= this.#limit || this.#queue.length !== 0) &&
      this.queued < this.#options.maxQueued
    ) {
      // Fast lane (see task-queue.ts): no task object until the task starts.
      this.#submitted++;
      this.#fastPayload = payload;
      const promise = promiseInto<R>(this);
      this.#fastPayload = undefined;
      if (this.#capacity < this.#concurrency && this.#executor.demand !== undefined) this.#executor.demand(this.queued);
      return promise;
    }
    const task = this.create(payload, options);
    const promise = promiseInto(task);
    this.#admit(task as AnyTask, MAY_QUEUE);
    return promise;
  }

  /** Runs `payload` only if a slot is free now; otherwise rejects with `PoolExhaustedError`. */
  tryRun(payload: P, options?: RunOptions): Promise<R> {
    const task = this.create(payload, options);
    const promise = promiseInto(task);
    this.#admit(task as AnyTask, NEVER_QUEUE);
    return promise;
  }

  /**
   * Fire and forget: task errors go to `onError` (a cancellation through the task's own signal is
   * not an error). Throws synchronously when refused at admission (closed, queue full), since
   * there is no promise to carry that.
   */
  submit(payload: P, options?: RunOptions): void {
    const task = this.create(payload, options);
    task.sink = this.#submitSink;
    this.#admit(task as AnyTask, MAY_QUEUE);
  }

  /** Admits a task created by `create()` whose outcome goes to `sink` (used by `map`, groups). */
  enqueue(task: TaskRecord<P, R>, sink: TaskSink, mayQueue = true): void {
    task.sink = sink;
    this.#admit(task as AnyTask, mayQueue);
  }

  /** Counts a task as submitted and refuses it with `error` (e.g. a detected deadlock). */
  refuse(payload: P, options: RunOptions | undefined, error: unknown): Promise<R> {
    const task = this.create(payload, options);
    const promise = promiseInto(task);
    this.#submitted++;
    this.#refuse(task as AnyTask, error);
    return promise;
  }

  /**
   * Cancels a task admitted by this scheduler: a queued one leaves the queue, a running one is
   * abandoned (its signal aborts, its caller or sink gets `reason`). Counted as cancelled. No-op
   * when the task's outcome was already delivered.
   */
  cancel(task: TaskRecord<P, R>, reason: unknown): void {
    const record = task as AnyTask;
    if (record.callerSettled) return;
    this.#cancelled++;
    if (record.state === TaskState.Queued) this.#dropQueued(record, reason);
    else if (record.state === TaskState.Running) this.#abandon(record, reason);
  }

  // ---- direct tasks ----

  /**
   * Claims a slot for a task that its owner runs itself, without a task record (`TaskPool.map`'s
   * fast path). Only granted when the task would start at once anyway (open, not paused, a free
   * slot, nothing queued) and needs nothing per task from the core (no pool-wide run timeout, no
   * task event listener). The task counts as submitted and running, with zero wait. Returns its
   * start time, or NaN when refused (the owner then enqueues a normal task). Each claim must end
   * with exactly one `finishDirect()`, and the owner must be registered while it has direct tasks.
   */
  claimDirect(): number {
    if (
      this.#state !== OPEN ||
      this.#paused ||
      this.#running >= this.#limit ||
      this.#queue.length !== 0 ||
      this.#options.timeoutMs < Number.POSITIVE_INFINITY ||
      this.#taskEventsWanted()
    ) {
      return Number.NaN;
    }
    this.#submitted++;
    this.#running++;
    this.#waitTime.record(0);
    return this.#clock.now();
  }

  /**
   * Ends a direct task that started at `startedAt`: records its run time, counts it as succeeded
   * or failed (or, when `abandoned`, only closes its abandonment), and frees its slot.
   */
  finishDirect(startedAt: number, ok: boolean, abandoned: boolean): void {
    this.#running--;
    const now = this.#clock.now();
    this.#runTime.record(now - startedAt);
    if (abandoned) this.#abandoned--;
    else if (ok) this.#succeeded++;
    else this.#failed++;
    this.#slotFreed(now);
  }

  /** A running direct task's outcome was given up (its owner stopped): counted as cancelled. */
  abandonDirect(): void {
    this.#cancelled++;
    this.#abandoned++;
  }

  /** Registers an owner of running direct tasks, so that `destroy()` can stop it. */
  registerDirect(owner: DirectOwner): void {
    owner.directHandle = this.#directOwners.push(owner);
  }

  /** Unregisters an owner whose direct tasks have all finished. */
  unregisterDirect(owner: DirectOwner): void {
    this.#directOwners.remove(owner.directHandle, owner);
  }

  /** True when a task submitted now would have to wait (no free slot, paused, or a queue). */
  get saturated(): boolean {
    return this.#paused || this.#running >= this.#limit || this.#queue.length !== 0;
  }

  // Hot path: every task passes here once.
  #admit(task: AnyTask, mayQueue: boolean): void {
    this.#submitted++;
    if (this.#state !== OPEN) {
      this.#refuse(task, new ClosedError(`${this.#name} is closed`));
      return;
    }
    const signal = task.userSignal;
    if (signal?.aborted) {
      task.state = TaskState.Done;
      task.callerSettled = true;
      this.#cancelled++;
      this.#deliver(task, false, abortReason(signal));
      return;
    }
    const keys = this.#keys;
    const keyed = keys !== undefined && task.key !== undefined;
    const free = !this.#paused && this.#running < this.#limit && this.#queue.length === 0;
    if (free && (!keyed || keys.tryAcquire(task))) {
      if (signal !== undefined) this.#links.add(task);
      this.#waitTime.record(0);
      this.#start(task, this.#clock.now(), 0);
      return;
    }
    if (!mayQueue) {
      this.#refuse(task, new PoolExhaustedError(`${this.#name} has no free slot (running ${this.#running})`));
      return;
    }
    if (this.queued >= this.#options.maxQueued) {
      this.#refuse(task, new QueueFullError(`${this.#name} queue is full (${this.#options.maxQueued} tasks)`));
      return;
    }
    this.#enqueue(task, keyed && free);
  }

  /** Queues `task`; `park` when a slot is free but its key is at its limit. */
  #enqueue(task: AnyTask, park: boolean): void {
    const now = this.#clock.now();
    const deadline = Math.min(task.deadline, now + task.queueTimeoutMs);
    if (deadline <= now) {
      task.state = TaskState.Done;
      task.callerSettled = true;
      this.#timedOut++;
      this.#deliver(task, false, this.#queueTimeoutError(task, 0));
      return;
    }
    task.enqueuedAt = now;
    if (deadline < Number.POSITIVE_INFINITY) task.deadlineEntry = this.#heap.add(deadline, task, true);
    if (task.userSignal !== undefined) this.#links.add(task);
    // A keyed task whose key is full (while a slot is free) parks directly; others join the queue.
    if (park) (this.#keys as KeyLimits).park(task);
    else this.#queue.push(task);
    if (this.#capacity < this.#concurrency && this.#executor.demand !== undefined) {
      this.#executor.demand(this.queued);
    }
  }

  #refuse(task: AnyTask, error: unknown): void {
    task.state = TaskState.Done;
    task.callerSettled = true;
    this.#rejected++;
    if (task.sink === this.#submitSink) throw error; // submit() has no promise: refuse synchronously
    this.#deliver(task, false, error);
  }

  #start(task: AnyTask, now: number, waitedMs: number): void {
    task.state = TaskState.Running;
    this.#running++;
    const tail = this.#tail;
    task.prev = tail;
    if (tail === undefined) this.#head = task;
    else tail.next = task;
    this.#tail = task;
    task.startedAt = now;
    if (task.userSignal !== undefined || task.timeoutMs < Number.POSITIVE_INFINITY) {
      task.controller = new AbortController();
      if (task.timeoutMs < Number.POSITIVE_INFINITY) {
        task.deadlineEntry = this.#heap.add(now + task.timeoutMs, task, true);
      }
    }
    if (this.#startedWanted()) this.events.emit('taskStarted', { taskId: task.id, waitedMs });
    try {
      this.#executor.start(task as never);
    } catch (error) {
      this.report(task, false, error);
    }
  }

  /** Starts queued tasks while slots are free (a loop, never recursion). */
  /** `now`: a timestamp just read by the caller (one synchronous loop shares it). */
  #dispatch(now = Number.NaN): void {
    if (this.#paused || this.#dispatching) return;
    const queue = this.#queue;
    if (queue.length === 0) return;
    this.#dispatching = true;
    try {
      const keys = this.#keys;
      if (Number.isNaN(now)) now = this.#clock.now();
      while (this.#running < this.#limit && queue.length !== 0) {
        const task = queue.shift(now) as AnyTask;
        if (keys !== undefined && task.key !== undefined && !keys.tryAcquire(task)) {
          keys.park(task);
          continue;
        }
        if (task.deadlineEntry !== undefined) {
          this.#heap.remove(task.deadlineEntry);
          task.deadlineEntry = undefined;
        }
        const waitedMs = now - task.enqueuedAt;
        this.#waitTime.record(waitedMs);
        this.#start(task, now, waitedMs);
      }
    } finally {
      this.#dispatching = false;
    }
  }

  // ---- outcomes ----

  /** The executor reports a task (first report wins). Hot path. */
  report(task: AnyTask, ok: boolean, value: unknown): void {
    if (task.state !== TaskState.Running) return;
    task.state = TaskState.Done;
    this.#running--;
    const { prev, next } = task;
    if (prev === undefined) this.#head = next;
    else prev.next = next;
    if (next === undefined) this.#tail = prev;
    else next.prev = prev;
    task.prev = task.next = undefined;
    const now = this.#clock.now();
    const runMs = now - task.startedAt;
    this.#runTime.record(runMs);
    if (ok ? this.#succeededWanted() : this.#failedWanted()) this.#emitOutcome(task, ok, value, runMs);
    if (task.deadlineEntry !== undefined) {
      this.#heap.remove(task.deadlineEntry);
      task.deadlineEntry = undefined;
    }
    if (task.signalLink !== undefined) this.#links.remove(task);
    if (task.callerSettled) this.#abandoned--;
    else {
      task.callerSettled = true;
      if (ok) this.#succeeded++;
      else this.#failed++;
      this.#deliver(task, ok, value);
    }
    if (this.#keys !== undefined && task.key !== undefined) {
      const parked = this.#keys.release(task);
      if (parked !== undefined) this.#queue.unshift(parked);
    }
    this.#slotFreed(now);
  }

  /** After a slot frees (at `now`): start what waits for it, then tell waiters and close. */
  #slotFreed(now: number): void {
    if (this.#queue.length !== 0) this.#dispatch(now);
    if (this.#waiters.active || this.#state !== OPEN) this.#changed();
  }

  #emitOutcome(task: AnyTask, ok: boolean, value: unknown, runMs: number): void {
    if (ok) this.events.emit('taskSucceeded', { taskId: task.id, runMs });
    else this.events.emit('taskFailed', { taskId: task.id, runMs, error: value });
  }

  #deliver(task: AnyTask, ok: boolean, value: unknown): void {
    const sink = task.sink;
    if (sink !== undefined) sink.settle(task, ok, value);
    else if (ok) (task.resolveCaller as (value: unknown) => void)(value);
    else (task.rejectCaller as (error: unknown) => void)(value);
    task.resolveCaller = task.rejectCaller = undefined;
  }

  #abortFromSignal(task: AnyTask): void {
    const reason = abortReason(task.userSignal as AbortSignal);
    if (task.state === TaskState.Queued) {
      this.#cancelled++;
      this.#dropQueued(task, reason);
    } else if (task.state === TaskState.Running && !task.callerSettled) {
      this.#cancelled++;
      this.#abandon(task, reason);
    }
  }

  #expire(task: AnyTask): void {
    task.deadlineEntry = undefined;
    if (task.state === TaskState.Queued) {
      this.#timedOut++;
      this.#dropQueued(task, this.#queueTimeoutError(task, this.#clock.now() - task.enqueuedAt));
    } else if (task.state === TaskState.Running && !task.callerSettled) {
      this.#timedOut++;
      const error = new TaskTimeoutError(`Task ${task.id} ran past its timeout of ${task.timeoutMs} ms`, {
        phase: 'run',
        taskId: task.id,
        timeoutMs: task.timeoutMs,
        stats: this.stats(),
      });
      this.#abandon(task, error);
    }
  }

  #queueTimeoutError(task: AnyTask, waitedMs: number): unknown {
    return new QueueTimeoutError(`Task ${task.id} waited ${Math.round(waitedMs)} ms in the queue and never started`, {
      phase: 'queue',
      taskId: task.id,
      waitedMs,
      stats: this.stats(),
    });
  }

  /** Removes a queued task (O(1)) and rejects its caller. Counters are the caller's job. */
  #dropQueued(task: AnyTask, reason: unknown): void {
    if (!this.#queue.remove(task)) this.#keys?.remove(task);
    if (task.deadlineEntry !== undefined) {
      this.#heap.remove(task.deadlineEntry);
      task.deadlineEntry = undefined;
    }
    if (task.signalLink !== undefined) this.#links.remove(task);
    task.state = TaskState.Done;
    task.callerSettled = true;
    this.#deliver(task, false, reason);
    this.#changed();
  }

  /** Answers the caller of a running task now; the slot stays busy until the executor reports. */
  #abandon(task: AnyTask, reason: unknown): void {
    task.callerSettled = true;
    this.#abandoned++;
    if (task.deadlineEntry !== undefined) {
      this.#heap.remove(task.deadlineEntry);
      task.deadlineEntry = undefined;
    }
    if (task.signalLink !== undefined) this.#links.remove(task);
    task.controller?.abort(reason);
    if (this.#executor.cancel !== undefined) {
      try {
        this.#executor.cancel(task as never, reason);
      } catch (error) {
        reportAsync(error);
      }
    }
    this.#deliver(task, false, reason);
  }

  #changed(): void {
    const queued = this.queued;
    if (this.#waiters.active) this.#waiters.check(queued, this.#running);
    if (this.#state === CLOSING && queued === 0 && this.#running === 0) this.#finishClose();
  }

  // ---- control ----

  /** Stops starting tasks (running ones continue; new ones queue). */
  pause(): void {
    this.#paused = true;
  }

  /** Starts queued tasks again. */
  resume(): void {
    this.#paused = false;
    this.#dispatch();
    this.#changed();
  }

  /** Whether `pause()` is in effect. */
  get isPaused(): boolean {
    return this.#paused;
  }

  /** The concurrency limit. */
  get concurrency(): number {
    return this.#concurrency;
  }

  /** Changes the concurrency limit; raising it starts queued tasks at once, lowering it lets running ones finish. */
  resize(concurrency: number): void {
    if (
      typeof concurrency !== 'number' ||
      !(Number.isSafeInteger(concurrency) || concurrency === Number.POSITIVE_INFINITY) ||
      concurrency < 1
    ) {
      throw new InvalidOptionError(
        `Expected \`concurrency\` to be an integer >= 1 or Infinity, got \`${String(concurrency)}\` (${typeof concurrency})`,
        { option: 'concurrency', value: concurrency },
      );
    }
    this.#concurrency = concurrency;
    this.#limit = Math.min(concurrency, this.#capacity);
    this.#dispatch();
    this.#changed();
  }

  /** Resolves when nothing is queued or running. */
  onIdle(): Promise<void> {
    return this.#waiters.add(1, true, this.queued, this.#running);
  }

  /** Resolves when nothing is queued (tasks may still run). */
  onEmpty(): Promise<void> {
    return this.#waiters.add(1, false, this.queued, this.#running);
  }

  /** Resolves when fewer than `size` tasks are queued. */
  onSizeLessThan(size: number): Promise<void> {
    if (typeof size !== 'number' || Number.isNaN(size) || size < 1) {
      throw new InvalidOptionError(`Expected \`size\` to be a number >= 1, got \`${String(size)}\` (${typeof size})`, {
        option: 'size',
        value: size,
      });
    }
    return this.#waiters.add(size, false, this.queued, this.#running);
  }

  /**
   * Backpressure: resolves when a task submitted now would not be refused for a full queue
   * (`queued < maxQueued`). With an unbounded queue it waits until `queued < concurrency`, so a
   * producer awaiting it before each `run()` keeps the queue short.
   */
  waitForRoom(): Promise<void> {
    const max = this.#options.maxQueued;
    const threshold = max < Number.POSITIVE_INFINITY ? max : Math.min(this.#concurrency, 2 ** 30);
    return this.#waiters.add(Math.max(1, threshold), false, this.queued, this.#running);
  }

  /** Stops admission, lets queued and running tasks finish, then closes the executor. Idempotent. */
  close(options?: CloseOptions): Promise<void> {
    if (this.#destroyPromise !== undefined) return this.#destroyPromise;
    if (this.#closePromise !== undefined) return this.#closePromise;
    const timeoutMs = options?.timeoutMs ?? Number.POSITIVE_INFINITY;
    if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
      throw new InvalidOptionError(
        `Expected \`timeoutMs\` to be a number >= 0 or Infinity, got \`${String(timeoutMs)}\``,
        {
          option: 'timeoutMs',
          value: timeoutMs,
        },
      );
    }
    this.#state = CLOSING;
    this.#closePromise = new Promise<void>((resolve) => {
      this.#closeResolve = resolve;
    });
    if (timeoutMs < Number.POSITIVE_INFINITY) {
      const timer = this.#clock.setTimer(() => {
        if (this.#state === CLOSING) void this.destroy();
      }, timeoutMs);
      timer.ref();
      void this.#closePromise.then(() => timer.cancel());
    }
    this.#paused = false;
    this.#dispatch();
    this.#changed();
    return this.#closePromise;
  }

  #finishClose(): void {
    this.#state = CLOSED;
    this.#heap.clear();
    const resolve = this.#closeResolve as () => void;
    this.#executor.close().then(resolve, (error: unknown) => {
      reportAsync(error);
      resolve();
    });
  }

  /**
   * Rejects queued tasks and the callers of running ones with `ClosedError`, aborts their
   * signals, and destroys the executor. Idempotent.
   */
  destroy(): Promise<void> {
    if (this.#destroyPromise !== undefined) return this.#destroyPromise;
    const wasClosed = this.#state === CLOSED && this.#closePromise !== undefined;
    this.#state = CLOSED;
    this.#paused = false;
    const error = new ClosedError(`${this.#name} was destroyed`);
    this.#heap.clear();
    const queued = this.#queue.drain();
    if (this.#keys !== undefined) queued.push(...this.#keys.drain());
    for (const task of queued) {
      task.deadlineEntry = undefined;
      if (task.signalLink !== undefined) this.#links.remove(task);
      task.state = TaskState.Done;
      task.callerSettled = true;
      this.#cancelled++;
      this.#deliver(task, false, error);
    }
    for (let task = this.#head; task !== undefined; task = task.next) {
      if (task.callerSettled) continue;
      task.deadlineEntry = undefined;
      this.#cancelled++;
      this.#abandon(task, error);
    }
    for (const owner of this.#directOwners.toArray()) owner.destroyed(error);
    this.#shared.abort(error);
    this.#waiters.check(0, this.#running);
    const executorDone = wasClosed ? Promise.resolve() : this.#executor.destroy();
    this.#destroyPromise = executorDone.then(
      () => this.#closeResolve?.(),
      (cause: unknown) => {
        reportAsync(cause);
        this.#closeResolve?.();
      },
    );
    return this.#destroyPromise;
  }

  /** A plain snapshot of gauges, counters and histograms. */
  stats(): TaskPoolStats {
    return {
      state: this.#state === OPEN ? 'open' : this.#state === CLOSING ? 'closing' : 'closed',
      concurrency: this.#concurrency,
      paused: this.#paused,
      running: this.#running,
      abandoned: this.#abandoned,
      queued: this.queued,
      submitted: this.#submitted,
      succeeded: this.#succeeded,
      failed: this.#failed,
      cancelled: this.#cancelled,
      timedOut: this.#timedOut,
      rejected: this.#rejected,
      waitTime: this.#waitTime.snapshot(),
      runTime: this.#runTime.snapshot(),
    };
  }
}
