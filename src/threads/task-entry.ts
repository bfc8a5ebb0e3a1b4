/**
 * One task of the thread pool: what `run()` hands the scheduler (handler name, input, transfer
 * list, retries) and, once the scheduler starts it, the executor's record of it (which worker and
 * slot hold it, workers it was running on when they died, cancellation). One object per task for
 * both roles: at 100k tasks a second object per task shows up in GC time.
 *
 * @module
 */
import type { Timer } from '../internal/clock.js';
import type { ExecutorTask } from '../tasks/executor.js';
import type { TransferItem } from './transfer.js';
import type { WorkerHandle } from './worker-handle.js';

/** A thread pool task: the scheduler's payload and the executor's record. */
export class TaskEntry {
  readonly name: string;
  readonly input: unknown;
  /** Buffers to move instead of copy (`'auto'` already expanded). */
  readonly transferList: readonly TransferItem[] | undefined;
  /** Times the task may be started again after its worker died under it. */
  readonly retries: number;
  /** The scheduler's task, set by the executor's `start()`. */
  task: ExecutorTask<TaskEntry, unknown> = undefined as never;
  worker: WorkerHandle | undefined = undefined;
  slot = -1;
  /** Post order on its worker (stealing takes the newest first). */
  sequence = 0;
  /** Posted to an idle worker: its round trip measures pure transport; `postedAt` is then set. */
  alone = false;
  postedAt = 0;
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

  constructor(name: string, input: unknown, transferList: readonly TransferItem[] | undefined, retries: number) {
    this.name = name;
    this.input = input;
    this.transferList = transferList;
    this.retries = retries;
  }
}

/** The scheduler's payload type for thread tasks. */
export type ThreadPayload = TaskEntry;
