/**
 * `pool.consume(source, fn, options)`: runs the tasks of a {@link TaskSource} on a pool (DESIGN
 * §8). One `next()` at a time, and only while fewer than `concurrency` tasks are held (fetched and
 * not yet acked or nacked), so a consumer never takes more work from a shared queue than it can
 * start soon: the rest stays available to other machines. Each held task is heartbeated (BullMQ:
 * its lock extended) from the moment it is fetched, while it waits in the pool's queue too, until
 * its ack or nack.
 *
 * Outcomes: the handler's result is acked; its failure is nacked with the options `nackOptions`
 * returns (default: the source's own retry policy); a task the pool refused (closed, queue full)
 * is given back at once (`nack(error, { retryAfterMs: 0 })`, no attempt counted) and a closed
 * pool stops the consumer; a task whose heartbeat fails is abandoned (its handler's signal aborts
 * with `LockLostError`, and it is neither acked nor nacked, since the source gave it to someone
 * else). A failed `next()` is retried with exponential backoff. Errors that are not a task's
 * own (source, ack, nack, heartbeat) go to `onError`, or become a process warning.
 *
 * The runner is the only pool-specific part: `TaskPool` runs `fn(data, signal)`, `ThreadPool` a
 * named handler with the task's data as input.
 *
 * @module
 */
import type { Clock, Timer } from '../internal/clock.js';
import { AbortError, ClosedError, LockLostError, QueueFullError } from '../internal/errors.js';
import {
  customOption,
  durationOption,
  functionOption,
  integerOption,
  invalidOption,
  resolveOptions,
} from '../internal/options.js';
import type { NackOptions, SourcedTask, TaskSource } from './source.js';

/** Options of `pool.consume()`. */
export interface ConsumeOptions {
  /**
   * Most tasks held at once (fetched and not yet acked or nacked), running or waiting in the
   * pool's queue.
   * @default the pool's concurrency, or 16 when that is `Infinity`
   */
  readonly concurrency?: number;
  /**
   * Period of each held task's heartbeat, in milliseconds.
   * @default the source's `heartbeatMs` when it has one, else 10000
   */
  readonly heartbeatMs?: number;
  /** Run timeout of each task (as `run()`'s `timeoutMs`); a timed-out task is nacked. */
  readonly timeoutMs?: number;
  /** Stops the consumer when it aborts, as `stop()` does (held tasks still finish). */
  readonly signal?: AbortSignal;
  /**
   * How a failed task goes back to its source, e.g. `(error) => (error instanceof TypeError ? {
   * fatal: true } : undefined)`. `undefined` leaves it to the source's retry policy.
   */
  readonly nackOptions?: (error: unknown, task: SourcedTask) => NackOptions | undefined;
  /**
   * Receives the errors that are not a task's own outcome: a failed `next()` (retried), ack,
   * nack or heartbeat. Default: a process warning.
   */
  readonly onError?: (error: unknown) => void;
  /**
   * First delay after a failed `next()`, doubled after each further failure up to 5 s.
   * @default 100
   */
  readonly retryDelayMs?: number;
}

/** Counters of a {@link Consumer}. */
export interface ConsumerStats {
  /** `running` while it fetches, `stopping` while held tasks finish, `stopped` at the end. */
  readonly state: 'running' | 'stopping' | 'stopped';
  /** Tasks fetched and not yet acked, nacked or abandoned. */
  readonly held: number;
  /** Tasks fetched from the source. */
  readonly fetched: number;
  /** Tasks acked (their handler succeeded). */
  readonly acked: number;
  /** Tasks nacked (their handler failed, or the pool refused them). */
  readonly nacked: number;
  /** Tasks abandoned because a heartbeat failed (the source no longer held them for us). */
  readonly lost: number;
  /** Failed `next()`, ack, nack and heartbeat calls. */
  readonly sourceErrors: number;
}

/** Runs one task's data on the pool; `signal` aborts when its lock is lost. */
export type ConsumeRunner<T, R> = (data: T, signal: AbortSignal, timeoutMs: number | undefined) => Promise<R>;

const MAX_RETRY_DELAY_MS = 5_000;
const DEFAULT_HEARTBEAT_MS = 10_000;

const consumeSchema = {
  concurrency: integerOption({ min: 1 }),
  heartbeatMs: integerOption({ min: 1 }),
  timeoutMs: durationOption(),
  signal: customOption<AbortSignal | undefined>('an AbortSignal', (value) => value instanceof AbortSignal),
  nackOptions: functionOption<(error: unknown, task: SourcedTask) => NackOptions | undefined>(),
  onError: functionOption<(error: unknown) => void>(),
  retryDelayMs: integerOption({ min: 1, default: 100 }),
};

function isSource(value: unknown): value is TaskSource {
  return typeof (value as { next?: unknown } | null)?.next === 'function';
}

/**
 * A running consumption of a {@link TaskSource} (from `pool.consume()`). `stop()` stops fetching
 * and resolves once every held task has been acked or nacked; `done` settles then too, also when
 * the source is exhausted or the pool closes.
 */
export class Consumer<T = unknown, R = unknown> implements AsyncDisposable {
  readonly #source: TaskSource<T, R>;
  readonly #run: ConsumeRunner<T, R>;
  readonly #clock: Clock;
  readonly #concurrency: number;
  readonly #heartbeatMs: number;
  readonly #timeoutMs: number | undefined;
  readonly #nackOptions: ((error: unknown, task: SourcedTask) => NackOptions | undefined) | undefined;
  readonly #onError: ((error: unknown) => void) | undefined;
  readonly #retryDelayMs: number;
  /** Aborts the pending `next()` (and a backoff wait) on stop. */
  readonly #fetch = new AbortController();
  readonly #done: Promise<void>;
  #finish: () => void = () => {};
  #state: ConsumerStats['state'] = 'running';
  #held = 0;
  #fetched = 0;
  #acked = 0;
  #nacked = 0;
  #lost = 0;
  #sourceErrors = 0;
  /** Wakes the fetch loop when a held task is released. */
  #room: (() => void) | undefined;
  /** Wakes `#drain()` when the last held task is released. */
  #drained: (() => void) | undefined;

  /** @internal Pools create consumers through `consume()`. */
  constructor(
    source: TaskSource<T, R>,
    run: ConsumeRunner<T, R>,
    clock: Clock,
    defaultConcurrency: number,
    options: ConsumeOptions | undefined,
  ) {
    if (!isSource(source)) invalidOption('source', 'a TaskSource (an object with a next(signal) method)', source);
    const resolved = resolveOptions('consume()', options, consumeSchema);
    this.#source = source;
    this.#run = run;
    this.#clock = clock;
    this.#concurrency = resolved.concurrency ?? defaultConcurrency;
    const suggested = (source as { heartbeatMs?: unknown }).heartbeatMs;
    this.#heartbeatMs =
      resolved.heartbeatMs ??
      (typeof suggested === 'number' && Number.isFinite(suggested) && suggested > 0 ? suggested : DEFAULT_HEARTBEAT_MS);
    this.#timeoutMs = resolved.timeoutMs;
    this.#nackOptions = resolved.nackOptions;
    this.#onError = resolved.onError;
    this.#retryDelayMs = resolved.retryDelayMs;
    this.#done = new Promise<void>((resolve) => {
      this.#finish = resolve;
    });
    const signal = resolved.signal;
    if (signal !== undefined) {
      if (signal.aborted) this.#state = 'stopping';
      else signal.addEventListener('abort', () => void this.stop(), { once: true });
    }
    this.#loop().catch((error: unknown) => {
      // Not expected (every call that can fail is guarded); the consumer must still finish.
      this.#report(error);
      this.#state = 'stopped';
      this.#finish();
    });
  }

  /** Settles when the consumer has stopped and every held task was acked, nacked or abandoned. */
  get done(): Promise<void> {
    return this.#done;
  }

  /** Stops fetching; resolves when every held task has been acked or nacked. Idempotent. */
  stop(): Promise<void> {
    if (this.#state === 'running') this.#state = 'stopping';
    this.#fetch.abort(new AbortError('consume() was stopped'));
    this.#room?.();
    return this.#done;
  }

  /** `await using consumer = pool.consume(...)` stops it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /** A snapshot of the consumer's state and counters. */
  stats(): ConsumerStats {
    return {
      state: this.#state,
      held: this.#held,
      fetched: this.#fetched,
      acked: this.#acked,
      nacked: this.#nacked,
      lost: this.#lost,
      sourceErrors: this.#sourceErrors,
    };
  }

  async #loop(): Promise<void> {
    let delay = this.#retryDelayMs;
    while (this.#state === 'running') {
      if (this.#held >= this.#concurrency) {
        await new Promise<void>((resolve) => {
          this.#room = resolve;
        });
        this.#room = undefined;
        continue;
      }
      let task: SourcedTask<T, R> | undefined;
      try {
        task = await this.#source.next(this.#fetch.signal);
        delay = this.#retryDelayMs;
      } catch (error) {
        if (this.#state !== 'running') break;
        this.#report(error);
        await this.#sleep(delay);
        delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
        continue;
      }
      if (task === undefined) break; // exhausted, or stopped
      if (this.#state !== 'running') {
        await this.#returnUnstarted(task);
        break;
      }
      this.#start(task);
    }
    if (this.#state === 'running') this.#state = 'stopping';
    if (this.#held > 0) {
      await new Promise<void>((resolve) => {
        this.#drained = resolve;
      });
    }
    this.#state = 'stopped';
    this.#finish();
  }

  #start(task: SourcedTask<T, R>): void {
    this.#fetched++;
    this.#held++;
    // Aborts only when a heartbeat fails (the handler's signal also aborts on timeout/destroy).
    const lost = new AbortController();
    const stopBeating = this.#keepAlive(task, lost);
    let outcome: Promise<R>;
    try {
      outcome = this.#run(task.data, lost.signal, this.#timeoutMs);
    } catch (error) {
      outcome = Promise.reject(error);
    }
    outcome
      .then(
        async (result) => {
          if (lost.signal.aborted) return;
          stopBeating();
          // At capacity with no next() pending, a source that can ack and fetch in one call
          // hands the next task straight into this slot (BullMQ: one script call per job).
          if (task.ackAndNext !== undefined && this.#state === 'running' && this.#room !== undefined) {
            await this.#ackAndNext(task, result);
            return;
          }
          await this.#settle(() => task.ack(result), 'ack');
        },
        async (error: unknown) => {
          if (lost.signal.aborted) return;
          stopBeating();
          if (error instanceof ClosedError || error instanceof QueueFullError) {
            // The pool refused it: not the task's failure.
            if (error instanceof ClosedError && this.#state === 'running') void this.stop();
            await this.#giveBack(task, error);
            return;
          }
          let options: NackOptions | undefined;
          try {
            options = this.#nackOptions?.(error, task as SourcedTask);
          } catch (classifyError) {
            this.#report(classifyError);
          }
          await this.#settle(() => task.nack(error, options), 'nack');
        },
      )
      .finally(() => {
        stopBeating();
        this.#release();
      });
  }

  /**
   * Heartbeats `task` every `heartbeatMs` (the next beat is armed once the last one answered)
   * until the returned function is called. A failed beat means the task is no longer ours:
   * `lost` aborts with `LockLostError`.
   */
  #keepAlive(task: SourcedTask<T, R>, lost: AbortController): () => void {
    let timer: Timer | undefined;
    let stopped = false;
    const beat = (): void => {
      timer = this.#clock.setTimer(() => {
        timer = undefined;
        task.heartbeat().then(
          () => {
            if (!stopped && !lost.signal.aborted) beat();
          },
          (error: unknown) => {
            if (stopped || lost.signal.aborted) return;
            this.#lost++;
            this.#report(error);
            lost.abort(
              new LockLostError(`Task ${task.id}: its heartbeat failed, so its source no longer holds it for us`, {
                cause: error,
                taskId: task.id,
              }),
            );
          },
        );
      }, this.#heartbeatMs);
    };
    beat();
    return () => {
      stopped = true;
      timer?.cancel();
      timer = undefined;
    };
  }

  async #ackAndNext(task: SourcedTask<T, R>, result: R): Promise<void> {
    let next: SourcedTask<T, R> | undefined;
    try {
      next = await (task.ackAndNext as (result: R) => Promise<SourcedTask<T, R> | undefined>)(result);
      this.#acked++;
    } catch (error) {
      this.#report(error);
      return;
    }
    if (next === undefined) return;
    if (this.#state === 'running')
      this.#start(next); // takes the slot this task frees next
    else await this.#returnUnstarted(next);
  }

  /** A task the source handed out after the consumer began to stop: counted, then given back untouched. */
  async #returnUnstarted(task: SourcedTask<T, R>): Promise<void> {
    this.#fetched++;
    this.#held++;
    await this.#giveBack(task, new AbortError('consume() was stopped before the task started'));
    this.#release();
  }

  async #giveBack(task: SourcedTask<T, R>, error: unknown): Promise<void> {
    await this.#settle(() => task.nack(error, { retryAfterMs: 0 }), 'nack');
  }

  async #settle(call: () => Promise<void>, kind: 'ack' | 'nack'): Promise<void> {
    try {
      await call();
      if (kind === 'ack') this.#acked++;
      else this.#nacked++;
    } catch (error) {
      this.#report(error);
    }
  }

  #release(): void {
    this.#held--;
    this.#room?.();
    if (this.#held === 0) this.#drained?.();
  }

  #report(error: unknown): void {
    this.#sourceErrors++;
    const onError = this.#onError;
    if (onError === undefined) {
      process.emitWarning(error instanceof Error ? error : String(error), { code: 'POOLKIT_CONSUME' });
      return;
    }
    try {
      onError(error);
    } catch (thrown) {
      process.emitWarning(thrown instanceof Error ? thrown : String(thrown), { code: 'POOLKIT_CONSUME' });
    }
  }

  /** Waits `ms` on the pool's clock, or less if the consumer stops. */
  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const signal = this.#fetch.signal;
      if (signal.aborted) {
        resolve();
        return;
      }
      const timer = this.#clock.setTimer(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      timer.ref(); // a consumer waiting to retry its source is work in progress
      const onAbort = (): void => {
        timer.cancel();
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
