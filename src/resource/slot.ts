/**
 * The pool's bookkeeping records: a {@link Slot} per resource and a {@link Waiter} per pending
 * acquire, plus the {@link WaitQueue} (FIFO within priority lanes, O(1) removal).
 *
 * @module
 */

import type { DeadlineEntry } from '../internal/deadline-heap.js';
import { Deque, type DequeHandle } from '../internal/deque.js';
import { retainShape } from '../internal/shape.js';
import type { Expirable, FactoryCall } from './factory-call.js';
import type { Lease } from './types.js';

/** Where a resource is in its lifecycle (see docs/resource-lifecycle.md). */
export const IDLE = 0;
/** Lent to a holder. */
export const BORROWED = 1;
/** Being validated for a borrower, checked by keep-alive, or reset after release. */
export const CHECKING = 2;
/** Destroy in flight. */
export const DESTROYING = 3;
/** Destroyed or detached: the pool forgot it. */
export const GONE = 4;

/** One resource the pool tracks. */
export class Slot<T> {
  readonly value: T;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly generation: number;
  state = IDLE;
  idleSince: number;
  lastCheckAt: number;
  uses = 0;
  dead = false;
  unwatch: (() => void) | undefined = undefined;
  idleHandle: DequeHandle = 0;
  lentIndex = -1;
  lentAt = 0;
  lease: Lease<T> | undefined = undefined;
  leakEntry: DeadlineEntry<Expirable> | undefined = undefined;
  acquireStack: Error | undefined = undefined;
  leakReported = false;
  call: FactoryCall<unknown> | undefined = undefined;
  whenGone: (() => void)[] | undefined = undefined;
  /** Keyed pools: position in the global LRU of idle resources. */
  lruHandle: DequeHandle = 0;

  constructor(value: T, now: number, expiresAt: number, generation: number) {
    this.value = value;
    this.createdAt = now;
    this.idleSince = now;
    this.lastCheckAt = now;
    this.expiresAt = expiresAt;
    this.generation = generation;
  }
}

let constructing: Waiter<unknown> | undefined;

/** One shared promise executor instead of a closure per waiter (the contended path allocates less). */
function captureSettlers(resolve: (lease: Lease<unknown>) => void, reject: (error: unknown) => void): void {
  const waiter = constructing as Waiter<unknown>;
  constructing = undefined;
  waiter.resolve = resolve;
  waiter.reject = reject;
}

/** Waiter states. */
export const QUEUED = 0;
/** Holding a resource under validation. */
export const VALIDATING = 1;
/** Resolved or rejected. */
export const SETTLED = 2;

/** A pending acquire. */
export class Waiter<T> implements Expirable {
  readonly promise: Promise<Lease<T>>;
  resolve!: (lease: Lease<T>) => void;
  reject!: (error: unknown) => void;
  readonly startedAt: number;
  readonly deadline: number;
  readonly priority: number;
  readonly signal: AbortSignal | undefined;
  readonly onExpire: (waiter: Waiter<T>) => void;
  state = QUEUED;
  handle: DequeHandle = 0;
  entry: DeadlineEntry<Expirable> | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  queued = false;
  /** Position in the engine's default-deadline FIFO, when `inFifo`. */
  fifoHandle: DequeHandle = 0;
  inFifo = false;
  /** Where acquire() was called (only with leak detection on). */
  stack: Error | undefined = undefined;

  constructor(
    startedAt: number,
    deadline: number,
    priority: number,
    signal: AbortSignal | undefined,
    onExpire: (waiter: Waiter<T>) => void,
  ) {
    this.startedAt = startedAt;
    this.deadline = deadline;
    this.priority = priority;
    this.signal = signal;
    this.onExpire = onExpire;
    constructing = this as Waiter<unknown>;
    this.promise = new Promise<Lease<T>>(
      captureSettlers as (resolve: (lease: Lease<T>) => void, reject: (error: unknown) => void) => void,
    );
  }

  expire(): void {
    this.entry = undefined;
    this.onExpire(this);
  }
}

// A major GC between bursts would otherwise free Waiter's hidden class and the code built on it.
// Fractional times: the fields hold doubles from the start, as they do for real waiters.
retainShape(new Waiter<unknown>(0.5, 0.5, 0, undefined, () => {}));

interface Lane<T> {
  readonly priority: number;
  readonly queue: Deque<Waiter<T>>;
}

/** Waiters in priority lanes (higher first), FIFO within a lane, O(1) removal. */
export class WaitQueue<T> {
  readonly #lanes: Lane<T>[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  #lane(priority: number): Lane<T> {
    const lanes = this.#lanes;
    let index = 0;
    while (index < lanes.length) {
      const lane = lanes[index] as Lane<T>;
      if (lane.priority === priority) return lane;
      if (lane.priority < priority) break;
      index++;
    }
    const lane: Lane<T> = { priority, queue: new Deque<Waiter<T>>() };
    lanes.splice(index, 0, lane);
    return lane;
  }

  /** Adds at the back of its lane. */
  push(waiter: Waiter<T>): void {
    waiter.handle = this.#lane(waiter.priority).queue.push(waiter);
    waiter.queued = true;
    this.#length++;
  }

  /** Puts back at the front of its lane (a waiter whose resource failed validation keeps its place). */
  unshift(waiter: Waiter<T>): void {
    waiter.handle = this.#lane(waiter.priority).queue.unshift(waiter);
    waiter.queued = true;
    this.#length++;
  }

  /** Takes the head waiter (highest lane, oldest). */
  shift(): Waiter<T> | undefined {
    if (this.#length === 0) return undefined;
    for (const lane of this.#lanes) {
      const waiter = lane.queue.shift();
      if (waiter !== undefined) {
        waiter.queued = false;
        this.#length--;
        return waiter;
      }
    }
    return undefined;
  }

  /** Removes a queued waiter in O(1). */
  remove(waiter: Waiter<T>): boolean {
    if (!waiter.queued) return false;
    const removed = this.#lane(waiter.priority).queue.remove(waiter.handle, waiter);
    if (removed) {
      waiter.queued = false;
      this.#length--;
    }
    return removed;
  }

  /** Empties the queue, returning the waiters in order. */
  drain(): Waiter<T>[] {
    const all: Waiter<T>[] = [];
    for (const lane of this.#lanes) {
      for (const waiter of lane.queue) {
        waiter.queued = false;
        all.push(waiter);
      }
      lane.queue.clear();
    }
    this.#length = 0;
    return all;
  }
}
