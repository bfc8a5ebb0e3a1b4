/**
 * The task loop inside a worker: claims each task of a batch through its shared slot, runs the
 * handler, and sends results back in batches. Results are flushed when the batch is done, and
 * earlier when the next task is expected to be slow (its handler's average run time) or the
 * pending results are getting old, so that a long task does not hold back the answers of the
 * short ones before it (the `mixed` benchmark's tail latency).
 *
 * @module
 */
import { getHeapStatistics } from 'node:v8';
import type { MessagePort, TransferListItem } from 'node:worker_threads';
import { findUncloneablePath, serializeError } from '../error-serde.js';
import {
  MSG_RESULTS,
  RESULT_CLONE_ERROR,
  RESULT_ERROR,
  RESULT_FIELDS,
  RESULT_OK,
  RESULT_SKIPPED,
  SLOT_POSTED,
  SLOT_RUNNING,
  TASK_FIELDS,
} from '../protocol.js';
import { isTransferred } from '../transfer.js';
import { unknownHandlerError } from './load-module.js';
import { WorkerTaskContext } from './task-context.js';

type Handler = (input: unknown, context: WorkerTaskContext) => unknown;

/** Flush pending results before a task whose handler averages more than this (ms). */
const SLOW_TASK_MS = 0.1;
/** Flush pending results before any task once the oldest is this old (ms). */
const MAX_RESULT_AGE_MS = 0.5;
/** Report heap usage at most this often (ms). */
const HEAP_REPORT_INTERVAL_MS = 50;

interface HandlerTiming {
  averageMs: number;
}

/** Runs tasks for one worker. */
export class WorkerRuntime {
  readonly #port: MessagePort;
  readonly #handlers: Map<string, Handler>;
  readonly #states: Int32Array;
  readonly #flags: Int32Array;
  readonly #slots: number;
  readonly #contexts: (WorkerTaskContext | undefined)[];
  readonly #timings = new Map<string, HandlerTiming>();
  #results: unknown[] = [MSG_RESULTS, -1];
  #transfers: TransferListItem[] | undefined;
  #oldestResultAt = 0;
  #flushQueued = false;
  #lastHeapReportAt = Number.NEGATIVE_INFINITY;
  #pendingAsync = 0;
  readonly #heapIntervalMs: number;

  constructor(
    port: MessagePort,
    handlers: Map<string, Handler>,
    shared: SharedArrayBuffer,
    slots: number,
    reportHeapAlways: boolean,
  ) {
    this.#heapIntervalMs = reportHeapAlways ? 0 : HEAP_REPORT_INTERVAL_MS;
    this.#port = port;
    this.#handlers = handlers;
    this.#states = new Int32Array(shared, 0, slots);
    this.#flags = new Int32Array(shared, slots * Int32Array.BYTES_PER_ELEMENT, slots);
    this.#slots = slots;
    this.#contexts = new Array(slots).fill(undefined);
  }

  /** Tasks still running asynchronously. */
  get pendingAsync(): number {
    return this.#pendingAsync;
  }

  /** Runs a `TASKS` message. Hot path. */
  runBatch(message: readonly unknown[]): void {
    for (let index = 1; index < message.length; index += TASK_FIELDS) {
      const slot = message[index] as number;
      if (Atomics.compareExchange(this.#states, slot, SLOT_POSTED, SLOT_RUNNING) !== SLOT_POSTED) {
        this.#push(slot, RESULT_SKIPPED, undefined, 0);
        continue;
      }
      const name = message[index + 2] as string;
      if (this.#results.length > 2 && this.#shouldFlushBefore(name)) this.flush();
      this.#run(slot, message[index + 1] as number, name, message[index + 3]);
    }
    this.flush();
  }

  /** Delivers the pool's abort message to a running task. */
  abort(slot: number, reason: unknown): void {
    this.#contexts[slot]?.abort(reason);
  }

  #shouldFlushBefore(name: string): boolean {
    const timing = this.#timings.get(name);
    if (timing !== undefined && timing.averageMs > SLOW_TASK_MS) return true;
    return performance.now() - this.#oldestResultAt > MAX_RESULT_AGE_MS;
  }

  #run(slot: number, taskId: number, name: string, input: unknown): void {
    const handler = this.#handlers.get(name);
    if (handler === undefined) {
      const error = unknownHandlerError(name, this.#handlers);
      this.#push(slot, RESULT_ERROR, serializeError(error), 0);
      return;
    }
    const context = new WorkerTaskContext(taskId, this.#flags, slot);
    this.#contexts[slot] = context;
    const startedAt = performance.now();
    let result: unknown;
    try {
      result = handler(input, context);
    } catch (error) {
      this.#finish(slot, name, startedAt, RESULT_ERROR, serializeError(error));
      return;
    }
    if (typeof (result as PromiseLike<unknown> | undefined)?.then !== 'function') {
      this.#finish(slot, name, startedAt, RESULT_OK, result);
      return;
    }
    this.#pendingAsync++;
    (result as PromiseLike<unknown>).then(
      (value) => this.#finishAsync(slot, name, startedAt, RESULT_OK, value),
      (error: unknown) => this.#finishAsync(slot, name, startedAt, RESULT_ERROR, serializeError(error)),
    );
  }

  #finishAsync(slot: number, name: string, startedAt: number, status: number, value: unknown): void {
    this.#pendingAsync--;
    this.#finish(slot, name, startedAt, status, value);
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }

  #finish(slot: number, name: string, startedAt: number, status: number, value: unknown): void {
    const runMs = performance.now() - startedAt;
    this.#contexts[slot]?.finish();
    this.#contexts[slot] = undefined;
    const timing = this.#timings.get(name);
    if (timing === undefined) this.#timings.set(name, { averageMs: runMs });
    else timing.averageMs += (runMs - timing.averageMs) * 0.2;
    if (status === RESULT_OK && isTransferred(value)) {
      this.#transfers ??= [];
      for (const item of value.transferList) this.#transfers.push(item);
      this.#push(slot, status, value.value, runMs);
    } else this.#push(slot, status, value, runMs);
  }

  #push(slot: number, status: number, value: unknown, runMs: number): void {
    const results = this.#results;
    if (results.length === 2) this.#oldestResultAt = performance.now();
    results.push(slot, status, value, runMs);
  }

  /** Sends the pending results (one message), falling back to one message per result on a clone error. */
  flush(): void {
    this.#flushQueued = false;
    const results = this.#results;
    if (results.length === 2) return;
    const now = performance.now();
    if (now - this.#lastHeapReportAt >= this.#heapIntervalMs) {
      this.#lastHeapReportAt = now;
      results[1] = getHeapStatistics().used_heap_size;
    }
    const transfers = this.#transfers;
    this.#results = [MSG_RESULTS, -1];
    this.#transfers = undefined;
    try {
      this.#port.postMessage(results, transfers);
    } catch {
      this.#flushOneByOne(results);
    }
  }

  #flushOneByOne(results: unknown[]): void {
    for (let index = 2; index < results.length; index += RESULT_FIELDS) {
      const single = [MSG_RESULTS, index === 2 ? results[1] : -1, ...results.slice(index, index + RESULT_FIELDS)];
      try {
        this.#port.postMessage(single);
      } catch (error) {
        const what = single[3] === RESULT_ERROR ? 'error' : 'result';
        const path = findUncloneablePath(single[4], what);
        single[3] = RESULT_CLONE_ERROR;
        single[4] = { what, path, message: (error as Error).message };
        this.#port.postMessage(single);
      }
    }
  }

  /** Slot count, for checks. */
  get slots(): number {
    return this.#slots;
  }
}
