/**
 * `createBullMQSource(queueName, options)`: a {@link TaskSource} fed by a BullMQ queue, so that
 * `pool.consume(source, fn)` runs BullMQ jobs on a poolkit pool (DESIGN §8). It uses BullMQ's
 * manual processing (the pattern of BullMQ's docs "Manually processing jobs"): a `Worker` without
 * a processor and with `autorun: false`, `getNextJob(token)` to fetch, the job's lock extended as
 * the heartbeat, and `moveToCompleted` / `moveToFailed` / `moveToDelayed` to settle.
 *
 * One fetch runs at a time (a BullMQ worker serves one blocking fetch at a time); pending `next()`
 * calls are served in order. A `next()` whose signal aborts resolves `undefined` at once; if the
 * fetch it started then returns a job, the source gives that job back itself (`moveToDelayed(now)`,
 * no attempt counted), so an aborted call never leaves a job locked by nobody.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { ConnectionOptions, Job, Worker, WorkerOptions } from 'bullmq';
import { InvalidOptionError } from '../../internal/errors.js';
import {
  booleanOption,
  customOption,
  functionOption,
  integerOption,
  invalidOption,
  numberOption,
  resolveOptions,
} from '../../internal/options.js';
import type { SourcedTask, TaskSource } from '../../tasks/source.js';
import { loadDriver } from '../load-driver.js';
import { BullMQTask } from './task.js';

/** Options of {@link createBullMQSource}. */
export interface BullMQSourceOptions {
  /**
   * BullMQ's `connection`: ioredis options such as `{ host, port, password, db }`, or a client
   * instance, given to BullMQ's `Worker` unchanged. From options BullMQ opens its own two
   * connections (commands, and the blocking fetch); from an instance it uses the instance for
   * commands and a duplicate for the blocking fetch, and leaves the instance open on `close()`.
   */
  readonly connection: ConnectionOptions;
  /** BullMQ key prefix: the queue's keys are `<prefix>:<queueName>:...`. @default 'bull' */
  readonly prefix?: string;
  /**
   * Lock duration of a fetched job, in milliseconds. A heartbeat extends the lock by this much
   * from the moment it is sent; a job whose lock expires is handed out again (at least once).
   * BullMQ's stalled check runs every `lockDurationMs` too. At least 100.
   * @default 30000
   */
  readonly lockDurationMs?: number;
  /**
   * Longest a fetch blocks on Redis waiting for a job, in seconds (BullMQ's `drainDelay`; also
   * caps the wait BullMQ would otherwise stretch to 10 s while the queue holds delayed jobs).
   * An aborted `next()` resolves at once; this bounds how long `close()` waits for a fetch in
   * flight. At least 0.01; fractions need Redis 6 or later (BullMQ rounds up otherwise).
   * @default 1
   */
  readonly blockSeconds?: number;
  /**
   * Run BullMQ's stalled-job check in this process (every `lockDurationMs`): jobs whose lock
   * expired go back to wait, or fail once they stalled more than BullMQ's `maxStalledCount` (1).
   * With `false`, some other worker of the queue must run it, or expired jobs stay active.
   * @default true
   */
  readonly stalledCheck?: boolean;
  /**
   * Told about errors BullMQ reports in the background (stalled check, the blocking fetch's
   * connection, a job the source failed to give back). Errors of `next()`, `ack()`, `nack()`
   * and `heartbeat()` reject those calls instead.
   * @default errors are dropped
   */
  readonly onError?: (error: unknown) => void;
}

/** Shorter locks expire under ordinary network and GC pauses; the stalled check would run that often too. */
const MIN_LOCK_DURATION_MS = 100;
/** Redis truncates a BZPOPMIN timeout under 1 ms to 0, which blocks forever (hence BullMQ's own 1 ms floor). */
const MIN_BLOCK_SECONDS = 0.01;

const CONNECTION_EXPECTED = 'BullMQ connection options or a client instance (an object)';

const sourceSchema = {
  connection: customOption<ConnectionOptions | undefined>(
    CONNECTION_EXPECTED,
    (value) => typeof value === 'object' && value !== null,
  ),
  prefix: customOption<string | undefined>('a non-empty string', (value) => typeof value === 'string' && value !== ''),
  lockDurationMs: integerOption({ min: MIN_LOCK_DURATION_MS, default: 30_000 }),
  blockSeconds: numberOption({ min: MIN_BLOCK_SECONDS, default: 1 }),
  stalledCheck: booleanOption({ default: true }),
  onError: functionOption<(error: unknown) => void>(),
};

type Resolved = {
  readonly connection: ConnectionOptions;
  readonly prefix: string | undefined;
  readonly lockDurationMs: number;
  readonly blockSeconds: number;
  readonly stalledCheck: boolean;
  readonly onError: ((error: unknown) => void) | undefined;
};

function checkQueueName(queueName: unknown): asserts queueName is string {
  if (typeof queueName !== 'string' || queueName === '' || queueName.includes(':')) {
    invalidOption('queueName', 'a non-empty string without `:`', queueName);
  }
}

/**
 * Creates a {@link BullMQSource} for the BullMQ queue `queueName`. Options are checked at once;
 * `bullmq` is loaded and the connections are opened on the first `next()`.
 */
export function createBullMQSource<T = unknown, R = unknown>(
  queueName: string,
  options: BullMQSourceOptions,
): BullMQSource<T, R> {
  return new BullMQSource<T, R>(queueName, options);
}

/**
 * A {@link TaskSource} of the jobs of one BullMQ queue. Create it with {@link createBullMQSource}
 * and give it to `pool.consume(source, fn)`. Each task is one job: `id` is the job id, `data` the
 * job's data; `heartbeat()` extends its lock, `ack(result)` completes it, `nack(error)` fails it
 * (BullMQ applies the job's `attempts` and `backoff`), `nack(error, { fatal: true })` fails it for
 * good, `nack(error, { retryAfterMs })` delays it without counting an attempt.
 */
export class BullMQSource<T = unknown, R = unknown> implements TaskSource<T, R>, AsyncDisposable {
  /** The heartbeat period `pool.consume()` uses: a third of `lockDurationMs`, in milliseconds. */
  readonly heartbeatMs: number;
  readonly #engine: SourceEngine;

  /** Prefer {@link createBullMQSource}. */
  constructor(queueName: string, options: BullMQSourceOptions) {
    checkQueueName(queueName);
    if (options === undefined) invalidOption('options', 'an object with `connection`', options);
    const resolved = resolveOptions('createBullMQSource()', options, sourceSchema);
    if (resolved.connection === undefined) {
      invalidOption('connection', CONNECTION_EXPECTED, undefined);
    }
    this.#engine = new SourceEngine(queueName, resolved as Resolved);
    this.heartbeatMs = Math.floor(resolved.lockDurationMs / 3);
  }

  /**
   * The next job, waiting for one if the queue is empty. Resolves `undefined` at once when
   * `signal` aborts (a job fetched for this call afterwards is given back, no attempt counted)
   * and when the source is closed. Rejects on a Redis error (the consumer retries); while Redis
   * is unreachable, BullMQ reconnects and the call waits.
   */
  next(signal: AbortSignal): Promise<SourcedTask<T, R> | undefined> {
    return this.#engine.next(signal) as Promise<SourcedTask<T, R> | undefined>;
  }

  /**
   * Closes the BullMQ worker and its connections. Pending `next()` calls resolve `undefined` at
   * once, later ones too; a fetch in flight is awaited first (at most `blockSeconds`) and a job
   * it returns is given back. When Redis does not answer, the connections are cut instead
   * (after about `blockSeconds` + 0.75 s). Tasks still held can no longer be acked or nacked (their locks
   * expire and their jobs are handed out again), so stop the consumer first. Idempotent.
   */
  close(): Promise<void> {
    return this.#engine.close();
  }

  /** `await using source = createBullMQSource(...)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

type BullMQModule = typeof import('bullmq');

interface Waiter {
  readonly resolve: (task: SourcedTask | undefined) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
}

/** First and longest pause after a fetch that came back empty without waiting (see `#fetchLoop`). */
const FIRST_PAUSE_MS = 10;
const MAX_PAUSE_MS = 100;
/** How long `close()` waits for BullMQ's polite close (QUIT) before cutting the connections. */
const CLOSE_GRACE_MS = 1000;
/**
 * BullMQ's watchdog resets the blocking connection 1 s after a block should have ended; a reset
 * racing `close()` can reconnect it after the close. `close()` stops waiting for the fetch 250 ms
 * before that and closes with force instead.
 */
const BEFORE_WATCHDOG_MS = 750;

/** The blocking wait of the fetch in flight, as BullMQ is about to start it. */
interface Block {
  readonly startedAt: number;
  readonly seconds: number;
}

/** The fetch loop and lifecycle behind a {@link BullMQSource}. */
class SourceEngine {
  readonly #queueName: string;
  readonly #options: Resolved;
  readonly #tokenPrefix = randomUUID();
  #tokenCount = 0;
  readonly #waiters: Waiter[] = [];
  #worker: Promise<Worker> | undefined;
  #pumping: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  /** The current fetch's blocking wait, once BullMQ starts it. */
  #block: Block | undefined;
  #blockStarted: (() => void) | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(queueName: string, options: Resolved) {
    this.#queueName = queueName;
    this.#options = options;
  }

  next(signal: AbortSignal): Promise<SourcedTask | undefined> {
    if (!(signal instanceof AbortSignal)) {
      return Promise.reject(
        new InvalidOptionError('Expected `signal` to be an AbortSignal', { option: 'signal', value: signal }),
      );
    }
    if (this.#closed || signal.aborted) return Promise.resolve(undefined);
    return new Promise<SourcedTask | undefined>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.#remove(waiter);
          resolve(undefined);
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
      this.#pump();
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  report(error: unknown): void {
    try {
      this.#options.onError?.(error);
    } catch {
      // a throwing onError must not break the fetch loop
    }
  }

  /**
   * Politely when Redis answers: the fetch in flight ends by itself within `blockSeconds` (a job
   * it returns is given back while the connections are still open), then BullMQ closes (QUIT).
   * When Redis does not answer, the connections are cut instead: `close()` never waits on an
   * unreachable server.
   */
  async #shutdown(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) settle(waiter, undefined);
    this.#wake?.();
    const worker = await this.#worker?.catch(() => undefined);
    if (worker === undefined) return; // no fetch ever started, or loading bullmq failed
    const report = (error: unknown) => this.report(error);
    if (!(await this.#fetchEnded())) {
      // BullMQ's force close sets its closing flag (its watchdog then leaves the blocking
      // connection alone) and disconnects both connections: the fetch ends at once.
      await settlesWithin(worker.close(true).catch(report), CLOSE_GRACE_MS);
      await settlesWithin(this.#pumping ?? Promise.resolve(), CLOSE_GRACE_MS);
    }
    if (await settlesWithin(worker.close().catch(report), CLOSE_GRACE_MS)) return;
    await worker.disconnect().catch(report); // ends a QUIT that Redis left unanswered
  }

  /**
   * Waits for the fetch in flight: true when it ended, false when Redis did not answer in time
   * (see `BEFORE_WATCHDOG_MS`). The deadline follows the block BullMQ starts.
   */
  async #fetchEnded(): Promise<boolean> {
    while (this.#pumping !== undefined) {
      const pumping = this.#pumping;
      const block = this.#block ?? { startedAt: Date.now(), seconds: this.#options.blockSeconds };
      const deadline = block.startedAt + block.seconds * 1000 + BEFORE_WATCHDOG_MS;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const outcome = await new Promise<'ended' | 'late' | 'blocked'>((resolve) => {
        timer = setTimeout(() => resolve('late'), Math.max(0, deadline - Date.now()));
        this.#blockStarted = () => resolve('blocked');
        pumping.then(() => resolve('ended'));
      });
      clearTimeout(timer);
      this.#blockStarted = undefined;
      if (outcome === 'late') return false;
    }
    return true;
  }

  #remove(waiter: Waiter): void {
    const index = this.#waiters.indexOf(waiter);
    if (index >= 0) this.#waiters.splice(index, 1);
  }

  #pump(): void {
    if (this.#pumping !== undefined) return;
    this.#pumping = this.#fetchLoop()
      .catch((error: unknown) => this.report(error))
      .then(() => {
        this.#pumping = undefined;
        if (this.#waiters.length > 0 && !this.#closed) this.#pump();
      });
  }

  /** Fetches while someone waits; one `getNextJob` at a time. */
  async #fetchLoop(): Promise<void> {
    let pauseMs = FIRST_PAUSE_MS;
    while (this.#waiters.length > 0 && !this.#closed) {
      const token = `${this.#tokenPrefix}:${this.#tokenCount}`;
      const startedAt = Date.now();
      this.#block = undefined;
      let job: Job | undefined;
      try {
        const worker = await this.#ready();
        if (this.#closed) return;
        job = await worker.getNextJob(token, { block: true });
      } catch (error) {
        for (const waiter of this.#waiters.splice(0)) fail(waiter, error);
        return;
      }
      if (job === undefined) {
        // BullMQ returns at once, without I/O, while the queue is rate limited: looping on that
        // would starve the event loop. Pause (10 ms doubling to 100 ms) after an empty return that
        // did not wait; one that waited resets the pause.
        if (Date.now() - startedAt < FIRST_PAUSE_MS) {
          await this.#pause(pauseMs);
          pauseMs = Math.min(pauseMs * 2, MAX_PAUSE_MS);
        } else pauseMs = FIRST_PAUSE_MS;
        continue;
      }
      pauseMs = FIRST_PAUSE_MS;
      this.#tokenCount++;
      const waiter = this.#waiters.shift();
      if (waiter === undefined) await this.#giveBack(job, token);
      else settle(waiter, this.#task(job, token, startedAt));
    }
  }

  #task(job: Job, token: string, fetchedSince: number): BullMQTask {
    const chain = this.#chains ? this.#chain : undefined;
    return new BullMQTask(job, token, fetchedSince, this.#options.lockDurationMs, this.#isClosed, chain);
  }

  readonly #isClosed = (): boolean => this.#closed;
  /** The worker can turn a job fetched by a completion into a task (see `#chain`). */
  #chains = false;

  /** A job the completion script fetched (see `BullMQTask.ackAndNext`), as a task. */
  readonly #chain = async (
    completed: unknown,
    token: string,
    fetchedSince: number,
  ): Promise<SourcedTask | undefined> => {
    if (!Array.isArray(completed) || !completed[0]) return undefined; // no job ready (or rate limited)
    const worker = (await this.#ready()) as SourceWorker;
    const job = await worker.jobFromData(completed[0], completed[1], token);
    if (job === undefined) return undefined;
    if (this.#closed) {
      await this.#giveBack(job, token);
      return undefined;
    }
    return this.#task(job, token, fetchedSince);
  };

  /** Puts back a job nobody waits for any more (its `next()` aborted): no attempt counted. */
  async #giveBack(job: Job, token: string): Promise<void> {
    try {
      await job.moveToDelayed(Date.now(), token);
    } catch (error) {
      this.report(error);
    }
  }

  #pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }

  #ready(): Promise<Worker> {
    this.#worker ??= this.#createWorker().catch((error: unknown) => {
      this.#worker = undefined; // not cached: installing bullmq later works without a restart
      throw error;
    });
    return this.#worker;
  }

  async #createWorker(): Promise<Worker> {
    const bullmq = await loadDriver<BullMQModule>('bullmq', () => import('bullmq'));
    const { connection, prefix, lockDurationMs, blockSeconds, stalledCheck } = this.#options;
    const SourceWorkerClass = sourceWorkerClass(bullmq.Worker, blockSeconds, (seconds) => {
      this.#block = { startedAt: Date.now(), seconds };
      this.#blockStarted?.();
    });
    const worker = new SourceWorkerClass(this.#queueName, null, {
      connection,
      ...(prefix === undefined ? {} : { prefix }),
      autorun: false,
      lockDuration: lockDurationMs,
      drainDelay: blockSeconds,
      stalledInterval: lockDurationMs,
      skipStalledCheck: !stalledCheck,
      skipLockRenewal: true,
    });
    this.#chains = worker.buildsJobs;
    // Without a listener BullMQ prints its background errors; they go to onError instead.
    worker.on('error', (error) => this.report(error));
    // Manual processing starts no stalled checker of its own (BullMQ docs, "Manually processing jobs").
    if (stalledCheck) await worker.startStalledCheckTimer();
    return worker;
  }
}

function settle(waiter: Waiter, task: SourcedTask | undefined): void {
  waiter.signal.removeEventListener('abort', waiter.onAbort);
  waiter.resolve(task);
}

function fail(waiter: Waiter, error: unknown): void {
  waiter.signal.removeEventListener('abort', waiter.onAbort);
  waiter.reject(error);
}

/** The source's Worker: see {@link sourceWorkerClass}. */
interface SourceWorker extends Worker {
  /** Whether `jobFromData` works with this BullMQ version. */
  readonly buildsJobs: boolean;
  /** A job from the data BullMQ's completion script returned, or undefined without one. */
  jobFromData(data: unknown, id: unknown, token: string): Promise<Job | undefined>;
}

/**
 * The source's Worker class. Its blocking fetch never waits longer than `blockSeconds`, and it
 * tells `onBlock` when a blocking wait starts: BullMQ bounds the wait by `drainDelay` only when
 * the queue has no delayed job; with one, it waits until that job is due, up to 10 s, which would
 * hold `close()` that long. That overrides BullMQ's protected `getBlockTimeout`, which BullMQ
 * calls right before it blocks (a version without it never calls the override). `jobFromData` exposes the
 * protected `nextJobFromJobData`, the step BullMQ's own Worker takes after a completion that
 * fetched the next job (undefined where a version lacks it, and then `ackAndNext` only acks).
 */
function sourceWorkerClass(
  Base: typeof Worker,
  blockSeconds: number,
  onBlock: (seconds: number) => void,
): new (
  name: string,
  processor: null,
  options: WorkerOptions,
) => SourceWorker {
  const canBuildJobs = typeof Reflect.get(Base.prototype, 'nextJobFromJobData') === 'function';
  return class extends Base implements SourceWorker {
    readonly buildsJobs = canBuildJobs;

    protected override getBlockTimeout(blockUntil: number): number {
      const seconds = Math.min(super.getBlockTimeout(blockUntil), blockSeconds);
      if (seconds > 0) onBlock(seconds);
      return seconds;
    }

    async jobFromData(data: unknown, id: unknown, token: string): Promise<Job | undefined> {
      if (!canBuildJobs) return undefined;
      return (await this.nextJobFromJobData(data as never, id as string, token)) ?? undefined;
    }
  };
}

/** True when `promise` settles within `ms`, false when the wait ends first. */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const done = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(done, done);
  });
}
