/**
 * The pool's threads: spawning up to `maxThreads` on demand and keeping `minThreads`, the start
 * breaker, choosing a worker for a task, reaping idle workers after `idleTimeoutMs` (one
 * unreferenced timer for the whole set), recycling after `recycleAfterTasks` tasks or past
 * `recycleAboveHeapMb` of heap, and closing (gracefully, with `teardown`, bounded by
 * `teardownTimeoutMs`) or terminating them. Idle workers are unreferenced, so an idle pool never
 * keeps the process alive; a worker with tasks, or starting while tasks wait, is referenced.
 *
 * @module
 */
import type { Clock, Timer } from '../internal/clock.js';
import type { Emitter } from '../internal/events.js';
import type { StartBreaker } from './breaker.js';
import type { TaskEntry } from './task-entry.js';
import type { ThreadPoolEvents } from './types.js';
import { type SpawnOptions, WorkerHandle } from './worker-handle.js';

/** Configuration shared with the executor. */
export interface WorkerSetConfig {
  readonly spawn: SpawnOptions;
  readonly clock: Clock;
  readonly minThreads: number;
  readonly maxThreads: number;
  readonly idleTimeoutMs: number;
  readonly teardownTimeoutMs: number;
  readonly recycleAfterTasks: number;
  readonly recycleAboveHeapBytes: number;
  readonly breaker: StartBreaker;
  readonly events: Emitter<ThreadPoolEvents>;
}

/** Callbacks into the executor. */
export interface WorkerSetOwner {
  onReady(worker: WorkerHandle): void;
  onResults(worker: WorkerHandle, message: unknown[]): void;
  onPostFailed(worker: WorkerHandle, entry: TaskEntry, error: unknown): void;
  /** A worker died with tasks possibly on it (after it left the ready list). */
  onDeath(worker: WorkerHandle, exitCode: number, cause: unknown): void;
  onBreakerOpen(error: unknown): void;
  /** A worker stopped taking tasks (recycling, resize): take its unstarted ones back. */
  onRetired(worker: WorkerHandle): void;
  /** Tasks waiting for a worker (backlog plus scheduler queue). */
  demand(): number;
}

/** Lifetime counters, reported in stats. */
export interface ThreadCounters {
  spawned: number;
  crashed: number;
  startFailures: number;
  recycled: number;
  reaped: number;
  stolen: number;
  retried: number;
  quarantined: number;
}

/** Lifetime counters at zero (a new set's, and an inline pool's, which has no threads). */
export function zeroCounters(): ThreadCounters {
  return { spawned: 0, crashed: 0, startFailures: 0, recycled: 0, reaped: 0, stolen: 0, retried: 0, quarantined: 0 };
}

/** The set of worker threads. */
export class WorkerSet {
  readonly counters: ThreadCounters = zeroCounters();
  readonly #config: WorkerSetConfig;
  readonly #owner: WorkerSetOwner;
  readonly #clock: Clock;
  readonly #all = new Set<WorkerHandle>();
  #ready: WorkerHandle[] = [];
  #starting = 0;
  #nextId = 0;
  #minThreads: number;
  #maxThreads: number;
  #reaper: Timer | undefined;
  #closing = false;
  #allExited: (() => void) | undefined;

  constructor(config: WorkerSetConfig, owner: WorkerSetOwner) {
    this.#config = config;
    this.#owner = owner;
    this.#clock = config.clock;
    this.#minThreads = config.minThreads;
    this.#maxThreads = config.maxThreads;
  }

  /** Spawns the `minThreads` workers. */
  start(): void {
    this.grow();
  }

  get readyCount(): number {
    return this.#ready.length;
  }

  get minThreads(): number {
    return this.#minThreads;
  }

  get maxThreads(): number {
    return this.#maxThreads;
  }

  /** Every live worker (starting, ready, retiring, closing). */
  get all(): ReadonlySet<WorkerHandle> {
    return this.#all;
  }

  get startFailures(): number {
    return this.#config.breaker.failures;
  }

  get lastStartError(): unknown {
    return this.#config.breaker.lastError;
  }

  breakerOpen(): boolean {
    return this.#config.breaker.state(this.#clock.now()) === 'open';
  }

  /** Workers that will take tasks (starting or ready). */
  #liveCount(): number {
    return this.#starting + this.#ready.length;
  }

  /**
   * The worker for the next task: fewest tasks in flight below `window`; ties go to the most
   * recently active one (LIFO), so that under light load the extra workers stay idle and age out.
   * Hot path (a handful of workers, a linear scan).
   */
  pick(window: number): WorkerHandle | undefined {
    let best: WorkerHandle | undefined;
    for (const worker of this.#ready) {
      if (worker.inFlight >= window || worker.freeSlots === 0) continue;
      if (
        best === undefined ||
        worker.inFlight < best.inFlight ||
        (worker.inFlight === best.inFlight && worker.lastActiveAt > best.lastActiveAt)
      ) {
        best = worker;
      }
    }
    return best;
  }

  /** The ready or retiring worker with the most tasks in flight, other than `except`. */
  busiest(except: WorkerHandle): WorkerHandle | undefined {
    let best: WorkerHandle | undefined;
    for (const worker of this.#all) {
      if (worker === except || (worker.phase !== 'ready' && worker.phase !== 'retiring')) continue;
      if (best === undefined || worker.inFlight > best.inFlight) best = worker;
    }
    return best;
  }

  /** Posts `entry` to `worker`. Hot path. */
  post(worker: WorkerHandle, entry: TaskEntry): void {
    let now = 0; // the clock is read only when the worker was idle (one read per burst, not per task)
    if (worker.inFlight === 0) {
      now = this.#clock.now();
      worker.setReferenced(true);
      worker.lastActiveAt = now;
    }
    worker.post(entry, now);
  }

  // ---- growth ----

  /** Spawns workers up to `minThreads`, and one more (up to `maxThreads`) while tasks wait and none is starting. */
  grow(): void {
    if (this.#closing) return;
    // Fast exit: called on every queued task while threads are busy.
    if (this.#starting === 0 && this.#ready.length >= this.#maxThreads && this.#ready.length >= this.#minThreads)
      return;
    const breaker = this.#config.breaker.state(this.#clock.now());
    if (breaker === 'open') return;
    if (breaker === 'half-open') {
      if (this.#starting === 0 && this.#owner.demand() > 0) this.#spawn();
      return;
    }
    while (this.#liveCount() < this.#minThreads) this.#spawn();
    const demand = this.#owner.demand();
    if (demand > 0 && this.#starting === 0 && this.#liveCount() < this.#maxThreads) this.#spawn();
    if (demand > 0) for (const worker of this.#all) if (worker.phase === 'starting') worker.setReferenced(true);
  }

  #spawn(): void {
    const id = ++this.#nextId;
    const worker = new WorkerHandle(id, this.#config.spawn, this, this.#clock.now());
    this.#all.add(worker);
    this.#starting++;
    this.counters.spawned++;
    worker.setReferenced(this.#owner.demand() > 0);
  }

  // ---- WorkerHandleOwner ----

  #leftStarting(worker: WorkerHandle): void {
    if (!worker.countedStarting) return;
    worker.countedStarting = false;
    this.#starting--;
  }

  onReady(worker: WorkerHandle): void {
    this.#leftStarting(worker);
    const now = this.#clock.now();
    worker.readyAt = now;
    worker.lastActiveAt = now;
    this.#config.breaker.succeeded();
    if (this.#closing) {
      worker.close('closed');
      return;
    }
    this.#ready.push(worker);
    this.#config.events.emit('threadStarted', { threadId: worker.id, startMs: now - worker.spawnedAt });
    this.#owner.onReady(worker);
    this.settleIdle(worker);
  }

  onResults(worker: WorkerHandle, message: unknown[]): void {
    this.#owner.onResults(worker, message);
  }

  onPostFailed(worker: WorkerHandle, entry: TaskEntry, error: unknown): void {
    this.#owner.onPostFailed(worker, entry, error);
    this.settleIdle(worker);
  }

  onExit(worker: WorkerHandle, exitCode: number, error: unknown): void {
    this.#all.delete(worker);
    const index = this.#ready.indexOf(worker);
    if (index !== -1) this.#ready.splice(index, 1);
    const wasStarting = worker.countedStarting;
    this.#leftStarting(worker);
    let reason = worker.closeRequested ? (worker.exitReason ?? 'closed') : undefined;
    if (reason === undefined) {
      reason = wasStarting ? 'start-failed' : 'crashed';
      if (wasStarting) this.#startFailed(worker, exitCode, error);
      else this.counters.crashed++;
    }
    this.#config.events.emit('threadExited', { threadId: worker.id, exitCode, reason, error });
    this.#owner.onDeath(worker, exitCode, error);
    this.#armReaper();
    if (this.#all.size === 0) this.#allExited?.();
  }

  #startFailed(worker: WorkerHandle, exitCode: number, error: unknown): void {
    this.counters.startFailures++;
    const cause = error ?? new Error(`Worker thread #${worker.id} exited with code ${exitCode} before it was ready`);
    if (this.#config.breaker.failed(cause, this.#clock.now())) {
      this.#config.events.emit('breakerOpened', { failures: this.#config.breaker.failures, error: cause });
      this.#owner.onBreakerOpen(cause);
    }
  }

  // ---- idle, recycling, retirement ----

  /** After a batch of results: retire the worker if it is due for recycling. */
  afterResults(worker: WorkerHandle): void {
    if (worker.phase !== 'ready') {
      if (worker.phase === 'retiring' && worker.inFlight === 0) worker.close(worker.exitReason ?? 'retired');
      return;
    }
    const config = this.#config;
    if (worker.completed >= config.recycleAfterTasks || worker.heapUsedBytes >= config.recycleAboveHeapBytes) {
      this.counters.recycled++;
      this.#retire(worker, 'recycled');
      this.grow();
    }
  }

  /** Stops giving `worker` tasks; it closes once its started tasks are done. */
  #retire(worker: WorkerHandle, reason: string): void {
    const index = this.#ready.indexOf(worker);
    if (index !== -1) this.#ready.splice(index, 1);
    worker.phase = 'retiring';
    worker.exitReason = reason;
    this.#owner.onRetired(worker);
    if (worker.inFlight === 0) worker.close(reason);
  }

  /** Marks `worker` idle when it has nothing in flight: unreferenced, and a reaping candidate. */
  settleIdle(worker: WorkerHandle): void {
    if (worker.inFlight !== 0 || worker.zombies !== 0) return;
    worker.setReferenced(false);
    worker.lastActiveAt = this.#clock.now();
    this.#armReaper();
  }

  #armReaper(): void {
    if (this.#reaper !== undefined || this.#closing) return;
    const timeoutMs = this.#config.idleTimeoutMs;
    if (timeoutMs === Number.POSITIVE_INFINITY || this.#ready.length <= this.#minThreads) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const worker of this.#ready) {
      if (worker.inFlight === 0 && worker.zombies === 0) earliest = Math.min(earliest, worker.lastActiveAt);
    }
    if (earliest === Number.POSITIVE_INFINITY) return;
    const delay = Math.max(1, earliest + timeoutMs - this.#clock.now());
    this.#reaper = this.#clock.setTimer(() => this.#reap(), delay); // unreferenced: reaping never keeps the process alive
  }

  #reap(): void {
    this.#reaper = undefined;
    const now = this.#clock.now();
    const timeoutMs = this.#config.idleTimeoutMs;
    const idle = this.#ready
      .filter((worker) => worker.inFlight === 0 && worker.zombies === 0 && now - worker.lastActiveAt >= timeoutMs)
      .sort((a, b) => a.lastActiveAt - b.lastActiveAt);
    for (const worker of idle) {
      if (this.#ready.length <= this.#minThreads) break;
      this.counters.reaped++;
      this.#retire(worker, 'idle');
    }
    this.#armReaper();
  }

  /** Changes the thread limits; surplus workers retire (idle ones first), missing ones spawn. */
  resize(minThreads: number, maxThreads: number): void {
    this.#minThreads = minThreads;
    this.#maxThreads = maxThreads;
    const surplus = this.#liveCount() - maxThreads;
    if (surplus > 0) {
      const victims = [...this.#ready].sort((a, b) => a.inFlight - b.inFlight || a.lastActiveAt - b.lastActiveAt);
      for (const worker of victims.slice(0, surplus)) this.#retire(worker, 'resized');
    }
    this.grow();
    this.#armReaper();
  }

  /** Terminates `worker` now (its tasks are settled by the exit handler). */
  terminate(worker: WorkerHandle, reason: string): void {
    worker.terminate(reason);
  }

  // ---- shutdown ----

  /** Asks every worker to run `teardown` and exit; terminates those still alive after `teardownTimeoutMs`. */
  close(): Promise<void> {
    const exited = this.#stopping();
    if (exited === undefined) return Promise.resolve();
    for (const worker of this.#all) worker.close('closed');
    const timeoutMs = this.#config.teardownTimeoutMs;
    if (timeoutMs === Number.POSITIVE_INFINITY) return exited;
    const timer = this.#clock.setTimer(() => {
      for (const worker of this.#all) worker.terminate('closed');
    }, timeoutMs);
    timer.ref();
    return exited.then(() => timer.cancel());
  }

  /** Terminates every worker. */
  destroy(): Promise<void> {
    const exited = this.#stopping();
    if (exited === undefined) return Promise.resolve();
    for (const worker of this.#all) worker.terminate('destroyed');
    return exited;
  }

  /** Stops spawning and reaping; resolves when the last worker has exited (undefined: none left). */
  #stopping(): Promise<void> | undefined {
    this.#closing = true;
    this.#reaper?.cancel();
    this.#reaper = undefined;
    if (this.#all.size === 0) return undefined;
    return new Promise<void>((resolve) => {
      this.#allExited = resolve;
    });
  }
}
