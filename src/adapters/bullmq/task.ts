/**
 * One BullMQ job handed out by `BullMQSource.next()`, as a {@link SourcedTask}: held with its
 * lock token until it is acked or nacked. The mapping of DESIGN §8 onto BullMQ's manual
 * processing: `heartbeat()` is `extendLock`, `ack()` is `moveToCompleted`, `nack()` is
 * `moveToFailed` (BullMQ applies the job's attempts and backoff), `moveToFailed` with an
 * unrecoverable error when `fatal`, `moveToDelayed` without counting an attempt for `retryAfterMs`.
 *
 * @module
 */
import type { Job } from 'bullmq';
import { LockLostError } from '../../internal/errors.js';
import { invalidOption } from '../../internal/options.js';
import type { NackOptions, SourcedTask } from '../../tasks/source.js';

/** BullMQ's codes for "this token no longer holds the job": missing job, missing lock, wrong state, other lock. */
const LOCK_ERROR_CODES = new Set([-1, -2, -3, -6]);

function isLockError(error: unknown): boolean {
  return LOCK_ERROR_CODES.has((error as { code?: unknown } | null)?.code as number);
}

/** BullMQ needs an Error (it records `message` and `stack`): other thrown values are wrapped. */
function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  let text: string;
  if (typeof value === 'string') text = value;
  else {
    try {
      text = `Task failed with a non-Error value: ${JSON.stringify(value) ?? String(value)}`;
    } catch {
      text = `Task failed with a non-Error value: ${String(value)}`;
    }
  }
  return new Error(text, { cause: value });
}

/**
 * The same failure, named `UnrecoverableError`: BullMQ (5 and 6) fails a job with such an error
 * for good, whatever its attempts (its docs, "Stop retrying jobs"; BullMQ 6 has no `job.discard()`).
 */
function unrecoverable(error: Error): Error {
  const failure = new Error(error.message, { cause: error });
  failure.name = 'UnrecoverableError';
  if (error.stack !== undefined) failure.stack = error.stack;
  return failure;
}

function checkNackOptions(options: unknown): NackOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') invalidOption('options', 'an object', options);
  const { retryAfterMs, fatal } = options as NackOptions;
  if (
    retryAfterMs !== undefined &&
    !(typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs >= 0)
  ) {
    invalidOption('retryAfterMs', 'a finite number >= 0', retryAfterMs);
  }
  if (fatal !== undefined && typeof fatal !== 'boolean') invalidOption('fatal', 'a boolean', fatal);
  return options as NackOptions;
}

/**
 * Turns the next job that BullMQ's completion script returned (`[jobData, jobId, ...]`, locked
 * with the completed job's token) into a task, or `undefined` when it returned none.
 */
export type ChainNext = (completed: unknown, token: string, fetchedSince: number) => Promise<SourcedTask | undefined>;

/** One fetched job, held with its lock token until it is acked or nacked. */
export class BullMQTask implements SourcedTask {
  readonly id: string;
  readonly data: unknown;
  readonly #job: Job;
  readonly #token: string;
  readonly #lockDurationMs: number;
  readonly #sourceClosed: () => boolean;
  readonly #chain: ChainNext | undefined;
  /** Our lock surely lasts until then: set from the moment the last successful extend was sent. */
  #lockedUntil: number;

  /**
   * @param fetchedSince - when the fetch that returned `job` started: its lock lasts at least
   *   `lockDurationMs` from then.
   * @param sourceClosed - true once the source is closed (a heartbeat then fails at once).
   * @param chain - turns a job fetched by the completion script into a task (see `ackAndNext`);
   *   without it, `ackAndNext` only acks.
   */
  constructor(
    job: Job,
    token: string,
    fetchedSince: number,
    lockDurationMs: number,
    sourceClosed: () => boolean,
    chain?: ChainNext,
  ) {
    this.id = String(job.id);
    this.data = job.data;
    this.#job = job;
    this.#token = token;
    this.#lockDurationMs = lockDurationMs;
    this.#sourceClosed = sourceClosed;
    this.#chain = chain;
    this.#lockedUntil = fetchedSince + lockDurationMs;
  }

  /**
   * Extends the lock by `lockDurationMs`. BullMQ's `extendLock` resolves 0 (it does not throw)
   * when the token no longer holds the lock: that rejects with `LockLostError`. A Redis error
   * while the lock surely still holds resolves (the next heartbeat tries again); after that, or
   * with no reply within a lock duration, it rejects with `LockLostError` too.
   */
  async heartbeat(): Promise<void> {
    const sentAt = Date.now();
    let extended: number;
    try {
      extended = await withinMs(this.#job.extendLock(this.#token, this.#lockDurationMs), this.#lockDurationMs);
    } catch (error) {
      if (!this.#sourceClosed() && Date.now() < this.#lockedUntil) return;
      throw this.#lost('its lock could not be extended', error);
    }
    if (Number(extended) !== 1) {
      throw this.#lost(
        'its lock expired or is held by another worker',
        new Error(`BullMQ extendLock returned ${String(extended)} for job ${this.id}`),
      );
    }
    this.#lockedUntil = sentAt + this.#lockDurationMs;
  }

  async ack(result: unknown): Promise<void> {
    await this.#settle(() => this.#job.moveToCompleted(result, this.#token, false));
  }

  /**
   * Completes the job and takes the next one in the same script call (`moveToCompleted` with
   * `fetchNext`, as BullMQ's own Worker does): one Redis round trip per job instead of two. The
   * next job is locked with this job's token, which this job no longer needs.
   */
  async ackAndNext(result: unknown): Promise<SourcedTask | undefined> {
    const chain = this.#chain;
    const fetchNext = chain !== undefined && !this.#sourceClosed();
    const fetchedSince = Date.now();
    let completed: unknown;
    await this.#settle(async () => {
      completed = await this.#job.moveToCompleted(result, this.#token, fetchNext);
    });
    return fetchNext ? chain(completed, this.#token, fetchedSince) : undefined;
  }

  async nack(error: unknown, options?: NackOptions): Promise<void> {
    const { retryAfterMs, fatal = false } = checkNackOptions(options);
    if (fatal) await this.#settle(() => this.#job.moveToFailed(unrecoverable(toError(error)), this.#token, false));
    else if (retryAfterMs !== undefined) {
      // skipAttempt: BullMQ's moveToDelayed leaves attemptsMade as it is.
      await this.#settle(() => this.#job.moveToDelayed(Date.now() + retryAfterMs, this.#token));
    } else await this.#settle(() => this.#job.moveToFailed(toError(error), this.#token, false));
  }

  async #settle(move: () => Promise<unknown>): Promise<void> {
    try {
      await move();
    } catch (error) {
      if (isLockError(error)) throw this.#lost('it is no longer locked by this source', error);
      throw error;
    }
  }

  #lost(why: string, cause: unknown): Error {
    return new LockLostError(`BullMQ job ${this.id}: ${why}`, { cause, taskId: this.id });
  }
}

/** `promise`, or a rejection after `ms` (the abandoned promise's own rejection is swallowed). */
function withinMs<V>(promise: Promise<V>, ms: number): Promise<V> {
  return new Promise<V>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`No reply within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
