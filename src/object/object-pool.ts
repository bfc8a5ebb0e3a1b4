/**
 * `ObjectPool<T>`: Go's `sync.Pool` for V8. Idle objects sit on a plain array used as a stack
 * (LIFO: the warmest object goes out first). GC awareness follows Go's victim cache with one
 * array and a watermark: at each GC epoch the objects below the watermark (idle since the
 * previous epoch) are dropped and the watermark moves to the top, so an idle object survives
 * one to two major GCs.
 *
 * @module
 */
import { type DeadlineEntry, DeadlineHeap } from '../internal/deadline-heap.js';
import { DoubleReleaseError, ForeignReleaseError, InvalidOptionError } from '../internal/errors.js';
import { Emitter, type EventSource, type Listener } from '../internal/events.js';
import { type GcEpochSubscriber, gcEpochSource } from '../internal/gc-epoch.js';
import { expectedMessage } from '../internal/options.js';
import { reportAsync } from '../internal/report.js';
import { type LeakReport, LeakTracker } from './leak-tracker.js';
import {
  type ObjectDropReason,
  type ObjectEviction,
  type ObjectPoolOptions,
  type ResolvedObjectPoolOptions,
  resolveObjectPoolOptions,
} from './options.js';
import type { ObjectPoolEvents, ObjectPoolStats } from './stats.js';

/** The brand every lent object carries: the pool that lent it, `null` once released. */
const kOwner: unique symbol = Symbol('poolkit.object.owner');
type Branded = { [kOwner]?: ObjectPool<object> | null };

/**
 * A pool of reusable objects (Go's `sync.Pool`), synchronous and allocation-free on its hot path.
 *
 * @example
 * ```ts
 * const pool = new ObjectPool({ create: () => new Parser(), reset: (p) => p.reset() });
 * const parser = pool.acquire();
 * try { parser.parse(input); } finally { pool.release(parser); }
 * ```
 */
export class ObjectPool<T extends object> implements EventSource<ObjectPoolEvents> {
  readonly #options: ResolvedObjectPoolOptions;
  readonly #create: () => T;
  readonly #reset: ((obj: T) => unknown) | undefined;
  readonly #maxIdle: number;
  // A stack with an explicit count: Array#pop lets V8 shrink the backing store when the pool
  // runs empty, and the next push reallocates it; slots past #count hold undefined.
  readonly #idle: (T | undefined)[] = [];
  #count = 0;
  readonly #emitter = new Emitter<ObjectPoolEvents>('object');
  // Strongly held here, weakly by the epoch source: the hook lives exactly as long as the pool.
  readonly #epochHook: GcEpochSubscriber | undefined;
  // Eviction 'idle': release times parallel to #idle, and one deadline for the oldest.
  readonly #idleSince: number[] | undefined;
  readonly #heap: DeadlineHeap<null> | undefined;
  #idleEntry: DeadlineEntry<null> | undefined;
  readonly #debug: boolean;
  readonly #leaks: LeakTracker | undefined;
  #victimMark = 0;
  #inUseHighWater = 0;
  #acquired = 0;
  #misses = 0;
  #created = 0;
  #released = 0;
  #epochs = 0;
  readonly #dropped: Record<ObjectDropReason, number> = {
    reset: 0,
    full: 0,
    evicted: 0,
    idle: 0,
    trim: 0,
    clear: 0,
    debug: 0,
  };

  /** @throws InvalidOptionError, UnknownOptionError for a bad option. */
  constructor(options: ObjectPoolOptions<T>) {
    const resolved = resolveObjectPoolOptions(options);
    this.#options = resolved;
    this.#create = resolved.create as () => T;
    this.#reset = resolved.reset as ((obj: T) => unknown) | undefined;
    this.#maxIdle = resolved.maxIdle;
    this.#debug = resolved.debug !== undefined;
    if (resolved.debug !== undefined && resolved.debug.leakSampleRate > 0) {
      this.#leaks = new LeakTracker('an ObjectPool', resolved.debug.leakSampleRate, (report) =>
        this.#reportLeak(report),
      );
    }
    if (resolved.eviction === 'gc') {
      this.#epochHook = { onGcEpoch: () => this.#onEpoch() };
      gcEpochSource.subscribe(this.#epochHook);
    } else if (resolved.eviction === 'idle') {
      this.#idleSince = [];
      this.#heap = new DeadlineHeap<null>(resolved.clock, () => this.#expireIdle());
    }
  }

  /** How this pool evicts idle objects. */
  get eviction(): ObjectEviction {
    return this.#options.eviction;
  }

  /** Number of idle objects. */
  get idleCount(): number {
    return this.#count;
  }

  /** Lends an idle object, or a new one from `create`. Release it with {@link ObjectPool.release}. */
  acquire(): T {
    const count = this.#count;
    if (count === 0 || this.#debug) return this.#acquireSlow();
    const top = count - 1;
    const obj = this.#idle[top] as T;
    this.#idle[top] = undefined;
    this.#count = top;
    if (top < this.#victimMark) this.#victimMark = top;
    (obj as Branded)[kOwner] = this as unknown as ObjectPool<object>;
    const inUse = ++this.#acquired - this.#released;
    if (inUse > this.#inUseHighWater) this.#inUseHighWater = inUse;
    return obj;
  }

  /**
   * Gives an object back. `null` and `undefined` are ignored (as Go's `Put(nil)`).
   * @throws DoubleReleaseError when `obj` is not currently lent (released twice, or dropped).
   * @throws ForeignReleaseError when this pool did not lend `obj`.
   */
  release(obj: T | null | undefined): void {
    if (obj === null || obj === undefined) return;
    if ((obj as Branded)[kOwner] !== (this as unknown)) this.#rejectRelease(obj);
    (obj as Branded)[kOwner] = null;
    this.#released++;
    if (this.#debug) {
      this.#releaseDebug(obj);
      return;
    }
    if (this.#reset !== undefined && !this.#runReset(obj)) return;
    this.#keep(obj);
  }

  /**
   * Runs `fn` with a lent object and releases it afterwards, also when `fn` throws or its
   * promise rejects. Returns what `fn` returns.
   */
  use<R>(fn: (obj: T) => R): R {
    const obj = this.acquire();
    let result: R;
    try {
      result = fn(obj);
    } catch (error) {
      this.release(obj);
      throw error;
    }
    if (isPromiseLike(result)) {
      return result.then(
        (value) => {
          this.release(obj);
          return value;
        },
        (error: unknown) => {
          this.release(obj);
          throw error;
        },
      ) as R;
    }
    this.release(obj);
    return result;
  }

  /**
   * Creates objects until `count` are idle (never beyond `maxIdle`).
   * @returns how many objects were created.
   */
  prewarm(count: number): number {
    checkCount('count', count);
    const target = Math.min(count, this.#maxIdle);
    let made = 0;
    while (this.#count < target) {
      const obj = this.#make();
      (obj as Branded)[kOwner] = null;
      this.#push(obj);
      made++;
    }
    return made;
  }

  /**
   * Drops idle objects, oldest first, until at most `keep` are idle.
   * @returns how many were dropped.
   */
  trim(keep = 0): number {
    checkCount('keep', keep);
    const excess = this.#count - keep;
    if (excess <= 0) return 0;
    this.#dropOldest(excess, 'trim');
    return excess;
  }

  /** Drops every idle object (lent objects stay valid and may be released later). */
  clear(): number {
    const count = this.#count;
    this.#dropOldest(count, 'clear');
    return count;
  }

  /** A snapshot of the counters. */
  stats(): ObjectPoolStats {
    const dropped = { ...this.#dropped };
    return {
      idle: this.#count,
      victims: Math.min(this.#victimMark, this.#count),
      inUse: this.#acquired - this.#released,
      inUseHighWater: this.#inUseHighWater,
      acquired: this.#acquired,
      hits: this.#acquired - this.#misses,
      misses: this.#misses,
      created: this.#created,
      released: this.#released,
      dropped,
      epochs: this.#epochs,
    };
  }

  /** Adds an event listener; returns a function that removes it. */
  on<E extends keyof ObjectPoolEvents & string>(event: E, listener: Listener<ObjectPoolEvents, E>): () => void {
    return this.#emitter.on(event, listener);
  }

  /** Adds a listener that runs at most once; returns a function that removes it. */
  once<E extends keyof ObjectPoolEvents & string>(event: E, listener: Listener<ObjectPoolEvents, E>): () => void {
    return this.#emitter.once(event, listener);
  }

  /** Removes an event listener. */
  off<E extends keyof ObjectPoolEvents & string>(event: E, listener: Listener<ObjectPoolEvents, E>): void {
    this.#emitter.off(event, listener);
  }

  #acquireSlow(): T {
    let obj: T;
    const count = this.#count;
    if (count > 0) {
      const top = count - 1;
      obj = this.#idle[top] as T;
      this.#idle[top] = undefined;
      this.#count = top;
      if (top < this.#victimMark) this.#victimMark = top;
      if (this.#options.debug?.poison !== undefined) this.#reset?.(obj);
    } else {
      obj = this.#make();
      this.#misses++;
    }
    (obj as Branded)[kOwner] = this as unknown as ObjectPool<object>;
    const inUse = ++this.#acquired - this.#released;
    if (inUse > this.#inUseHighWater) this.#inUseHighWater = inUse;
    this.#leaks?.track(obj);
    return obj;
  }

  #make(): T {
    const obj = this.#create();
    if ((typeof obj !== 'object' && typeof obj !== 'function') || obj === null || !Object.isExtensible(obj)) {
      throw new InvalidOptionError(expectedMessage('create', 'a function returning an extensible object', obj), {
        option: 'create',
        value: obj,
      });
    }
    this.#created++;
    return obj;
  }

  #rejectRelease(obj: T): never {
    const owner = (obj as Branded)[kOwner];
    if (owner === null) {
      throw new DoubleReleaseError('The object was released twice, or released after the pool dropped it', {
        value: obj,
      });
    }
    throw new ForeignReleaseError('The object was not lent by this ObjectPool', { value: obj });
  }

  /** Returns false when the object was dropped. */
  #runReset(obj: T): boolean {
    let keep: unknown;
    try {
      keep = (this.#reset as (obj: T) => unknown)(obj);
    } catch (error) {
      this.#dropOne(obj, 'reset');
      throw error;
    }
    if (keep === false) {
      this.#dropOne(obj, 'reset');
      return false;
    }
    return true;
  }

  #releaseDebug(obj: T): void {
    const debug = this.#options.debug as NonNullable<ResolvedObjectPoolOptions['debug']>;
    this.#leaks?.untrack(obj);
    if (this.#reset !== undefined && !this.#runReset(obj)) return;
    if (debug.dropRate > 0 && Math.random() < debug.dropRate) {
      this.#dropOne(obj, 'debug');
      return;
    }
    debug.poison?.(obj);
    this.#keep(obj);
  }

  #keep(obj: T): void {
    if (this.#count >= this.#maxIdle) {
      this.#dropOne(obj, 'full');
      return;
    }
    this.#push(obj);
  }

  #push(obj: T): void {
    const count = this.#count++;
    this.#idle[count] = obj;
    const since = this.#idleSince;
    if (since !== undefined) {
      since[count] = this.#options.clock.now();
      if (this.#idleEntry === undefined) this.#armIdleTimer();
    }
  }

  /** Drops one object and tells listeners (batches are announced by #dropOldest). */
  #dropOne(obj: T, reason: ObjectDropReason): void {
    this.#drop(obj, reason);
    if (this.#emitter.wants('dropped')) this.#emitter.emit('dropped', { reason, count: 1 });
  }

  #drop(obj: T, reason: ObjectDropReason): void {
    (obj as Branded)[kOwner] = null;
    this.#dropped[reason]++;
    const destroy = this.#options.destroy;
    if (destroy !== undefined) {
      try {
        destroy(obj, reason);
      } catch (error) {
        reportAsync(error);
      }
    }
  }

  /** Drops the `count` oldest idle objects (the bottom of the stack). */
  #dropOldest(count: number, reason: ObjectDropReason): void {
    if (count <= 0) return;
    const idle = this.#idle;
    const total = this.#count;
    const victims = idle.slice(0, count) as T[];
    idle.copyWithin(0, count, total);
    idle.fill(undefined, total - count, total);
    this.#idleSince?.copyWithin(0, count, total);
    this.#count = total - count;
    this.#victimMark = Math.max(0, this.#victimMark - count);
    for (const obj of victims) this.#drop(obj, reason);
    if (this.#emitter.wants('dropped')) this.#emitter.emit('dropped', { reason, count });
    if (this.#idleSince !== undefined) {
      this.#cancelIdleTimer();
      if (this.#count > 0) this.#armIdleTimer();
    }
  }

  #onEpoch(): void {
    this.#epochs++;
    this.#dropOldest(Math.min(this.#victimMark, this.#count), 'evicted');
    this.#victimMark = this.#count;
  }

  #armIdleTimer(): void {
    const since = this.#idleSince as number[];
    const oldest = since[0] as number;
    this.#idleEntry = (this.#heap as DeadlineHeap<null>).add(oldest + this.#options.idleTimeoutMs, null);
  }

  #cancelIdleTimer(): void {
    if (this.#idleEntry !== undefined) (this.#heap as DeadlineHeap<null>).remove(this.#idleEntry);
    this.#idleEntry = undefined;
  }

  #expireIdle(): void {
    this.#idleEntry = undefined;
    const since = this.#idleSince as number[];
    const cutoff = this.#options.clock.now() - this.#options.idleTimeoutMs;
    let count = 0;
    // Release times grow from the bottom of the stack up, so the expired ones are a prefix.
    const idleCount = this.#count;
    while (count < idleCount && (since[count] as number) <= cutoff) count++;
    if (count > 0) this.#dropOldest(count, 'idle');
    else if (idleCount > 0) this.#armIdleTimer();
  }

  #reportLeak(report: LeakReport): void {
    if (this.#emitter.wants('leak')) this.#emitter.emit('leak', report);
    else process.emitWarning(report.error);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

function checkCount(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidOptionError(expectedMessage(name, 'an integer >= 0', value), { option: name, value });
  }
}
