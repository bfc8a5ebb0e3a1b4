/**
 * `pool.map(input, fn, { concurrency, ordered })`: a pull-based parallel map. It keeps a window of
 * at most `concurrency` items between the input and the consumer (running, or finished and not
 * yet consumed), so memory is O(concurrency) for any input length, and the input is read only as
 * the window frees. Results come out in input order (a ring of `concurrency` slots) or in
 * completion order. Tasks go through the pool's scheduler, so the pool's own limit, stats and
 * shutdown apply; they report to this object (a `TaskSink`) instead of a promise each.
 *
 * The first failure stops the map: in-flight tasks are cancelled, the input is closed
 * (`return()`), and the error is thrown from `next()`. Breaking out of `for await` does the same
 * without an error.
 *
 * The map works on any scheduler: the pool passes a {@link MapPayloads} maker that turns items
 * into its scheduler's payloads (`TaskPool`: one closure per window slot; `ThreadPool`: a task
 * entry per item).
 *
 * Fast path (`TaskPool` only, which passes the item function as `direct`): while an item would
 * start at once anyway (a free slot and nothing queued, see `Scheduler.claimDirect`), the map
 * calls the function itself on a slot it claims from the core, with no task record, admission
 * or per-task bookkeeping; the core still counts it (stats, concurrency, close, destroy). When
 * the pool is busy, items go through the queue as ordinary tasks, in turn with everyone else's.
 *
 * @module
 */
import { AbortError, InvalidOptionError } from '../internal/errors.js';
import { booleanOption, customOption, integerOption, resolveOptions } from '../internal/options.js';
import { promiseInto, type ResolverSink } from '../internal/promise-into.js';
import { retainShape } from '../internal/shape.js';
import type { TaskFunction } from './async-executor.js';
import type { DirectOwner, Scheduler } from './scheduler.js';
import type { TaskRecord, TaskSink } from './task-record.js';

/** Options of `pool.map()`. */
export interface MapOptions {
  /**
   * Most items in the window at once (running, or done and waiting to be consumed).
   * @default the pool's concurrency, or 64 when that is `Infinity` (items)
   */
  readonly concurrency?: number;
  /**
   * Yield results in input order (`true`) or as they complete (`false`).
   * @default true
   */
  readonly ordered?: boolean;
  /** Stops the map: running tasks are aborted and the iterator throws `signal.reason`. */
  readonly signal?: AbortSignal;
}

const mapSchema = {
  concurrency: integerOption({ min: 1 }),
  ordered: booleanOption({ default: true }),
  signal: customOption<AbortSignal | undefined>('an AbortSignal', (value) => value instanceof AbortSignal),
};

/**
 * Makes the scheduler payloads of one map run. Called once per run with the window size and the
 * run's slot table (`items[slot]` holds the item of `slot` while its task is in flight, and is
 * cleared when it settles); returns the function giving the payload of an item entering `slot`.
 */
export type MapPayloads<P, T> = (window: number, items: readonly (T | undefined)[]) => (item: T, slot: number) => P;

type Step<U> = IteratorResult<U, undefined>;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });
const EMPTY = Symbol('map.empty');

/**
 * `TaskPool`'s payloads: one handler closure per window slot, made once, reading its slot's item
 * when the task starts (no closure per item).
 */
export function slotFunctions<T, U>(
  fn: (item: T, signal: AbortSignal) => U | PromiseLike<U>,
): MapPayloads<TaskFunction<unknown>, T> {
  return (window, items) => {
    const fns = Array.from({ length: window }, (_, slot) => (signal: AbortSignal) => fn(items[slot] as T, signal));
    return (_item, slot) => fns[slot] as TaskFunction<unknown>;
  };
}

/** Creates the map iterator (validation happens here, at the call). `U` is the type of the results. */
export function mapTasks<P, T, U>(
  core: Scheduler<P, unknown>,
  input: Iterable<T> | AsyncIterable<T>,
  payloads: MapPayloads<P, T>,
  options: MapOptions | undefined,
  priorityOf?: (payload: P) => number,
  direct?: (item: T, signal: AbortSignal) => unknown,
): AsyncIterableIterator<U> {
  if (input === null || typeof input !== 'object' || !(Symbol.iterator in input || Symbol.asyncIterator in input)) {
    if (typeof input !== 'string') {
      throw new InvalidOptionError(`Expected \`input\` to be an iterable or async iterable, got \`${String(input)}\``, {
        option: 'input',
        value: input,
      });
    }
  }
  const resolved = resolveOptions('map()', options, mapSchema);
  const window = resolved.concurrency ?? (core.concurrency < Number.POSITIVE_INFINITY ? core.concurrency : 64);
  return new MapRun<P, T, U>(core, input, payloads, window, resolved.ordered, resolved.signal, priorityOf, direct);
}

/** `#directState` of a slot: no direct task, one running, one running whose outcome was given up. */
const NO_DIRECT = 0;
const DIRECT_RUNNING = 1;
const DIRECT_ABANDONED = 2;

class MapRun<P, T, U> implements AsyncIterableIterator<U>, TaskSink, DirectOwner, ResolverSink<Step<U>> {
  readonly #core: Scheduler<P, unknown>;
  readonly #input: Iterable<T> | AsyncIterable<T>;
  readonly #window: number;
  readonly #ordered: boolean;
  readonly #signal: AbortSignal | undefined;
  readonly #controller = new AbortController();
  #syncSource: Iterator<T> | undefined;
  #asyncSource: AsyncIterator<T> | undefined;
  /** In-flight tasks by slot, to cancel them on stop. A slot is taken at start, freed at settle. */
  readonly #tasks: (TaskRecord<P, unknown> | undefined)[];
  /** Per slot: the item and its input index. */
  readonly #slotItems: (T | undefined)[];
  readonly #slotIndex: number[];
  readonly #payloadOf: (item: T, slot: number) => P;
  /** The pool's priority for an item's task (ThreadPool's `queueOrder`), when it has one. */
  readonly #priorityOf: ((payload: P) => number) | undefined;
  readonly #freeSlots: number[];
  /** Ordered: finished values by slot; unordered: a FIFO ring of finished values. */
  readonly #values: unknown[];
  #ringHead = 0;
  #ringLength = 0;
  #pulled = 0; // items taken from the input
  #yielded = 0; // results handed to the consumer
  #pulling = false;
  #opened = false;
  #sourceDone = false;
  #stopped = false;
  #error: unknown = EMPTY;
  /** The item function for the fast path (see the module doc), and its per-slot state. */
  readonly #direct: ((item: T, signal: AbortSignal) => unknown) | undefined;
  readonly #directState: Uint8Array;
  readonly #startedAt: Float64Array;
  readonly #onDirectOk: ((value: unknown) => void)[] = [];
  readonly #onDirectFail: ((error: unknown) => void)[] = [];
  #directInFlight = 0;
  /** Its place in the core's list of direct owners (see DirectOwner). */
  directHandle = 0;
  #wake: ((step: Step<U>) => void) | undefined;
  #wakeFail: ((error: unknown) => void) | undefined;

  constructor(
    core: Scheduler<P, unknown>,
    input: Iterable<T> | AsyncIterable<T>,
    payloads: MapPayloads<P, T>,
    window: number,
    ordered: boolean,
    signal: AbortSignal | undefined,
    priorityOf: ((payload: P) => number) | undefined,
    direct: ((item: T, signal: AbortSignal) => unknown) | undefined,
  ) {
    this.#core = core;
    this.#input = input;
    this.#window = window;
    this.#ordered = ordered;
    this.#signal = signal;
    this.#tasks = new Array(window).fill(undefined);
    this.#values = new Array(window).fill(EMPTY);
    this.#slotItems = new Array(window).fill(undefined);
    this.#slotIndex = new Array(window).fill(0);
    this.#payloadOf = payloads(window, this.#slotItems);
    this.#priorityOf = priorityOf;
    this.#freeSlots = Array.from({ length: window }, (_, slot) => window - 1 - slot);
    this.#direct = direct;
    this.#directState = new Uint8Array(direct === undefined ? 0 : window);
    this.#startedAt = new Float64Array(direct === undefined ? 0 : window);
    if (direct !== undefined) {
      for (let slot = 0; slot < window; slot++) {
        this.#onDirectOk.push((value) => this.#directSettled(slot, true, value));
        this.#onDirectFail.push((error) => this.#directSettled(slot, false, error));
      }
    }
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<U> {
    return this;
  }

  next(): Promise<Step<U>> {
    if (!this.#opened) this.#open();
    if (this.#error !== EMPTY) {
      const error = this.#error;
      this.#error = EMPTY;
      return Promise.reject(error);
    }
    if (this.#stopped) return Promise.resolve(DONE);
    const step = this.#take();
    if (step !== undefined) return Promise.resolve(step);
    if (this.#wake !== undefined) {
      // A second next() before the first settled: serve it after the first.
      const previous = new Promise<void>((resolve) => {
        const wake = this.#wake as (step: Step<U>) => void;
        this.#wake = (step) => {
          wake(step);
          resolve();
        };
      });
      return previous.then(() => this.next());
    }
    return promiseInto<Step<U>>(this);
  }

  /** @internal Keeps the resolving functions of the consumer's pending `next()` (see promiseInto). */
  takeResolvers(resolve: (step: Step<U>) => void, reject: (error: unknown) => void): void {
    this.#wake = resolve;
    this.#wakeFail = reject;
  }

  async return(): Promise<Step<U>> {
    this.#stop(new AbortError('map() was stopped by its consumer'));
    this.#error = EMPTY;
    return DONE;
  }

  async throw(error?: unknown): Promise<Step<U>> {
    this.#stop(error);
    this.#error = EMPTY;
    throw error;
  }

  /** A task reported (TaskSink). */
  settle(task: TaskRecord<unknown, unknown>, ok: boolean, value: unknown): void {
    const slot = task.tag as number;
    this.#tasks[slot] = undefined;
    this.#settled(slot, ok, value);
  }

  /** The pool was destroyed (DirectOwner): stop, giving up the direct tasks still running. */
  destroyed(error: unknown): void {
    this.#stop(error);
  }

  #directSettled(slot: number, ok: boolean, value: unknown): void {
    const abandoned = this.#directState[slot] === DIRECT_ABANDONED;
    this.#directState[slot] = NO_DIRECT;
    this.#core.finishDirect(this.#startedAt[slot] as number, ok, abandoned);
    if (--this.#directInFlight === 0) this.#core.unregisterDirect(this);
    this.#settled(slot, ok, value);
  }

  /** The item in `slot` finished (either path): free the slot, keep the value or stop. */
  #settled(slot: number, ok: boolean, value: unknown): void {
    const index = this.#slotIndex[slot] as number;
    this.#slotItems[slot] = undefined;
    this.#freeSlots.push(slot);
    if (this.#stopped) return;
    if (!ok) {
      this.#stop(value);
      return;
    }
    if (this.#ordered) this.#values[index % this.#window] = value;
    else {
      this.#values[(this.#ringHead + this.#ringLength) % this.#window] = value;
      this.#ringLength++;
    }
    const wake = this.#wake;
    if (wake !== undefined) {
      const fail = this.#wakeFail;
      this.#wake = this.#wakeFail = undefined; // cleared first: #take may pump and finish
      const step = this.#take();
      if (step !== undefined) wake(step);
      else {
        this.#wake = wake;
        this.#wakeFail = fail;
      }
    }
  }

  #open(): void {
    this.#opened = true;
    const signal = this.#signal;
    if (signal !== undefined) {
      if (signal.aborted) {
        this.#stop(signal.reason);
        return;
      }
      signal.addEventListener('abort', () => this.#stop(signal.reason), { once: true });
    }
    try {
      const input = this.#input as Partial<Iterable<T> & AsyncIterable<T>>;
      const asyncIterator = input[Symbol.asyncIterator];
      if (typeof asyncIterator === 'function') this.#asyncSource = asyncIterator.call(input);
      else this.#syncSource = (input as Iterable<T>)[Symbol.iterator]();
    } catch (error) {
      this.#stop(error);
      return;
    }
    this.#pump();
  }

  /** The next result if one is ready (advancing the window and pulling more input), or undefined. */
  #take(): Step<U> | undefined {
    let value: unknown;
    if (this.#ordered) {
      const slot = this.#yielded % this.#window;
      value = this.#values[slot];
      if (value === EMPTY) return this.#sourceDone && this.#yielded === this.#pulled ? DONE : undefined;
      this.#values[slot] = EMPTY;
    } else {
      if (this.#ringLength === 0) return this.#sourceDone && this.#yielded === this.#pulled ? DONE : undefined;
      value = this.#values[this.#ringHead];
      this.#values[this.#ringHead] = EMPTY;
      this.#ringHead = (this.#ringHead + 1) % this.#window;
      this.#ringLength--;
    }
    this.#yielded++;
    if (!this.#stopped) this.#pump();
    return { done: false, value: value as U };
  }

  /** Pulls input while the window has room. Hot loop for sync inputs. */
  #pump(): void {
    const window = this.#window;
    while (!this.#sourceDone && !this.#stopped && !this.#pulling && this.#pulled - this.#yielded < window) {
      const source = this.#syncSource;
      if (source === undefined) {
        this.#pullAsync();
        return;
      }
      let step: IteratorResult<T>;
      try {
        step = source.next();
      } catch (error) {
        this.#sourceDone = true;
        this.#stop(error);
        return;
      }
      if (step.done) this.#sourceDone = true;
      else this.#startItem(step.value);
    }
    if (this.#sourceDone && this.#yielded === this.#pulled) this.#finishWaiter();
  }

  #pullAsync(): void {
    this.#pulling = true;
    (this.#asyncSource as AsyncIterator<T>).next().then(
      (step) => {
        this.#pulling = false;
        if (this.#stopped) return;
        if (step.done) this.#sourceDone = true;
        else this.#startItem(step.value);
        this.#pump();
      },
      (error: unknown) => {
        this.#pulling = false;
        this.#sourceDone = true;
        this.#stop(error);
      },
    );
  }

  #startItem(item: T): void {
    const index = this.#pulled++;
    const slot = this.#freeSlots.pop() as number; // the window guarantees a free slot
    this.#slotIndex[slot] = index;
    if (this.#direct !== undefined) {
      const startedAt = this.#core.claimDirect();
      if (!Number.isNaN(startedAt)) {
        this.#runDirect(slot, item, startedAt);
        return;
      }
    }
    this.#slotItems[slot] = item;
    const payload = this.#payloadOf(item, slot);
    const task = this.#core.create(payload, undefined);
    if (this.#priorityOf !== undefined) task.priority = this.#priorityOf(payload);
    task.tag = slot;
    // Handlers of this map share the map's controller: no controller per item (the core still
    // gives a task its own when a run timeout applies).
    task.controller = this.#controller;
    this.#tasks[slot] = task;
    this.#core.enqueue(task, this);
  }

  /** Runs an item on a slot claimed from the core (the fast path). Never settles synchronously. */
  #runDirect(slot: number, item: T, startedAt: number): void {
    if (this.#directInFlight++ === 0) this.#core.registerDirect(this);
    this.#directState[slot] = DIRECT_RUNNING;
    this.#startedAt[slot] = startedAt;
    let result: unknown;
    try {
      result = (this.#direct as (item: T, signal: AbortSignal) => unknown)(item, this.#controller.signal);
    } catch (error) {
      result = Promise.reject(error);
    }
    // A value, a promise or a thenable: settled in a later microtask in every case, as an
    // awaited handler is.
    Promise.resolve(result).then(this.#onDirectOk[slot], this.#onDirectFail[slot]);
  }

  #stop(error: unknown): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#error = error;
    this.#controller.abort(error);
    for (const task of [...this.#tasks]) if (task !== undefined) this.#core.cancel(task, error);
    const directState = this.#directState;
    for (let slot = 0; slot < directState.length; slot++) {
      if (directState[slot] !== DIRECT_RUNNING) continue;
      directState[slot] = DIRECT_ABANDONED;
      this.#core.abandonDirect();
    }
    this.#values.fill(EMPTY);
    if (!this.#sourceDone) {
      this.#sourceDone = true;
      try {
        const closing = this.#syncSource?.return?.() ?? this.#asyncSource?.return?.();
        if (closing instanceof Promise) closing.catch(() => {});
      } catch {
        // The input's own cleanup failed; the map's first error is what the consumer sees.
      }
    }
    const fail = this.#wakeFail;
    if (fail !== undefined) {
      this.#wake = this.#wakeFail = undefined;
      this.#error = EMPTY; // delivered to the waiting consumer
      fail(error);
    }
  }

  #finishWaiter(): void {
    const wake = this.#wake;
    if (wake === undefined) return;
    if (this.#stopped || (this.#sourceDone && this.#yielded === this.#pulled)) {
      this.#wake = this.#wakeFail = undefined;
      wake(DONE);
    }
  }
}

// See retainShape: keeps MapRun's hidden class (and the optimized per-item path) across major GCs
// that run while no map exists. Built on a stand-in core: the constructor only reads `concurrency`.
retainShape(
  new MapRun<unknown, unknown, unknown>(
    { concurrency: 1 } as Scheduler<unknown, unknown>,
    [],
    () => () => undefined,
    1,
    true,
    undefined,
    undefined,
    () => undefined,
  ),
);
