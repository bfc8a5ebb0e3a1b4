/**
 * The thread pool's executor on the scheduling core: it places each started task on a worker
 * (least loaded first, and among idle workers the most recently used, so extra workers age out:
 * LIFO reuse as in tunny and piscina), keeps per-worker in-flight windows, steals unstarted tasks
 * for a worker that went idle, and turns deaths into typed errors, retries or requeues. Thread
 * lifecycle (spawn, handshake, breaker, reaping, recycling) lives in {@link WorkerSet}.
 *
 * Tasks the scheduler started but no worker can take yet wait in a local backlog; they count as
 * running for the scheduler, so `capacity()` (ready workers x window) keeps that backlog short:
 * it only holds tasks taken back from a dead, retiring or robbed worker.
 *
 * @module
 */
import type { Clock } from '../internal/clock.js';
import { Deque } from '../internal/deque.js';
import { ClosedError, DataCloneError, WorkerExitedError, WorkerStartError } from '../internal/errors.js';
import type { Executor, ExecutorHost, ExecutorTask } from '../tasks/executor.js';
import type { DispatchWindow } from './dispatch-window.js';
import { deserializeError } from './error-serde.js';
import { RESULT_CLONE_ERROR, RESULT_ERROR, RESULT_FIELDS, RESULT_OK, RESULT_SKIPPED } from './protocol.js';
import type { TaskEntry, ThreadPayload } from './task-entry.js';
import type { WorkerHandle } from './worker-handle.js';
import { type ThreadCounters, WorkerSet, type WorkerSetConfig } from './worker-set.js';

type Task = ExecutorTask<ThreadPayload, unknown>;

/** Configuration of a {@link ThreadExecutor}. */
export interface ThreadExecutorConfig extends WorkerSetConfig {
  readonly window: DispatchWindow;
  readonly abortGraceMs: number;
  /** A task running on this many workers when they died is rejected, never retried. */
  readonly quarantineAfterKills: number;
  /** When set, the average run time of each handler is recorded here (ms). */
  readonly handlerRunMs: Map<string, number> | undefined;
}

/** Runs thread tasks for a `Scheduler`. */
export class ThreadExecutor implements Executor<ThreadPayload, unknown> {
  readonly #config: ThreadExecutorConfig;
  readonly #clock: Clock;
  readonly #window: DispatchWindow;
  readonly #backlog = new Deque<TaskEntry>();
  readonly #workers: WorkerSet;
  #host: ExecutorHost | undefined;

  constructor(config: ThreadExecutorConfig) {
    this.#config = config;
    this.#clock = config.clock;
    this.#window = config.window;
    this.#workers = new WorkerSet(config, {
      onReady: () => this.#onCapacity(),
      onResults: (worker, message) => this.#onResults(worker, message),
      onPostFailed: (_worker, entry, error) => entry.task.reject(error),
      onDeath: (worker, exitCode, cause) => this.#onDeath(worker, exitCode, cause),
      onBreakerOpen: () => this.#rejectBacklog(this.#startError()),
      onRetired: (worker) => this.#takeBack(worker),
      demand: () => this.#backlog.length + (this.#host?.queued ?? 0),
    });
  }

  /** The worker set (for stats, resize and tests). */
  get workers(): WorkerSet {
    return this.#workers;
  }

  /** Counters for stats. */
  get counters(): ThreadCounters {
    return this.#workers.counters;
  }

  /** Tasks taken back and waiting for a worker. */
  get backlog(): number {
    return this.#backlog.length;
  }

  attach(host: ExecutorHost): void {
    this.#host = host;
    this.#workers.start();
  }

  capacity(): number {
    if (this.#workers.breakerOpen()) return Number.POSITIVE_INFINITY; // so queued tasks reach start() and fail fast
    return this.#workers.readyCount * this.#window.size;
  }

  demand(): void {
    this.#workers.grow();
  }

  // Hot path: every task passes here once.
  start(task: Task): void {
    const entry = task.payload;
    entry.task = task;
    if (this.#workers.breakerOpen()) {
      task.reject(this.#startError());
      return;
    }
    if (this.#backlog.length === 0) {
      const worker = this.#workers.pick(this.#window.size);
      if (worker !== undefined) {
        this.#workers.post(worker, entry);
        return;
      }
    }
    this.#toBacklog(entry, false);
    this.#workers.grow();
  }

  cancel(task: Task, reason: unknown): void {
    const entry = task.payload;
    if (entry.task !== task) return; // never started here
    entry.cancelled = true;
    entry.cancelReason = reason;
    if (entry.inBacklog) {
      this.#backlog.remove(entry.backlogHandle, entry);
      entry.inBacklog = false;
      task.reject(reason);
      return;
    }
    const worker = entry.worker;
    if (worker === undefined) return;
    if (worker.revoke(entry)) {
      task.reject(reason);
      this.#pump();
      return;
    }
    worker.abort(entry, reason);
    const graceMs = this.#config.abortGraceMs;
    if (graceMs === Number.POSITIVE_INFINITY) return;
    entry.graceTimer = this.#clock.setTimer(() => {
      entry.graceTimer = undefined;
      if (entry.worker === worker) this.#workers.terminate(worker, 'abort-grace');
    }, graceMs);
  }

  // ---- results ----

  /** A `RESULTS` message. Hot path: one call per batch. */
  #onResults(worker: WorkerHandle, message: unknown[]): void {
    const heapUsed = message[1] as number;
    if (heapUsed >= 0) worker.heapUsedBytes = heapUsed;
    const now = this.#clock.now();
    const window = this.#window;
    let resized = false;
    for (let index = 2; index < message.length; index += RESULT_FIELDS) {
      const slot = message[index] as number;
      const status = message[index + 1] as number;
      if (status === RESULT_SKIPPED) {
        worker.releaseZombie(slot);
        continue;
      }
      const entry = worker.entries[slot];
      if (entry === undefined) continue;
      const runMs = message[index + 3] as number;
      worker.release(entry);
      worker.completed++;
      worker.busyMs += runMs;
      if (window.observe(runMs, entry.alone ? now - entry.postedAt : -1)) resized = true;
      const perHandler = this.#config.handlerRunMs;
      if (perHandler !== undefined) {
        const average = perHandler.get(entry.name);
        perHandler.set(entry.name, average === undefined ? runMs : average + (runMs - average) * 0.1);
      }
      this.#settle(entry, status, message[index + 2]);
    }
    this.#workers.afterResults(worker);
    this.#pump();
    if (worker.inFlight === 0 && worker.phase === 'ready') this.#steal(worker);
    this.#workers.settleIdle(worker);
    if (resized) this.#host?.capacityChanged();
  }

  #settle(entry: TaskEntry, status: number, value: unknown): void {
    if (entry.graceTimer !== undefined) {
      entry.graceTimer.cancel();
      entry.graceTimer = undefined;
    }
    const task = entry.task;
    if (status === RESULT_OK) task.resolve(value);
    else if (status === RESULT_ERROR) task.reject(deserializeError(value));
    else if (status === RESULT_CLONE_ERROR) {
      const { what, path, message } = value as { what: string; path: string; message: string };
      const cause = new DOMException(message, 'DataCloneError');
      const text = `The ${what} of task ${task.id} (\`${task.payload.name}\`) cannot be cloned (at \`${path}\`): ${message}`;
      task.reject(new DataCloneError(text, { cause, path, taskId: task.id }));
    }
  }

  // ---- placement ----

  #toBacklog(entry: TaskEntry, front: boolean): void {
    entry.inBacklog = true;
    entry.backlogHandle = front ? this.#backlog.unshift(entry) : this.#backlog.push(entry);
  }

  /** Moves backlog entries to workers with room. */
  #pump(): void {
    const backlog = this.#backlog;
    while (backlog.length !== 0) {
      const worker = this.#workers.pick(this.#window.size);
      if (worker === undefined) return;
      const entry = backlog.shift() as TaskEntry;
      entry.inBacklog = false;
      this.#workers.post(worker, entry);
    }
  }

  /**
   * Work stealing: `thief` went idle while another worker still has unstarted tasks (stuck behind
   * a long one). Takes the most recently posted half of the busiest worker's unstarted tasks.
   */
  #steal(thief: WorkerHandle): void {
    const victim = this.#workers.busiest(thief);
    if (victim === undefined || victim.inFlight < 2) return;
    const unstarted: TaskEntry[] = [];
    for (const entry of victim.entries) {
      if (entry !== undefined && !victim.started(entry)) unstarted.push(entry);
    }
    unstarted.sort((a, b) => b.sequence - a.sequence);
    const wanted = Math.min(Math.ceil(unstarted.length / 2), this.#window.size);
    let taken = 0;
    for (const entry of unstarted) {
      if (taken === wanted) break;
      if (!victim.revoke(entry)) continue;
      this.#workers.post(thief, entry);
      taken++;
    }
    this.#workers.counters.stolen += taken;
  }

  /** A retiring worker hands back its unstarted tasks, oldest first at the front. */
  #takeBack(worker: WorkerHandle): void {
    const unstarted = worker.entries.filter((entry): entry is TaskEntry => entry !== undefined);
    unstarted.sort((a, b) => b.sequence - a.sequence);
    for (const entry of unstarted) if (worker.revoke(entry)) this.#toBacklog(entry, true);
    this.#pump();
  }

  // ---- deaths ----

  #onDeath(worker: WorkerHandle, exitCode: number, cause: unknown): void {
    const requeue: TaskEntry[] = [];
    for (const entry of worker.entries) {
      if (entry === undefined) continue;
      const started = worker.started(entry);
      worker.release(entry);
      if (entry.graceTimer !== undefined) {
        entry.graceTimer.cancel();
        entry.graceTimer = undefined;
      }
      if (entry.cancelled) entry.task.reject(entry.cancelReason);
      else if (!started) requeue.push(entry);
      else this.#crashed(entry, worker, exitCode, cause, requeue);
    }
    requeue.sort((a, b) => b.sequence - a.sequence);
    for (const entry of requeue) this.#toBacklog(entry, true);
    if (this.#workers.breakerOpen()) this.#rejectBacklog(this.#startError());
    this.#workers.grow();
    this.#pump();
    this.#host?.capacityChanged();
  }

  #crashed(entry: TaskEntry, worker: WorkerHandle, exitCode: number, cause: unknown, requeue: TaskEntry[]): void {
    entry.kills++;
    const counters = this.#workers.counters;
    const quarantined = entry.kills >= this.#config.quarantineAfterKills;
    if (!quarantined && entry.kills <= entry.retries) {
      counters.retried++;
      requeue.push(entry);
      return;
    }
    if (quarantined) counters.quarantined++;
    const task = entry.task;
    const how =
      worker.exitReason === 'abort-grace'
        ? 'was terminated (another task ignored its abort)'
        : `exited with code ${exitCode}`;
    const message =
      `Worker thread #${worker.id} ${how} while running task ${task.id} (\`${task.payload.name}\`)` +
      (quarantined ? `; the task was quarantined after killing ${entry.kills} workers` : '');
    task.reject(
      new WorkerExitedError(message, {
        ...(cause !== undefined ? { cause } : {}),
        exitCode,
        taskId: task.id,
        threadId: worker.id,
        attempts: entry.kills,
        quarantined,
      }),
    );
  }

  #startError(): Error {
    const cause = this.#workers.lastStartError;
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    return new WorkerStartError(
      `Worker threads keep failing at start (${this.#workers.startFailures} in a row); the breaker is open${detail}`,
      { cause },
    );
  }

  #rejectBacklog(error: unknown): void {
    for (let entry = this.#backlog.shift(); entry !== undefined; entry = this.#backlog.shift()) {
      entry.inBacklog = false;
      entry.task.reject(error);
    }
    this.#host?.capacityChanged();
  }

  #onCapacity(): void {
    this.#pump();
    this.#host?.capacityChanged();
    this.#workers.grow(); // tasks still queued: one more thread, up to maxThreads
  }

  // ---- shutdown ----

  close(): Promise<void> {
    return this.#workers.close();
  }

  destroy(): Promise<void> {
    this.#rejectBacklog(new ClosedError('ThreadPool was destroyed'));
    return this.#workers.destroy();
  }
}
