/**
 * The main thread's side of one worker: spawning it, the `READY` handshake, the slots its tasks
 * occupy in shared memory, the outgoing batch (all tasks posted in one tick travel in one
 * message), and the detection of its exit. Policy (which task goes where, what a death means)
 * belongs to the executor; this file only reports.
 *
 * @module
 */
import { type ResourceLimits, type TransferListItem, Worker } from 'node:worker_threads';
import { DataCloneError } from '../internal/errors.js';
import type { DispatchWindow } from './dispatch-window.js';
import { findUncloneablePath, serializeError } from './error-serde.js';
import {
  MSG_ABORT,
  MSG_CLOSE,
  MSG_READY,
  MSG_RESULTS,
  MSG_TASKS,
  SLOT_FREE,
  SLOT_POSTED,
  SLOT_REVOKED,
  sharedBytes,
  TASK_FIELDS,
  type WorkerBootData,
} from './protocol.js';
import type { TaskEntry } from './task-entry.js';

/** Lifecycle of a worker as the pool sees it. */
export type WorkerPhase = 'starting' | 'ready' | 'retiring' | 'closing' | 'dead';

/** What a handle tells its owner. */
export interface WorkerHandleOwner {
  /** The module loaded and `setup` resolved. */
  onReady(handle: WorkerHandle): void;
  /** A `RESULTS` message arrived. */
  onResults(handle: WorkerHandle, message: unknown[]): void;
  /** A task's input could not be cloned; the entry was taken back (its slot is free). */
  onPostFailed(handle: WorkerHandle, entry: TaskEntry, error: unknown): void;
  /** The thread is gone. `error` is the uncaught error that killed it, if any. */
  onExit(handle: WorkerHandle, exitCode: number, error: unknown): void;
}

/** How to spawn a worker. */
export interface SpawnOptions {
  readonly entryUrl: URL;
  readonly moduleUrl: string;
  readonly slots: number;
  readonly workerData: unknown;
  readonly resourceLimits: ResourceLimits | undefined;
  readonly execArgv: readonly string[] | undefined;
  readonly env: Record<string, string | undefined> | undefined;
  readonly name: string;
  readonly reportHeapAlways: boolean;
  /** Told how long cloning each batch took, so heavy payloads get small windows. */
  readonly window: DispatchWindow;
}

/** One worker thread and its in-flight tasks. */
export class WorkerHandle {
  readonly id: number;
  readonly worker: Worker;
  readonly states: Int32Array;
  readonly flags: Int32Array;
  /** Live entries by slot (an entry revoked but not yet acknowledged stays `undefined` but holds its slot). */
  readonly entries: (TaskEntry | undefined)[];
  phase: WorkerPhase = 'starting';
  /** Live tasks posted and not reported. */
  inFlight = 0;
  /** Slots revoked and awaiting the worker's `SKIPPED` acknowledgement. */
  zombies = 0;
  completed = 0;
  busyMs = 0;
  heapUsedBytes = 0;
  readonly spawnedAt: number;
  readyAt = 0;
  lastActiveAt = 0;
  /** Why the pool is closing it (`idle`, `recycled`, `closed`, `resized`, ...), if it is. */
  exitReason: string | undefined;
  /** The pool asked it to exit (close or terminate): its exit is not a crash. */
  closeRequested = false;
  /** Counted in the set's `starting` gauge. */
  countedStarting = true;
  readonly #owner: WorkerHandleOwner;
  readonly #window: DispatchWindow;
  readonly #freeSlots: number[];
  #outbox: unknown[] = [MSG_TASKS];
  #transfers: TransferListItem[] | undefined;
  #flushQueued = false;
  #sequence = 0;
  #referenced = true;
  #exitError: unknown;

  constructor(id: number, options: SpawnOptions, owner: WorkerHandleOwner, now: number) {
    this.id = id;
    this.#owner = owner;
    this.#window = options.window;
    this.spawnedAt = now;
    this.lastActiveAt = now;
    const shared = new SharedArrayBuffer(sharedBytes(options.slots));
    this.states = new Int32Array(shared, 0, options.slots);
    this.flags = new Int32Array(shared, options.slots * Int32Array.BYTES_PER_ELEMENT, options.slots);
    this.entries = new Array(options.slots).fill(undefined);
    this.#freeSlots = Array.from({ length: options.slots }, (_, index) => options.slots - 1 - index);
    const workerData: WorkerBootData = {
      moduleUrl: options.moduleUrl,
      shared,
      slots: options.slots,
      workerData: options.workerData,
      threadId: id,
      reportHeapAlways: options.reportHeapAlways,
    };
    this.worker = new Worker(options.entryUrl, {
      workerData,
      name: `${options.name} #${id}`,
      ...(options.resourceLimits !== undefined ? { resourceLimits: options.resourceLimits } : {}),
      ...(options.execArgv !== undefined ? { execArgv: [...options.execArgv] } : {}),
      ...(options.env !== undefined ? { env: options.env } : {}),
    });
    this.worker.on('message', (message: unknown[]) => this.#onMessage(message));
    this.worker.on('error', (error) => {
      this.#exitError = error;
    });
    this.worker.on('exit', (code) => {
      this.phase = 'dead';
      this.#owner.onExit(this, code, this.#exitError);
    });
  }

  /** Free slots (a slot is needed per posted task). */
  get freeSlots(): number {
    return this.#freeSlots.length;
  }

  #onMessage(message: unknown[]): void {
    if (message[0] === MSG_RESULTS) this.#owner.onResults(this, message);
    else if (message[0] === MSG_READY && this.phase === 'starting') {
      this.phase = 'ready';
      this.#owner.onReady(this);
    }
  }

  /** Keeps the process alive only while the worker has work (or a caller waits for it to start). */
  setReferenced(referenced: boolean): void {
    if (referenced === this.#referenced) return;
    this.#referenced = referenced;
    if (referenced) this.worker.ref();
    else this.worker.unref();
  }

  /** Posts `entry` (batched until the end of the tick). Caller checked `freeSlots > 0`. Hot path. */
  post(entry: TaskEntry, now: number): void {
    const slot = this.#freeSlots.pop() as number;
    entry.worker = this;
    entry.slot = slot;
    entry.sequence = ++this.#sequence;
    entry.alone = this.inFlight === 0;
    if (entry.alone) entry.postedAt = now;
    this.entries[slot] = entry;
    this.inFlight++;
    this.flags[slot] = 0;
    Atomics.store(this.states, slot, SLOT_POSTED);
    this.#outbox.push(slot, entry.task.id, entry.name, entry.input);
    const list = entry.transferList;
    if (list !== undefined) {
      this.#transfers ??= [];
      for (const item of list) this.#transfers.push(item);
    }
    if (this.#window.heavy) {
      this.flush(); // heavy payloads: one message per task (see HEAVY_CLONE_MS)
      return;
    }
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Sends the batch. On a clone error, retries one task at a time and hands back the bad ones. */
  flush(): void {
    this.#flushQueued = false;
    const outbox = this.#outbox;
    if (outbox.length === 1) return;
    const transfers = this.#transfers;
    this.#outbox = [MSG_TASKS];
    this.#transfers = undefined;
    if (this.phase === 'dead') return; // the exit handler took the entries back
    try {
      const startedAt = performance.now();
      this.worker.postMessage(outbox, transfers);
      this.#window.observeClone((performance.now() - startedAt) / ((outbox.length - 1) / TASK_FIELDS));
    } catch {
      this.#postOneByOne(outbox);
    }
  }

  /** After a batch failed to clone: each task alone, so one bad input fails only its own task. */
  #postOneByOne(outbox: readonly unknown[]): void {
    for (let index = 1; index < outbox.length; index += TASK_FIELDS) {
      const slot = outbox[index] as number;
      const entry = this.entries[slot];
      if (entry === undefined) {
        // Revoked in the same tick: the worker will never see it, so nobody will acknowledge it.
        if (Atomics.load(this.states, slot) === SLOT_REVOKED) this.releaseZombie(slot);
        continue;
      }
      const payload = entry.task.payload;
      try {
        this.worker.postMessage(
          [MSG_TASKS, entry.slot, entry.task.id, payload.name, payload.input],
          entry.transferList,
        );
      } catch (cause) {
        const path = findUncloneablePath(entry.input, 'input');
        const error = new DataCloneError(
          `The input of task ${entry.task.id} (\`${entry.name}\`) cannot be cloned (at \`${path}\`): ${(cause as Error).message}`,
          { cause, path, taskId: entry.task.id },
        );
        this.release(entry);
        this.#owner.onPostFailed(this, entry, error);
      }
    }
  }

  /** Frees the slot of a reported entry. */
  release(entry: TaskEntry): void {
    const slot = entry.slot;
    this.entries[slot] = undefined;
    Atomics.store(this.states, slot, SLOT_FREE);
    this.#freeSlots.push(slot);
    this.inFlight--;
    entry.worker = undefined;
    entry.slot = -1;
  }

  /** Frees a revoked slot once the worker acknowledged it. */
  releaseZombie(slot: number): void {
    Atomics.store(this.states, slot, SLOT_FREE);
    this.#freeSlots.push(slot);
    this.zombies--;
  }

  /**
   * Takes an unstarted task back (work stealing, cancellation, retirement). Returns false when the
   * worker already started it. The slot stays reserved until the worker skips it.
   */
  revoke(entry: TaskEntry): boolean {
    const slot = entry.slot;
    if (Atomics.compareExchange(this.states, slot, SLOT_POSTED, SLOT_REVOKED) !== SLOT_POSTED) return false;
    this.entries[slot] = undefined;
    this.inFlight--;
    this.zombies++;
    entry.worker = undefined;
    entry.slot = -1;
    return true;
  }

  /** Whether the worker claimed the task (it may have run it, fully or partly). */
  started(entry: TaskEntry): boolean {
    return Atomics.load(this.states, entry.slot) !== SLOT_POSTED;
  }

  /** Raises the shared abort flag of a running task and sends the reason. */
  abort(entry: TaskEntry, reason: unknown): void {
    Atomics.store(this.flags, entry.slot, 1);
    try {
      this.worker.postMessage([MSG_ABORT, entry.slot, serializeError(reason)]);
    } catch {
      // The worker is gone; its exit handler settles the task.
    }
  }

  /** Asks the worker to run `teardown` and exit. */
  close(reason: string): void {
    if (this.phase === 'dead' || this.phase === 'closing') return;
    this.exitReason ??= reason;
    this.closeRequested = true;
    const wasStarting = this.phase === 'starting';
    this.phase = 'closing';
    if (wasStarting) void this.worker.terminate();
    else this.worker.postMessage([MSG_CLOSE]);
  }

  /** Stops the thread now. */
  terminate(reason: string): void {
    if (this.phase === 'dead') return;
    this.exitReason ??= reason;
    this.closeRequested = true;
    this.phase = 'closing';
    void this.worker.terminate();
  }
}
