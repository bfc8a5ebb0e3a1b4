/**
 * The resource pool engine: lending, returning, creating and destroying resources under the
 * limits of {@link ResolvedPoolOptions}. The public {@link Pool} class wraps it; the keyed pool
 * drives several engines under a shared {@link Budget}.
 *
 * Counting: `live` = idle + borrowed + checking + creating is what `max` bounds; resources being
 * destroyed are counted apart (`destroying`) and do not hold a slot.
 *
 * @module
 */

import { DeadlineHeap } from '../internal/deadline-heap.js';
import { Deque } from '../internal/deque.js';
import {
  AcquireTimeoutError,
  abortReason,
  ClosedError,
  CreateFailedError,
  CreateTimeoutError,
  DestroyTimeoutError,
  QueueFullError,
  ValidateTimeoutError,
} from '../internal/errors.js';
import { PoolEventHub } from './event-hub.js';
import { type Expirable, FactoryCall, Timed } from './factory-call.js';
import { type LeakContext, reportLateReturn, watchLeak } from './leak-watch.js';
import { LeaseImpl, type LeaseOwner } from './lease.js';
import { checkAcquireOptions, type ResolvedPoolOptions } from './options.js';
import {
  BORROWED,
  CHECKING,
  DESTROYING,
  GONE,
  IDLE,
  QUEUED,
  SETTLED,
  Slot,
  VALIDATING,
  Waiter,
  WaitQueue,
} from './slot.js';
import { Counters, snapshot } from './stats.js';
import type { AcquireOptions, DestroyReason, Factory, Lease, PoolState, PoolStats, ReleaseOptions } from './types.js';

/** How a keyed pool shares its global limits with its sub-pools. */
export interface Budget<T> {
  /** Reserves one global slot for a create; false when the global cap binds (the engine will be woken). */
  reserve(engine: Engine<T>): boolean;
  /** Gives a global slot back. */
  unreserve(engine: Engine<T>): void;
  /** A resource went idle (`true`) or left the idle list (`false`). */
  idleChanged(engine: Engine<T>, slot: Slot<T>, idle: boolean): void;
  /** True when another key waits for global capacity and this resource should make room. */
  shouldYield(engine: Engine<T>): boolean;
  /** The engine holds nothing and nobody waits on it. */
  emptied(engine: Engine<T>): void;
}

const OPEN = 0;
const CLOSING = 1;
const CLOSED = 2;

/** The engine behind {@link Pool}. */
export class Engine<T> implements LeaseOwner<T> {
  readonly name: string;
  readonly options: ResolvedPoolOptions;
  readonly events = new PoolEventHub<T>();
  readonly #factory: Factory<T>;
  readonly #clock: ResolvedPoolOptions['clock'];
  readonly #heap: DeadlineHeap<Expirable>;
  readonly #idle = new Deque<Slot<T>>();
  readonly #lent: Slot<T>[] = [];
  readonly #waiters = new WaitQueue<T>();
  readonly #creates = new Set<FactoryCall<T>>();
  readonly #validating = new Set<Waiter<T>>();
  readonly #counters = new Counters();
  readonly #budget: Budget<T> | undefined;
  readonly #lifo: boolean;
  readonly #onWaiterExpire = (waiter: Waiter<T>): void => this.#waiterTimedOut(waiter);
  readonly #sweeper = new Timed(() => this.#sweep());
  /** Waiters with the default timeout, in arrival order: their deadlines never decrease, so one heap entry serves them all. */
  readonly #fifoDeadlines = new Deque<Waiter<T>>();
  readonly #fifoTimer = new Timed(() => this.#expireFifo());
  readonly #backoffTimer = new Timed(() => this.#maybeCreate());
  readonly #acquireNeedsClock: boolean;
  #min: number;
  #max: number;
  #state = OPEN;
  #paused = false;
  #live = 0;
  readonly #checking = new Set<Slot<T>>();
  #creating = 0;
  #destroying = 0;
  #generation = 0;
  #failures = 0;
  #backoffUntil = 0;
  #lastCreateError: unknown;
  #readyWaiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  #closePromise: Promise<void> | undefined;
  #closeResolve: (() => void) | undefined;
  #forceTimer: Timed | undefined;

  constructor(factory: Factory<T>, options: ResolvedPoolOptions, budget?: Budget<T>) {
    this.#factory = factory;
    this.options = options;
    this.name = options.name;
    this.#clock = options.clock;
    this.#min = options.min;
    this.#max = options.max;
    this.#lifo = options.idleOrder === 'lifo';
    this.#budget = budget;
    this.#acquireNeedsClock =
      factory.validate !== undefined ||
      options.maxLifetimeMs !== Number.POSITIVE_INFINITY ||
      options.leakDetectionMs !== Number.POSITIVE_INFINITY;
    this.#heap = new DeadlineHeap<Expirable>(this.#clock, (item) => item.expire());
    this.#maybeCreate();
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
    if (this.#state !== OPEN) return this.#refuse(new ClosedError(`Pool "${this.name}" is closed`), 0);
    if (signal?.aborted) {
      this.#counters.aborts++;
      return this.#refuse(abortReason(signal), 0, true);
    }
    if (this.events.wantsStarted()) {
      this.events.emit('acquireStarted', { pool: this.name });
    }
    if (!this.#paused && this.#waiters.length === 0 && this.#idle.length > 0) {
      // Reading the clock costs ~50 ns on VMs: skip it when no lifetime, validation, leak check or
      // `released` listener needs the time (then `lentAt` is NaN and `#unusable` ignores time).
      const fastNow = this.#acquireNeedsClock || this.events.wantsReleased() ? this.#clock.now() : Number.NaN;
      const slot = this.#takeIdle(fastNow);
      if (slot !== undefined) {
        if (!this.#needsValidation(slot, fastNow)) return Promise.resolve(this.#grant(slot, fastNow, fastNow));
        const waiter = this.#newWaiter(fastNow, timeoutMs, signal, priority);
        this.#validate(slot, waiter);
        return waiter.promise;
      }
    }
    const now = this.#clock.now();
    if (this.#waiters.length >= this.options.maxWaiting) {
      return this.#refuse(
        new QueueFullError(`Pool "${this.name}" has ${this.#waiters.length} waiting acquires (maxWaiting)`, {
          stats: this.stats(),
        }),
        0,
      );
    }
    if (this.options.failFast && this.#failures > 0 && (this.#creating > 0 || now < this.#backoffUntil)) {
      return this.#refuse(this.#createFailedError(), 0); // the backend is down; the next acquire after backoff probes
    }
    const waiter = this.#newWaiter(now, timeoutMs, signal, priority);
    this.#waiters.push(waiter);
    this.#maybeCreate();
    return waiter.promise;
  }

  /** An idle resource right now, or undefined. Never waits, never validates, never creates. */
  tryAcquire(): Lease<T> | undefined {
    if (this.#state !== OPEN) throw new ClosedError(`Pool "${this.name}" is closed`);
    if (this.#paused || this.#waiters.length > 0) return undefined;
    const now = this.#clock.now();
    const slot = this.#takeIdle(now);
    if (slot === undefined) return undefined;
    if (this.#needsValidation(slot, now)) {
      this.#makeAvailable(slot, now); // put it back; tryAcquire never waits for a validation
      return undefined;
    }
    return this.#grant(slot, now, now);
  }

  #refuse(error: unknown, startedAt: number, aborted = false): Promise<never> {
    if (!aborted) this.#counters.rejected++;
    if (this.events.wants('acquireFailed')) {
      this.events.emit('acquireFailed', {
        pool: this.name,
        error,
        waitedMs: startedAt ? this.#clock.now() - startedAt : 0,
      });
    }
    return Promise.reject(error);
  }

  #newWaiter(now: number, timeoutMs: number, signal: AbortSignal | undefined, priority: number): Waiter<T> {
    const waiter = new Waiter<T>(now, now + timeoutMs, priority, signal, this.#onWaiterExpire);
    if (this.options.leakDetectionMs !== Number.POSITIVE_INFINITY) waiter.stack = new Error('Lease acquired here');
    if (timeoutMs === this.options.acquireTimeoutMs) {
      if (timeoutMs !== Number.POSITIVE_INFINITY) {
        waiter.fifoHandle = this.#fifoDeadlines.push(waiter);
        waiter.inFifo = true;
        if (this.#fifoTimer.entry === undefined) {
          this.#fifoTimer.entry = this.#heap.add(waiter.deadline, this.#fifoTimer, true);
        }
      }
    } else {
      waiter.entry = this.#heap.add(waiter.deadline, waiter, true);
    }
    if (signal !== undefined) {
      waiter.onAbort = () => this.#waiterAborted(waiter);
      signal.addEventListener('abort', waiter.onAbort, { once: true });
    }
    return waiter;
  }

  #settle(waiter: Waiter<T>): void {
    waiter.state = SETTLED;
    if (waiter.inFifo) {
      waiter.inFifo = false;
      this.#fifoDeadlines.remove(waiter.fifoHandle, waiter);
      if (this.#fifoDeadlines.length === 0 && this.#fifoTimer.entry !== undefined) {
        this.#heap.remove(this.#fifoTimer.entry); // nobody waits: let the process exit
        this.#fifoTimer.entry = undefined;
      }
    } else if (waiter.entry !== undefined) {
      this.#heap.remove(waiter.entry);
      waiter.entry = undefined;
    }
    if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }

  #fail(waiter: Waiter<T>, error: unknown): void {
    this.#waiters.remove(waiter);
    this.#settle(waiter);
    if (this.events.wants('acquireFailed')) {
      this.events.emit('acquireFailed', { pool: this.name, error, waitedMs: this.#clock.now() - waiter.startedAt });
    }
    waiter.reject(error);
  }

  /** The oldest default-timeout waiters are due: expire them, re-arm for the next one. */
  #expireFifo(): void {
    const now = this.#clock.now();
    const fifo = this.#fifoDeadlines;
    for (let head = fifo.peekFront(); head !== undefined && head.deadline <= now; head = fifo.peekFront()) {
      fifo.shift();
      head.inFifo = false;
      this.#waiterTimedOut(head);
    }
    const next = fifo.peekFront();
    if (next !== undefined && this.#fifoTimer.entry === undefined) {
      this.#fifoTimer.entry = this.#heap.add(next.deadline, this.#fifoTimer, true);
    }
  }

  #waiterTimedOut(waiter: Waiter<T>): void {
    if (waiter.state === SETTLED) return;
    const phase =
      waiter.state === VALIDATING ? 'validate' : this.#creating > 0 || this.#failures > 0 ? 'create' : 'queue';
    const waitedMs = this.#clock.now() - waiter.startedAt;
    this.#counters.timeouts++;
    const what =
      phase === 'validate'
        ? 'validating a resource'
        : phase === 'create'
          ? 'waiting for a resource to be created'
          : 'waiting in line (the pool is at max)';
    const error = new AcquireTimeoutError(
      `Acquire from pool "${this.name}" timed out after ${Math.round(waitedMs)} ms ${what}`,
      { phase, stats: this.stats(), waitedMs, cause: this.#lastCreateError },
    );
    this.#fail(waiter, error);
    this.#maybeCreate();
  }

  #waiterAborted(waiter: Waiter<T>): void {
    if (waiter.state === SETTLED) return;
    this.#counters.aborts++;
    this.#fail(waiter, abortReason(waiter.signal as AbortSignal));
    this.#maybeCreate();
  }

  #takeIdle(now: number): Slot<T> | undefined {
    for (;;) {
      const slot = this.#lifo ? this.#idle.pop() : this.#idle.shift();
      if (slot === undefined) return undefined;
      this.#budget?.idleChanged(this, slot, false);
      const reason = this.#unusable(slot, now);
      if (reason === undefined) return slot;
      slot.state = BORROWED; // off the idle list: #destroy takes a non-idle slot
      this.#destroy(slot, reason);
    }
  }

  #unusable(slot: Slot<T>, now: number): DestroyReason | undefined {
    if (slot.dead) return 'died';
    if (slot.generation !== this.#generation) return 'cleared';
    if (now >= slot.expiresAt) return 'max-lifetime';
    return undefined;
  }

  #needsValidation(slot: Slot<T>, now: number): boolean {
    return this.#factory.validate !== undefined && now - slot.idleSince > this.options.validateAfterIdleMs;
  }

  /** Lends `slot` and returns the lease. Hot path. */
  #grant(slot: Slot<T>, startedAt: number, now: number, stack?: Error): Lease<T> {
    slot.state = BORROWED;
    slot.uses++;
    slot.lentAt = now;
    slot.lentIndex = this.#lent.length;
    this.#lent.push(slot);
    const lease = new LeaseImpl<T>(this, slot);
    slot.lease = lease;
    this.#counters.acquired++;
    if (this.#idle.length < this.options.minIdle) this.#maybeCreate();
    if (this.options.leakDetectionMs !== Number.POSITIVE_INFINITY) watchLeak(this.#leakContext(), slot, now, stack);
    if (this.events.wantsSucceeded()) {
      const waitedMs = Number.isNaN(now) ? 0 : now - startedAt;
      this.events.emit('acquireSucceeded', { pool: this.name, resource: slot.value, waitedMs });
    }
    return lease;
  }

  #serve(waiter: Waiter<T>, slot: Slot<T>, now: number): void {
    this.#settle(waiter);
    this.#counters.acquiredAfterWait++;
    this.#counters.waitTimeMs += now - waiter.startedAt;
    waiter.resolve(this.#grant(slot, waiter.startedAt, now, waiter.stack));
  }

  #check(slot: Slot<T>): void {
    slot.state = CHECKING;
    this.#checking.add(slot);
  }

  /** Ends a check; false when the slot was force-destroyed meanwhile. */
  #uncheck(slot: Slot<T>): boolean {
    slot.call = undefined;
    if (slot.state !== CHECKING) return false;
    this.#checking.delete(slot);
    slot.state = BORROWED;
    return true;
  }

  #validate(slot: Slot<T>, waiter: Waiter<T>): void {
    this.#check(slot);
    waiter.state = VALIDATING;
    this.#validating.add(waiter);
    const validate = this.#factory.validate as NonNullable<Factory<T>['validate']>;
    const call = new FactoryCall<boolean>(
      this.#heap,
      this.#clock.now() + this.options.validateTimeoutMs,
      () => new ValidateTimeoutError(`validate() of pool "${this.name}" ran past ${this.options.validateTimeoutMs} ms`),
      {
        ok: (valid) => this.#validated(slot, waiter, valid === true, undefined),
        fail: (error) => this.#validated(slot, waiter, false, error),
      },
    );
    slot.call = call as FactoryCall<unknown>;
    call.start((signal) => validate(slot.value, { signal }));
  }

  #validated(slot: Slot<T>, waiter: Waiter<T>, valid: boolean, _error: unknown): void {
    this.#validating.delete(waiter);
    if (!this.#uncheck(slot)) return; // force-destroyed meanwhile
    const now = this.#clock.now();
    if (this.#state !== OPEN) {
      this.#destroy(slot, 'closing');
      return;
    }
    if (valid) {
      slot.idleSince = now;
      slot.lastCheckAt = now;
      if (waiter.state === VALIDATING) this.#serve(waiter, slot, now);
      else this.#makeAvailable(slot, now);
      return;
    }
    this.#counters.validationFailures++;
    this.#destroy(slot, 'validation-failed');
    if (waiter.state === VALIDATING) {
      waiter.state = QUEUED;
      this.#waiters.unshift(waiter); // keeps its place at the head of its lane
    }
    this.#dispatch(now);
  }

  /** Lends idle resources to waiters in order, then starts creates for what is still missing. */
  #dispatch(now: number): void {
    while (!this.#paused && this.#state === OPEN && this.#waiters.length > 0) {
      const slot = this.#takeIdle(now);
      if (slot === undefined) break;
      const waiter = this.#waiters.shift() as Waiter<T>;
      if (this.#needsValidation(slot, now)) this.#validate(slot, waiter);
      else this.#serve(waiter, slot, now);
    }
    this.#maybeCreate();
  }

  // ---- returning ---------------------------------------------------------------------------

  #unlend(slot: Slot<T>): void {
    const lent = this.#lent;
    const last = lent.pop() as Slot<T>;
    if (last !== slot) {
      lent[slot.lentIndex] = last;
      last.lentIndex = slot.lentIndex;
    }
    slot.lentIndex = -1;
    slot.lease = undefined;
    if (slot.leakEntry !== undefined) {
      this.#heap.remove(slot.leakEntry);
      slot.leakEntry = undefined;
    }
  }

  releaseSlot(slot: Slot<T>, options: ReleaseOptions | undefined): void {
    const now = this.#clock.now();
    this.#unlend(slot);
    this.#counters.released++;
    if (slot.leakReported) reportLateReturn(this.#leakContext(), slot, now);
    if (this.events.wantsReleased()) {
      this.events.emit('released', { pool: this.name, resource: slot.value, heldMs: now - slot.lentAt });
    }
    if (options !== undefined && 'error' in options) {
      const isBroken = this.#factory.isBroken;
      let broken = false;
      try {
        broken = isBroken !== undefined && isBroken(slot.value, options.error) === true;
      } catch {
        broken = true; // a throwing isBroken cannot vouch for the resource
      }
      if (broken) {
        this.#destroy(slot, 'broken');
        return;
      }
    }
    const reset = this.#factory.reset;
    if (reset === undefined) {
      this.#makeAvailable(slot, now);
      return;
    }
    const retire = this.#unusable(slot, now) ?? (slot.uses >= this.options.maxUses ? 'max-uses' : undefined);
    if (retire !== undefined) {
      this.#destroy(slot, retire); // no point resetting a resource that is going away
      return;
    }
    this.#check(slot);
    const call = new FactoryCall<boolean | undefined>(
      this.#heap,
      now + this.options.validateTimeoutMs,
      () => new ValidateTimeoutError(`reset() of pool "${this.name}" ran past ${this.options.validateTimeoutMs} ms`),
      {
        ok: (result) => this.#afterReset(slot, result !== false),
        fail: () => this.#afterReset(slot, false),
      },
    );
    slot.call = call as FactoryCall<unknown>;
    call.start((signal) => reset(slot.value, { signal }) as boolean | undefined | PromiseLike<boolean | undefined>);
  }

  #afterReset(slot: Slot<T>, ok: boolean): void {
    if (!this.#uncheck(slot)) return; // force-destroyed meanwhile
    if (!ok) {
      this.#destroy(slot, 'reset-failed');
      return;
    }
    this.#makeAvailable(slot, this.#clock.now());
  }

  destroySlotByHolder(slot: Slot<T>): Promise<void> {
    this.#unlend(slot);
    this.#counters.released++;
    const gone = this.#whenGone(slot);
    this.#destroy(slot, 'destroyed-by-holder');
    return gone;
  }

  detachSlot(slot: Slot<T>): void {
    this.#unlend(slot);
    slot.state = GONE;
    slot.unwatch?.();
    this.#live--;
    this.#counters.detached++;
    this.#budget?.unreserve(this);
    this.#afterSlotFreed();
  }

  /** A resource is free (created, released, validated for a waiter who left): next waiter, idle, or destroy. */
  #makeAvailable(slot: Slot<T>, now: number): void {
    if (this.#state !== OPEN) {
      this.#destroy(slot, 'closing');
      return;
    }
    let reason = this.#unusable(slot, now);
    if (reason === undefined && slot.uses >= this.options.maxUses) reason = 'max-uses';
    if (reason === undefined && this.#budget?.shouldYield(this) === true) reason = 'evicted';
    if (reason !== undefined) {
      this.#destroy(slot, reason);
      return;
    }
    slot.idleSince = now;
    if (!this.#paused && this.#waiters.length > 0) {
      this.#serve(this.#waiters.shift() as Waiter<T>, slot, now);
      return;
    }
    if (this.#idle.length >= this.options.maxIdle) {
      this.#destroy(slot, 'trimmed');
      return;
    }
    slot.state = IDLE;
    slot.idleHandle = this.#idle.push(slot);
    this.#budget?.idleChanged(this, slot, true);
    this.#scheduleSweep(slot);
  }

  // ---- creating ----------------------------------------------------------------------------

  #maybeCreate(): void {
    if (this.#state !== OPEN || this.#paused) return;
    const options = this.options;
    while (this.#creating < options.maxConcurrentCreates && this.#live < this.#max) {
      const need =
        this.#waiters.length > this.#creating ||
        this.#idle.length + this.#creating < options.minIdle ||
        this.#live < this.#min;
      if (!need) return;
      if (this.#failures > 0) {
        const now = this.#clock.now();
        if (now < this.#backoffUntil) {
          if (this.#backoffTimer.entry === undefined) {
            this.#backoffTimer.entry = this.#heap.add(this.#backoffUntil, this.#backoffTimer);
          }
          return;
        }
        if (this.#creating > 0) return; // one probe at a time while the backend is failing
      }
      if (this.#budget !== undefined && !this.#budget.reserve(this)) return;
      this.#startCreate();
    }
  }

  #startCreate(): void {
    this.#creating++;
    this.#live++;
    const generation = this.#generation;
    const startedAt = this.#clock.now();
    if (this.events.wants('resourceCreateStarted')) this.events.emit('resourceCreateStarted', { pool: this.name });
    const call: FactoryCall<T> = new FactoryCall<T>(
      this.#heap,
      startedAt + this.options.createTimeoutMs,
      () => new CreateTimeoutError(`create() of pool "${this.name}" ran past ${this.options.createTimeoutMs} ms`),
      {
        ok: (value) => this.#created(call, value, generation, startedAt),
        fail: (error) => this.#createFailed(call, error),
        late: (value) => this.#lateCreate(value, generation),
      },
    );
    this.#creates.add(call);
    call.start((signal) => this.#factory.create({ signal }));
  }

  #created(call: FactoryCall<T>, value: T, generation: number, startedAt: number): void {
    this.#creates.delete(call);
    this.#creating--;
    this.#failures = 0;
    this.#lastCreateError = undefined;
    this.#counters.created++;
    const slot = this.#newSlot(value, generation);
    slot.state = BORROWED; // transient until #makeAvailable places it
    const now = this.#clock.now();
    if (this.events.wants('resourceCreated')) {
      this.events.emit('resourceCreated', { pool: this.name, resource: value, durationMs: now - startedAt });
    }
    this.#makeAvailable(slot, now);
    this.#checkReady();
    this.#maybeCreate();
  }

  #newSlot(value: T, generation: number): Slot<T> {
    const now = this.#clock.now();
    const { maxLifetimeMs, maxLifetimeJitterMs } = this.options;
    const expiresAt = now + maxLifetimeMs + (maxLifetimeJitterMs > 0 ? Math.random() * maxLifetimeJitterMs : 0);
    const slot = new Slot<T>(value, now, expiresAt, generation);
    const watch = this.#factory.watch;
    if (watch !== undefined) {
      try {
        const unwatch = watch(value, () => this.#died(slot));
        if (typeof unwatch === 'function') slot.unwatch = unwatch;
      } catch {
        slot.dead = true; // a watcher that cannot attach leaves the resource unobserved: retire it
      }
    }
    return slot;
  }

  #lateCreate(value: T, generation: number): void {
    // The create ran past its timeout (or the pool closed) and finished anyway: destroy it, never leak it.
    this.#counters.created++;
    const slot = this.#newSlot(value, generation);
    slot.state = BORROWED;
    this.#destroy(slot, 'create-aborted', false);
  }

  #createFailed(call: FactoryCall<T>, error: unknown): void {
    this.#creates.delete(call);
    this.#creating--;
    this.#live--;
    this.#budget?.unreserve(this);
    if (this.#state !== OPEN) {
      this.#checkClosed();
      return;
    }
    this.#counters.createFailures++;
    this.#failures++;
    this.#lastCreateError = error;
    const { backoffInitialMs, backoffMaxMs } = this.options;
    const base = Math.min(backoffMaxMs, backoffInitialMs * 2 ** Math.min(this.#failures - 1, 30));
    const backoffMs = base / 2 + (Math.random() * base) / 2; // "equal jitter"
    this.#backoffUntil = this.#clock.now() + backoffMs;
    if (this.events.wants('resourceCreateFailed')) {
      this.events.emit('resourceCreateFailed', { pool: this.name, error, backoffMs });
    }
    if (this.options.failFast) {
      for (const waiter of this.#waiters.drain()) {
        this.#counters.rejected++;
        this.#fail(waiter, this.#createFailedError());
      }
    }
    this.#maybeCreate(); // arms the backoff timer if someone still needs a resource
  }

  #createFailedError(): Error {
    return new CreateFailedError(`create() of pool "${this.name}" is failing (fail-fast)`, {
      cause: this.#lastCreateError,
      stats: this.stats(),
    });
  }

  #died(slot: Slot<T>): void {
    if (slot.dead || slot.state === GONE || slot.state === DESTROYING) return;
    slot.dead = true;
    if (slot.state === IDLE) {
      this.#idle.remove(slot.idleHandle, slot);
      this.#budget?.idleChanged(this, slot, false);
      slot.state = BORROWED;
      this.#destroy(slot, 'died');
    }
  }

  // ---- destroying --------------------------------------------------------------------------

  /** Destroys a non-idle slot (the caller took it off the idle list). `live` says whether it held a slot. */
  #destroy(slot: Slot<T>, reason: DestroyReason, live = true): void {
    if (slot.state === CHECKING) this.#checking.delete(slot);
    slot.call = undefined;
    slot.state = DESTROYING;
    if (live) {
      this.#live--;
      this.#budget?.unreserve(this);
    }
    this.#destroying++;
    const unwatch = slot.unwatch;
    slot.unwatch = undefined;
    try {
      unwatch?.();
    } catch {
      // detaching listeners failed; the resource is going away anyway
    }
    const destroy = this.#factory.destroy;
    if (destroy === undefined) {
      this.#destroyed(slot, reason, undefined);
    } else {
      const call = new FactoryCall<void>(
        this.#heap,
        this.#clock.now() + this.options.destroyTimeoutMs,
        () => new DestroyTimeoutError(`destroy() of pool "${this.name}" ran past ${this.options.destroyTimeoutMs} ms`),
        {
          ok: () => this.#destroyed(slot, reason, undefined),
          fail: (error) => this.#destroyed(slot, reason, error),
        },
      );
      call.start((signal) => destroy(slot.value, { signal, reason }));
    }
    if (live) this.#afterSlotFreed();
  }

  #destroyed(slot: Slot<T>, reason: DestroyReason, error: unknown): void {
    slot.state = GONE;
    this.#destroying--;
    const counters = this.#counters;
    counters.destroyed++;
    counters.destroyedByReason[reason]++;
    if (this.events.wants('resourceDestroyed')) {
      this.events.emit(
        'resourceDestroyed',
        error === undefined
          ? { pool: this.name, resource: slot.value, reason }
          : { pool: this.name, resource: slot.value, reason, error },
      );
    }
    const whenGone = slot.whenGone;
    slot.whenGone = undefined;
    if (whenGone !== undefined) for (const resolve of whenGone) resolve();
    this.#checkClosed();
    if (this.#budget !== undefined && this.isEmpty()) this.#budget.emptied(this);
  }

  #whenGone(slot: Slot<T>): Promise<void> {
    return new Promise<void>((resolve) => {
      if (slot.whenGone === undefined) slot.whenGone = [resolve];
      else slot.whenGone.push(resolve);
    });
  }

  #afterSlotFreed(): void {
    if (this.#state === OPEN) this.#maybeCreate();
    else this.#checkClosed();
    if (this.#budget !== undefined && this.isEmpty()) this.#budget.emptied(this);
  }

  /** Nothing alive, nothing pending, nobody waiting. */
  isEmpty(): boolean {
    return this.#live === 0 && this.#destroying === 0 && this.#waiters.length === 0 && this.#readyWaiters.length === 0;
  }

  // ---- housekeeping ------------------------------------------------------------------------

  #scheduleSweep(slot: Slot<T>): void {
    this.#armSweep(this.#dueAt(slot, slot.idleSince));
  }

  /** When `slot` next needs the sweeper (idle timeout, lifetime, keep-alive), never before `after`. */
  #dueAt(slot: Slot<T>, after: number): number {
    const { idleTimeoutMs, keepAliveIntervalMs } = this.options;
    let idleDue = slot.idleSince + idleTimeoutMs;
    // Kept past its idle timeout (min / minIdle): look again one idle period later, not in a loop.
    if (idleDue <= after) idleDue = after + idleTimeoutMs;
    const checkDue =
      this.#factory.keepAlive === undefined ? Number.POSITIVE_INFINITY : slot.lastCheckAt + keepAliveIntervalMs;
    return Math.max(Math.min(idleDue, slot.expiresAt, checkDue), after + 1);
  }

  #armSweep(due: number): void {
    if (!(due < Number.POSITIVE_INFINITY)) return;
    const sweeper = this.#sweeper;
    if (sweeper.entry !== undefined) {
      if (sweeper.entry.deadline <= due) return;
      this.#heap.remove(sweeper.entry);
    }
    sweeper.entry = this.#heap.add(due, sweeper);
  }

  /** Idle timeout, lifetime, death and keep-alive checks of idle resources; then refill. */
  #sweep(): void {
    if (this.#state !== OPEN) return;
    const now = this.#clock.now();
    const { idleTimeoutMs, keepAliveIntervalMs, minIdle } = this.options;
    const keepAlive = this.#factory.keepAlive;
    let next = Number.POSITIVE_INFINITY;
    for (const slot of this.#idle.toArray()) {
      let reason = this.#unusable(slot, now);
      if (reason === undefined && now - slot.idleSince >= idleTimeoutMs && this.#live > this.#min) {
        if (this.#idle.length > minIdle) reason = 'idle-timeout';
      }
      if (reason !== undefined) {
        this.#removeIdle(slot);
        this.#destroy(slot, reason);
        continue;
      }
      if (keepAlive !== undefined && now - slot.lastCheckAt >= keepAliveIntervalMs) {
        this.#removeIdle(slot);
        this.#keepAlive(slot, keepAlive);
        continue;
      }
      next = Math.min(next, this.#dueAt(slot, now));
    }
    this.#armSweep(next);
    this.#maybeCreate();
  }

  #removeIdle(slot: Slot<T>): void {
    this.#idle.remove(slot.idleHandle, slot);
    this.#budget?.idleChanged(this, slot, false);
    this.#check(slot);
  }

  #keepAlive(slot: Slot<T>, keepAlive: NonNullable<Factory<T>['keepAlive']>): void {
    const done = (ok: boolean): void => {
      if (!this.#uncheck(slot)) return;
      const now = this.#clock.now();
      slot.lastCheckAt = now;
      if (!ok) {
        this.#counters.validationFailures++;
        this.#destroy(slot, 'validation-failed');
        return;
      }
      const idleSince = slot.idleSince; // a keep-alive check is not a use: keep the idle age
      this.#makeAvailable(slot, now);
      slot.idleSince = idleSince;
    };
    const call = new FactoryCall<boolean>(
      this.#heap,
      this.#clock.now() + this.options.validateTimeoutMs,
      () =>
        new ValidateTimeoutError(`keepAlive() of pool "${this.name}" ran past ${this.options.validateTimeoutMs} ms`),
      { ok: (result) => done(result === true), fail: () => done(false) },
    );
    slot.call = call as FactoryCall<unknown>;
    call.start((signal) => keepAlive(slot.value, { signal }));
  }

  #leakContext(): LeakContext<T> {
    return {
      name: this.name,
      leakDetectionMs: this.options.leakDetectionMs,
      clock: this.#clock,
      heap: this.#heap,
      events: this.events,
    };
  }

  // ---- control -----------------------------------------------------------------------------

  ready(): Promise<void> {
    if (this.#state !== OPEN) return Promise.reject(new ClosedError(`Pool "${this.name}" is closed`));
    if (this.#idle.length + this.#lent.length >= this.options.minIdle) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#readyWaiters.push({ resolve, reject });
      this.#maybeCreate();
    });
  }

  #checkReady(): void {
    if (this.#readyWaiters.length === 0 || this.#idle.length + this.#lent.length < this.options.minIdle) return;
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  resize(min: number, max: number): void {
    this.#min = min;
    this.#max = max;
    const now = this.#clock.now();
    while (this.#live > max && this.#idle.length > 0) {
      const slot = this.#takeIdle(now);
      if (slot === undefined) break;
      slot.state = BORROWED;
      this.#destroy(slot, 'trimmed');
    }
    this.#dispatch(now);
  }

  get min(): number {
    return this.#min;
  }

  get max(): number {
    return this.#max;
  }

  clear(): Promise<void> {
    this.#generation++;
    const pending: Promise<void>[] = [];
    for (const slot of this.#idle.toArray()) {
      this.#removeIdle(slot);
      pending.push(this.#whenGone(slot));
      this.#destroy(slot, 'cleared');
    }
    if (this.events.wants('poolCleared')) {
      this.events.emit('poolCleared', { pool: this.name, generation: this.#generation });
    }
    return Promise.all(pending).then(() => undefined);
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#dispatch(this.#clock.now());
  }

  get state(): PoolState {
    if (this.#state === CLOSED) return 'closed';
    if (this.#state === CLOSING) return 'closing';
    return this.#paused ? 'paused' : 'open';
  }

  close(timeoutMs: number): Promise<void> {
    if (this.#closePromise !== undefined) return this.#closePromise;
    this.#state = CLOSING;
    this.#closePromise = new Promise<void>((resolve) => {
      this.#closeResolve = resolve;
    });
    const closed = new ClosedError(`Pool "${this.name}" is closing`);
    for (const waiter of this.#waiters.drain()) {
      this.#counters.rejected++;
      this.#fail(waiter, closed);
    }
    for (const waiter of [...this.#validating]) {
      this.#counters.rejected++;
      this.#validating.delete(waiter);
      this.#fail(waiter, closed);
    }
    for (const ready of this.#readyWaiters.splice(0)) ready.reject(closed);
    for (const call of [...this.#creates]) call.abort(closed);
    for (const timer of [this.#sweeper, this.#backoffTimer]) {
      if (timer.entry !== undefined) this.#heap.remove(timer.entry);
      timer.entry = undefined;
    }
    for (const slot of this.#idle.toArray()) {
      this.#removeIdle(slot);
      this.#destroy(slot, 'closing');
    }
    if (this.#live > 0 && timeoutMs < Number.POSITIVE_INFINITY) {
      this.#forceTimer = new Timed(() => this.#force());
      this.#forceTimer.entry = this.#heap.add(this.#clock.now() + timeoutMs, this.#forceTimer);
    }
    this.#checkClosed();
    return this.#closePromise;
  }

  destroy(): Promise<void> {
    const promise = this.close(0);
    this.#force();
    return promise;
  }

  /** Takes every lent or checked resource back by force and destroys it. */
  #force(): void {
    if (this.#state === CLOSED) return;
    if (this.#forceTimer?.entry !== undefined) this.#heap.remove(this.#forceTimer.entry);
    for (const slot of [...this.#lent]) {
      this.#unlend(slot);
      this.#destroy(slot, 'closing');
    }
    const closed = new ClosedError(`Pool "${this.name}" was destroyed`);
    for (const slot of [...this.#checking]) {
      const call = slot.call;
      this.#destroy(slot, 'closing');
      call?.abort(closed);
    }
    for (const call of [...this.#creates]) call.abort(closed);
    this.#checkClosed();
  }

  #checkClosed(): void {
    if (this.#state !== CLOSING || this.#live > 0 || this.#destroying > 0) return;
    this.#state = CLOSED;
    this.#heap.clear();
    if (this.events.wants('poolClosed')) this.events.emit('poolClosed', { pool: this.name });
    this.#closeResolve?.();
  }

  stats(): PoolStats {
    return snapshot(
      {
        name: this.name,
        state: this.state,
        idle: this.#idle.length,
        borrowed: this.#lent.length + this.#checking.size,
        creating: this.#creating,
        destroying: this.#destroying,
        waiting: this.#waiters.length,
        min: this.#min,
        max: this.#max,
        generation: this.#generation,
      },
      this.#counters,
    );
  }

  /** Idle slots oldest first (keyed pools evict from here). */
  evictIdle(slot: Slot<T>): void {
    if (slot.state !== IDLE) return;
    this.#removeIdle(slot);
    this.#destroy(slot, 'evicted');
  }

  /** Lets a keyed pool wake this engine when global capacity frees up. */
  wake(): void {
    this.#maybeCreate();
  }

  /** Demand this engine cannot meet on its own (waiters beyond creates). */
  get unmetDemand(): number {
    return this.#waiters.length - this.#creating;
  }
}
