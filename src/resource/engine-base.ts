/**
 * The state of the resource pool engine and its acquire path (lending idle resources, waiters,
 * validation on borrow). Split in layers only to keep files small: `EngineBase` (state, acquiring)
 * <- `EngineFlow` (returning, creating, destroying) <- `Engine` (housekeeping, control). Members
 * are `protected` so the layers share them; none of this is exported from the package.
 *
 * @module
 */
import { DeadlineHeap } from '../internal/deadline-heap.js';
import { Deque } from '../internal/deque.js';
import {
  AcquireTimeoutError,
  abortReason,
  ClosedError,
  QueueFullError,
  ValidateTimeoutError,
} from '../internal/errors.js';
import { PoolEventHub } from './event-hub.js';
import { CallContext, type Expirable, FactoryCall, Timed } from './factory-call.js';
import { type LeakContext, watchLeak } from './leak-watch.js';
import { LeaseImpl, type LeaseOwner } from './lease.js';
import { checkAcquireOptions, type ResolvedPoolOptions } from './options.js';
import { BORROWED, CHECKING, QUEUED, SETTLED, type Slot, VALIDATING, Waiter, WaitQueue } from './slot.js';
import { Counters } from './stats.js';
import type { AcquireOptions, DestroyReason, Factory, Lease, PoolStats, ReleaseOptions } from './types.js';

/** How a keyed pool shares its global limits with its sub-pools. */
export interface Budget<T> {
  /** Reserves one global slot for a create; false when the global cap binds (the engine will be woken). */
  reserve(engine: EngineBase<T>): boolean;
  /** Gives a global slot back. */
  unreserve(engine: EngineBase<T>): void;
  /** A resource went idle (`true`) or left the idle list (`false`). */
  idleChanged(engine: EngineBase<T>, slot: Slot<T>, idle: boolean): void;
  /** True when another key waits for global capacity and this resource should make room. */
  shouldYield(engine: EngineBase<T>): boolean;
  /** The engine holds nothing and nobody waits on it. */
  emptied(engine: EngineBase<T>): void;
}

/** Engine states (`paused` is a flag on top of `OPEN`). */
export const OPEN = 0;
/** `close()` or `destroy()` was called. */
export const CLOSING = 1;
/** Every resource is gone. */
export const CLOSED = 2;

/** State and acquire path of the engine; see {@link Engine}. */
export abstract class EngineBase<T> implements LeaseOwner<T> {
  readonly name: string;
  readonly options: ResolvedPoolOptions;
  readonly events = new PoolEventHub<T>();
  protected readonly _factory: Factory<T>;
  protected readonly _clock: ResolvedPoolOptions['clock'];
  protected readonly _heap: DeadlineHeap<Expirable>;
  protected readonly _idle = new Deque<Slot<T>>();
  protected readonly _lent: Slot<T>[] = [];
  protected readonly _waiters = new WaitQueue<T>();
  protected readonly _creates = new Set<FactoryCall<T>>();
  protected readonly _validating = new Set<Waiter<T>>();
  protected readonly _counters = new Counters();
  protected readonly _budget: Budget<T> | undefined;
  protected readonly _lifo: boolean;
  protected readonly _onWaiterExpire = (waiter: Waiter<T>): void => this._waiterTimedOut(waiter);
  protected readonly _sweeper = new Timed(() => this._sweep());
  /** Waiters with the default timeout, in arrival order: their deadlines never decrease, so one heap entry serves them all. */
  protected readonly _fifoDeadlines = new Deque<Waiter<T>>();
  protected readonly _fifoTimer = new Timed(() => this._expireFifo());
  protected readonly _backoffTimer = new Timed(() => this._maybeCreate());
  protected readonly _acquireNeedsClock: boolean;
  protected _min: number;
  protected _max: number;
  protected _state = OPEN;
  protected _paused = false;
  protected _live = 0;
  protected readonly _checking = new Set<Slot<T>>();
  protected _creating = 0;
  protected _destroying = 0;
  protected _generation = 0;
  protected _failures = 0;
  protected _backoffUntil = 0;
  protected _lastCreateError: unknown;
  protected _readyWaiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  protected _closePromise: Promise<void> | undefined;
  protected _closeResolve: (() => void) | undefined;
  protected _forceTimer: Timed | undefined;

  constructor(factory: Factory<T>, options: ResolvedPoolOptions, budget?: Budget<T>) {
    this._factory = factory;
    this.options = options;
    this.name = options.name;
    this._clock = options.clock;
    this._min = options.min;
    this._max = options.max;
    this._lifo = options.idleOrder === 'lifo';
    this._budget = budget;
    this._acquireNeedsClock =
      factory.validate !== undefined ||
      options.maxLifetimeMs !== Number.POSITIVE_INFINITY ||
      options.leakDetectionMs !== Number.POSITIVE_INFINITY;
    this._heap = new DeadlineHeap<Expirable>(this._clock, (item) => item.expire());
    this._maybeCreate();
  }

  // ---- acquiring -------------------------------------------------------------------------

  /** Hot path: an idle resource that needs no validation is lent without a waiter or a deadline. */
  acquire(options?: AcquireOptions): Promise<Lease<T>> {
    let timeoutMs = this.options.acquireTimeoutMs;
    let signal: AbortSignal | undefined;
    let priority = 0;
    if (options !== undefined) {
      try {
        timeoutMs = checkAcquireOptions(options, timeoutMs);
      } catch (error) {
        return Promise.reject(error);
      }
      signal = options.signal;
      priority = options.priority ?? 0;
    }
    if (this._state !== OPEN) return this._refuse(new ClosedError(`Pool "${this.name}" is closed`), 0);
    if (signal?.aborted) {
      this._counters.aborts++;
      return this._refuse(abortReason(signal), 0, true);
    }
    if (this.events.wantsStarted()) {
      this.events.emit('acquireStarted', { pool: this.name });
    }
    if (!this._paused && this._waiters.length === 0 && this._idle.length > 0) {
      // Reading the clock costs ~50 ns on VMs: skip it when no lifetime, validation, leak check or
      // `released` listener needs the time (then `lentAt` is NaN and `_unusable` ignores time).
      const fastNow = this._acquireNeedsClock || this.events.wantsReleased() ? this._clock.now() : Number.NaN;
      const slot = this._takeIdle(fastNow);
      if (slot !== undefined) {
        if (!this._needsValidation(slot, fastNow)) return Promise.resolve(this._grant(slot, fastNow, fastNow));
        const waiter = this._newWaiter(fastNow, timeoutMs, signal, priority);
        this._validate(slot, waiter);
        return waiter.promise;
      }
    }
    const now = this._clock.now();
    if (this._waiters.length >= this.options.maxWaiting) {
      return this._refuse(
        new QueueFullError(`Pool "${this.name}" has ${this._waiters.length} waiting acquires (maxWaiting)`, {
          stats: this.stats(),
        }),
        0,
      );
    }
    if (this.options.failFast && this._failures > 0 && (this._creating > 0 || now < this._backoffUntil)) {
      return this._refuse(this._createFailedError(), 0); // the backend is down; the next acquire after backoff probes
    }
    const waiter = this._newWaiter(now, timeoutMs, signal, priority);
    this._waiters.push(waiter);
    this._maybeCreate();
    return waiter.promise;
  }

  /** An idle resource right now, or undefined. Never waits, never validates, never creates. */
  tryAcquire(): Lease<T> | undefined {
    if (this._state !== OPEN) throw new ClosedError(`Pool "${this.name}" is closed`);
    if (this._paused || this._waiters.length > 0) return undefined;
    const now = this._clock.now();
    const slot = this._takeIdle(now);
    if (slot === undefined) return undefined;
    if (this._needsValidation(slot, now)) {
      this._makeAvailable(slot, now); // put it back; tryAcquire never waits for a validation
      return undefined;
    }
    return this._grant(slot, now, now);
  }

  protected _refuse(error: unknown, startedAt: number, aborted = false): Promise<never> {
    if (!aborted) this._counters.rejected++;
    if (this.events.wants('acquireFailed')) {
      this.events.emit('acquireFailed', {
        pool: this.name,
        error,
        waitedMs: startedAt ? this._clock.now() - startedAt : 0,
      });
    }
    return Promise.reject(error);
  }

  protected _newWaiter(now: number, timeoutMs: number, signal: AbortSignal | undefined, priority: number): Waiter<T> {
    const waiter = new Waiter<T>(now, now + timeoutMs, priority, signal, this._onWaiterExpire);
    if (this.options.leakDetectionMs !== Number.POSITIVE_INFINITY) waiter.stack = new Error('Lease acquired here');
    if (timeoutMs === this.options.acquireTimeoutMs) {
      if (timeoutMs !== Number.POSITIVE_INFINITY) {
        waiter.fifoHandle = this._fifoDeadlines.push(waiter);
        waiter.inFifo = true;
        if (this._fifoTimer.entry === undefined) {
          this._fifoTimer.entry = this._heap.add(waiter.deadline, this._fifoTimer, true);
        }
      }
    } else {
      waiter.entry = this._heap.add(waiter.deadline, waiter, true);
    }
    if (signal !== undefined) {
      waiter.onAbort = () => this._waiterAborted(waiter);
      signal.addEventListener('abort', waiter.onAbort, { once: true });
    }
    return waiter;
  }

  protected _settle(waiter: Waiter<T>): void {
    waiter.state = SETTLED;
    if (waiter.inFifo) {
      waiter.inFifo = false;
      this._fifoDeadlines.remove(waiter.fifoHandle, waiter);
      if (this._fifoDeadlines.length === 0 && this._fifoTimer.entry !== undefined) {
        this._heap.remove(this._fifoTimer.entry); // nobody waits: let the process exit
        this._fifoTimer.entry = undefined;
      }
    } else if (waiter.entry !== undefined) {
      this._heap.remove(waiter.entry);
      waiter.entry = undefined;
    }
    if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }

  protected _fail(waiter: Waiter<T>, error: unknown): void {
    this._waiters.remove(waiter);
    this._settle(waiter);
    if (this.events.wants('acquireFailed')) {
      this.events.emit('acquireFailed', { pool: this.name, error, waitedMs: this._clock.now() - waiter.startedAt });
    }
    waiter.reject(error);
  }

  /** The oldest default-timeout waiters are due: expire them, re-arm for the next one. */
  protected _expireFifo(): void {
    const now = this._clock.now();
    const fifo = this._fifoDeadlines;
    for (let head = fifo.peekFront(); head !== undefined && head.deadline <= now; head = fifo.peekFront()) {
      fifo.shift();
      head.inFifo = false;
      this._waiterTimedOut(head);
    }
    const next = fifo.peekFront();
    if (next !== undefined && this._fifoTimer.entry === undefined) {
      this._fifoTimer.entry = this._heap.add(next.deadline, this._fifoTimer, true);
    }
  }

  protected _waiterTimedOut(waiter: Waiter<T>): void {
    if (waiter.state === SETTLED) return;
    const phase =
      waiter.state === VALIDATING ? 'validate' : this._creating > 0 || this._failures > 0 ? 'create' : 'queue';
    const waitedMs = this._clock.now() - waiter.startedAt;
    this._counters.timeouts++;
    const what =
      phase === 'validate'
        ? 'validating a resource'
        : phase === 'create'
          ? 'waiting for a resource to be created'
          : 'waiting in line (the pool is at max)';
    const error = new AcquireTimeoutError(
      `Acquire from pool "${this.name}" timed out after ${Math.round(waitedMs)} ms ${what}`,
      { phase, stats: this.stats(), waitedMs, cause: this._lastCreateError },
    );
    this._fail(waiter, error);
    this._maybeCreate();
  }

  protected _waiterAborted(waiter: Waiter<T>): void {
    if (waiter.state === SETTLED) return;
    this._counters.aborts++;
    this._fail(waiter, abortReason(waiter.signal as AbortSignal));
    this._maybeCreate();
  }

  protected _takeIdle(now: number): Slot<T> | undefined {
    for (;;) {
      const slot = this._lifo ? this._idle.pop() : this._idle.shift();
      if (slot === undefined) return undefined;
      this._budget?.idleChanged(this, slot, false);
      const reason = this._unusable(slot, now);
      if (reason === undefined) return slot;
      slot.state = BORROWED; // off the idle list: _destroy takes a non-idle slot
      this._destroy(slot, reason);
    }
  }

  protected _unusable(slot: Slot<T>, now: number): DestroyReason | undefined {
    if (slot.dead) return 'died';
    if (slot.generation !== this._generation) return 'cleared';
    if (now >= slot.expiresAt) return 'max-lifetime';
    return undefined;
  }

  protected _needsValidation(slot: Slot<T>, now: number): boolean {
    return this._factory.validate !== undefined && now - slot.idleSince > this.options.validateAfterIdleMs;
  }

  /** Lends `slot` and returns the lease. Hot path. */
  protected _grant(slot: Slot<T>, startedAt: number, now: number, stack?: Error): Lease<T> {
    slot.state = BORROWED;
    slot.uses++;
    slot.lentAt = now;
    slot.lentIndex = this._lent.length;
    this._lent.push(slot);
    const lease = new LeaseImpl<T>(this, slot);
    slot.lease = lease;
    this._counters.acquired++;
    if (this._idle.length < this.options.minIdle) this._maybeCreate();
    if (this.options.leakDetectionMs !== Number.POSITIVE_INFINITY) watchLeak(this._leakContext(), slot, now, stack);
    if (this.events.wantsSucceeded()) {
      const waitedMs = Number.isNaN(now) ? 0 : now - startedAt;
      this.events.emit('acquireSucceeded', { pool: this.name, resource: slot.value, waitedMs });
    }
    return lease;
  }

  protected _serve(waiter: Waiter<T>, slot: Slot<T>, now: number): void {
    this._settle(waiter);
    this._counters.acquiredAfterWait++;
    this._counters.waitTimeMs += now - waiter.startedAt;
    waiter.resolve(this._grant(slot, waiter.startedAt, now, waiter.stack));
  }

  protected _check(slot: Slot<T>): void {
    slot.state = CHECKING;
    this._checking.add(slot);
  }

  /** Ends a check; false when the slot was force-destroyed meanwhile. */
  protected _uncheck(slot: Slot<T>): boolean {
    slot.call = undefined;
    if (slot.state !== CHECKING) return false;
    this._checking.delete(slot);
    slot.state = BORROWED;
    return true;
  }

  protected _validate(slot: Slot<T>, waiter: Waiter<T>): void {
    this._check(slot);
    waiter.state = VALIDATING;
    this._validating.add(waiter);
    const validate = this._factory.validate as NonNullable<Factory<T>['validate']>;
    const call = new FactoryCall<boolean>(
      this._heap,
      this._clock.now() + this.options.validateTimeoutMs,
      () => new ValidateTimeoutError(`validate() of pool "${this.name}" ran past ${this.options.validateTimeoutMs} ms`),
      {
        ok: (valid) => this._validated(slot, waiter, valid === true, undefined),
        fail: (error) => this._validated(slot, waiter, false, error),
      },
    );
    slot.call = call as FactoryCall<unknown>;
    call.start((self) => validate(slot.value, new CallContext(self)));
  }

  protected _validated(slot: Slot<T>, waiter: Waiter<T>, valid: boolean, _error: unknown): void {
    this._validating.delete(waiter);
    if (!this._uncheck(slot)) return; // force-destroyed meanwhile
    const now = this._clock.now();
    if (this._state !== OPEN) {
      this._destroy(slot, 'closing');
      return;
    }
    if (valid) {
      slot.idleSince = now;
      slot.lastCheckAt = now;
      if (waiter.state === VALIDATING) this._serve(waiter, slot, now);
      else this._makeAvailable(slot, now);
      return;
    }
    this._counters.validationFailures++;
    this._destroy(slot, 'validation-failed');
    if (waiter.state === VALIDATING) {
      waiter.state = QUEUED;
      this._waiters.unshift(waiter); // keeps its place at the head of its lane
    }
    this._dispatch(now);
  }

  /** Lends idle resources to waiters in order, then starts creates for what is still missing. */
  protected _dispatch(now: number): void {
    while (!this._paused && this._state === OPEN && this._waiters.length > 0) {
      const slot = this._takeIdle(now);
      if (slot === undefined) break;
      const waiter = this._waiters.shift() as Waiter<T>;
      if (this._needsValidation(slot, now)) this._validate(slot, waiter);
      else this._serve(waiter, slot, now);
    }
    this._maybeCreate();
  }

  // ---- implemented by the later layers ---------------------------------------------------

  abstract releaseSlot(slot: Slot<T>, options: ReleaseOptions | undefined): void;
  abstract destroySlotByHolder(slot: Slot<T>): Promise<void>;
  abstract detachSlot(slot: Slot<T>): void;
  protected abstract _makeAvailable(slot: Slot<T>, now: number, fresh?: boolean): void;
  protected abstract _maybeCreate(): void;
  protected abstract _createFailedError(): Error;
  protected abstract _destroy(slot: Slot<T>, reason: DestroyReason, live?: boolean): void;
  protected abstract _sweep(): void;
  protected abstract _leakContext(): LeakContext<T>;
  abstract stats(): PoolStats;
  abstract clear(): Promise<void>;
  abstract close(timeoutMs: number): Promise<void>;
  abstract destroy(): Promise<void>;
  abstract isEmpty(): boolean;
  abstract evictIdle(slot: Slot<T>): void;
  abstract wake(): void;
  abstract get unmetDemand(): number;
}
