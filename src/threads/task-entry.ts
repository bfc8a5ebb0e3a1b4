/**
 * The executor's record of one started task: which worker and slot hold it, and what happened to
 * it so far (attempts, workers it was running on when they died, cancellation).
 *
 * @module
 */
import type { Timer } from '../internal/clock.js';
import type { ExecutorTask } from '../tasks/executor.js';
import type { TransferItem } from './transfer.js';
import type { WorkerHandle } from './worker-handle.js';

/** What `ThreadPool.run` hands the scheduler. */
export class ThreadPayload {
  readonly name: string;
  readonly input: unknown;
  /** Buffers to move instead of copy (`'auto'` already expanded). */
  readonly transfer: readonly TransferItem[] | undefined;
  /** Times the task may be started again after its worker died under it. */
  readonly retries: number;
  /** The executor's record, once started. */
  entry: TaskEntry | undefined = undefined;

  constructor(name: string, input: unknown, transfer: readonly TransferItem[] | undefined, retries: number) {
    this.name = name;
    this.input = input;
    this.transfer = transfer;
    this.retries = retries;
  }
}

/** A started task inside the executor. */
export class TaskEntry {
  readonly task: ExecutorTask<ThreadPayload, unknown>;
  worker: WorkerHandle | undefined = undefined;
  slot = -1;
  postedAt = 0;
  /** Posted to an idle worker: its round trip measures pure transport. */
  alone = false;
  /** Workers that died while running it. */
  kills = 0;
  /** Set when the scheduler gave up on it; the next report uses it. */
  cancelled = false;
  cancelReason: unknown = undefined;
  graceTimer: Timer | undefined = undefined;
  /** Waiting in the executor's backlog (started by the scheduler, not yet on a worker). */
  inBacklog = false;
  /** Position in the backlog, valid while `inBacklog`. */
  backlogHandle = 0;

  constructor(task: ExecutorTask<ThreadPayload, unknown>) {
    this.task = task;
  }

  get transferList(): readonly TransferItem[] | undefined {
    return this.task.payload.transfer;
  }
}
