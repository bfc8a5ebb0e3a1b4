/**
 * The engine's middle layer: returning resources (release, reset, hand-off), creating them
 * (backoff, late creates destroyed) and destroying them. See {@link Engine}.
 *
 * @module
 */
import {
  CreateFailedError,
  CreateTimeoutError,
  DestroyTimeoutError,
  ValidateTimeoutError,
} from '../internal/errors.js';
import { EngineBase, OPEN } from './engine-base.js';
import { CallContext, DestroyCallContext, FactoryCall } from './factory-call.js';
import { reportLateReturn } from './leak-watch.js';
import { BORROWED, CHECKING, DESTROYING, GONE, IDLE, Slot, type Waiter } from './slot.js';
import type { DestroyReason, ReleaseOptions } from './types.js';

/** Returning, creating and destroying resources; see {@link Engine}. */
export abstract class EngineFlow<T> extends EngineBase<T> {
  // ---- returning ---------------------------------------------------------------------------

  protected _unlend(slot: Slot<T>): void {
    const lent = this._lent;
    const last = lent.pop() as Slot<T>;
    if (last !== slot) {
      lent[slot.lentIndex] = last;
      last.lentIndex = slot.lentIndex;
    }
    slot.lentIndex = -1;
    slot.lease = undefined;
    if (slot.leakEntry !== undefined) {
      this._heap.remove(slot.leakEntry);
      slot.leakEntry = undefined;
    }
  }

  releaseSlot(slot: Slot<T>, options: ReleaseOptions | undefined): void {
    const now = this._clock.now();
    this._unlend(slot);
    this._counters.released++;
    if (slot.leakReported) reportLateReturn(this._leakContext(), slot, now);
    if (this.events.wantsReleased()) {
      this.events.emit('released', { pool: this.name, resource: slot.value, heldMs: now - slot.lentAt });
    }
    if (options !== undefined && 'error' in options) {
      const isBroken = this._factory.isBroken;
      let broken = false;
      try {
        broken = isBroken !== undefined && isBroken(slot.value, options.error) === true;
      } catch {
        broken = true; // a throwing isBroken cannot vouch for the resource
      }
      if (broken) {
        this._destroy(slot, 'broken');
        return;
      }
    }
    const reset = this._factory.reset;
    if (reset === undefined) {
      this._makeAvailable(slot, now);
      return;
    }
    const retire = this._unusable(slot, now) ?? (slot.uses >= this.options.maxUses ? 'max-uses' : undefined);
    if (retire !== undefined) {
      this._destroy(slot, retire); // no point resetting a resource that is going away
      return;
    }
    this._check(slot);
    const call = new FactoryCall<boolean | undefined>(
      this._heap,
      now + this.options.validateTimeoutMs,
      () => new ValidateTimeoutError(`reset() of pool "${this.name}" ran past ${this.options.validateTimeoutMs} ms`),
      {
        ok: (result) => this._afterReset(slot, result !== false),
        fail: () => this._afterReset(slot, false),
      },
    );
    slot.call = call as FactoryCall<unknown>;
    call.start(
      (self) => reset(slot.value, new CallContext(self)) as boolean | undefined | PromiseLike<boolean | undefined>,
    );
  }

  protected _afterReset(slot: Slot<T>, ok: boolean): void {
    if (!this._uncheck(slot)) return; // force-destroyed meanwhile
    if (!ok) {
      this._destroy(slot, 'reset-failed');
      return;
    }
    this._makeAvailable(slot, this._clock.now());
  }

  destroySlotByHolder(slot: Slot<T>): Promise<void> {
    this._unlend(slot);
    this._counters.released++;
    const gone = this._whenGone(slot);
    this._destroy(slot, 'destroyed-by-holder');
    return gone;
  }

  detachSlot(slot: Slot<T>): void {
    this._unlend(slot);
    slot.state = GONE;
    slot.unwatch?.();
    this._live--;
    this._counters.detached++;
    this._budget?.unreserve(this);
    this._afterSlotFreed();
  }

  /**
   * A resource is free (created, released, validated for a waiter who left): next waiter, idle, or
   * destroy. `fresh`: just created; it never yields its global slot to another key while this
   * pool has waiters (the slot was granted for them, and yielding it would make keys trade fresh
   * resources forever).
   */
  protected _makeAvailable(slot: Slot<T>, now: number, fresh = false): void {
    if (this._state !== OPEN) {
      this._destroy(slot, 'closing');
      return;
    }
    let reason = this._unusable(slot, now);
    if (reason === undefined && slot.uses >= this.options.maxUses) reason = 'max-uses';
    if (
      reason === undefined &&
      this._budget !== undefined &&
      !(fresh && this._waiters.length > 0) &&
      this._budget.shouldYield(this)
    ) {
      reason = 'evicted';
    }
    if (reason !== undefined) {
      this._destroy(slot, reason);
      return;
    }
    slot.idleSince = now;
    if (!this._paused && this._waiters.length > 0) {
      this._serve(this._waiters.shift() as Waiter<T>, slot, now);
      return;
    }
    if (this._idle.length >= this.options.maxIdle) {
      this._destroy(slot, 'trimmed');
      return;
    }
    slot.state = IDLE;
    slot.idleHandle = this._idle.push(slot);
    this._budget?.idleChanged(this, slot, true);
    this._scheduleSweep(slot);
  }

  // ---- creating ----------------------------------------------------------------------------

  protected _maybeCreate(): void {
    if (this._state !== OPEN || this._paused) return;
    const options = this.options;
    while (this._creating < options.maxConcurrentCreates && this._live < this._max) {
      const need =
        this._waiters.length > this._creating ||
        this._idle.length + this._creating < options.minIdle ||
        this._live < this._min;
      if (!need) return;
      if (this._failures > 0) {
        const now = this._clock.now();
        if (now < this._backoffUntil) {
          if (this._backoffTimer.entry === undefined) {
            this._backoffTimer.entry = this._heap.add(this._backoffUntil, this._backoffTimer);
          }
          return;
        }
        if (this._creating > 0) return; // one probe at a time while the backend is failing
      }
      if (this._budget !== undefined && !this._budget.reserve(this)) return;
      this._startCreate();
    }
  }

  protected _startCreate(): void {
    this._creating++;
    this._live++;
    const generation = this._generation;
    const startedAt = this._clock.now();
    if (this.events.wants('resourceCreateStarted')) this.events.emit('resourceCreateStarted', { pool: this.name });
    const call: FactoryCall<T> = new FactoryCall<T>(
      this._heap,
      startedAt + this.options.createTimeoutMs,
      () => new CreateTimeoutError(`create() of pool "${this.name}" ran past ${this.options.createTimeoutMs} ms`),
      {
        ok: (value) => this._created(call, value, generation, startedAt),
        fail: (error) => this._createFailed(call, error),
        late: (value) => this._lateCreate(value, generation),
      },
    );
    this._creates.add(call);
    call.start((self) => this._factory.create(new CallContext(self)));
  }

  protected _created(call: FactoryCall<T>, value: T, generation: number, startedAt: number): void {
    this._creates.delete(call);
    this._creating--;
    this._failures = 0;
    this._lastCreateError = undefined;
    this._counters.created++;
    const slot = this._newSlot(value, generation);
    slot.state = BORROWED; // transient until _makeAvailable places it
    const now = this._clock.now();
    if (this.events.wants('resourceCreated')) {
      this.events.emit('resourceCreated', { pool: this.name, resource: value, durationMs: now - startedAt });
    }
    this._makeAvailable(slot, now, true);
    this._checkReady();
    this._maybeCreate();
  }

  protected _newSlot(value: T, generation: number): Slot<T> {
    const now = this._clock.now();
    const { maxLifetimeMs, maxLifetimeJitterMs } = this.options;
    const expiresAt = now + maxLifetimeMs + (maxLifetimeJitterMs > 0 ? Math.random() * maxLifetimeJitterMs : 0);
    const slot = new Slot<T>(value, now, expiresAt, generation);
    const watch = this._factory.watch;
    if (watch !== undefined) {
      try {
        const unwatch = watch(value, () => this._died(slot));
        if (typeof unwatch === 'function') slot.unwatch = unwatch;
      } catch {
        slot.dead = true; // a watcher that cannot attach leaves the resource unobserved: retire it
      }
    }
    return slot;
  }

  protected _lateCreate(value: T, generation: number): void {
    // The create ran past its timeout (or the pool closed) and finished anyway: destroy it, never leak it.
    this._counters.created++;
    const slot = this._newSlot(value, generation);
    slot.state = BORROWED;
    this._destroy(slot, 'create-aborted', false);
  }

  protected _createFailed(call: FactoryCall<T>, error: unknown): void {
    this._creates.delete(call);
    this._creating--;
    this._live--;
    this._budget?.unreserve(this);
    if (this._state !== OPEN) {
      this._checkClosed();
      return;
    }
    this._counters.createFailures++;
    this._failures++;
    this._lastCreateError = error;
    const { backoffInitialMs, backoffMaxMs } = this.options;
    const base = Math.min(backoffMaxMs, backoffInitialMs * 2 ** Math.min(this._failures - 1, 30));
    const backoffMs = base / 2 + (Math.random() * base) / 2; // "equal jitter"
    this._backoffUntil = this._clock.now() + backoffMs;
    if (this.events.wants('resourceCreateFailed')) {
      this.events.emit('resourceCreateFailed', { pool: this.name, error, backoffMs });
    }
    if (this.options.failFast) {
      for (const waiter of this._waiters.drain()) {
        this._counters.rejected++;
        this._fail(waiter, this._createFailedError());
      }
    }
    this._maybeCreate(); // arms the backoff timer if someone still needs a resource
  }

  protected _createFailedError(): Error {
    return new CreateFailedError(`create() of pool "${this.name}" is failing (fail-fast)`, {
      cause: this._lastCreateError,
      stats: this.stats(),
    });
  }

  protected _died(slot: Slot<T>): void {
    if (slot.dead || slot.state === GONE || slot.state === DESTROYING) return;
    slot.dead = true;
    if (slot.state === IDLE) {
      this._idle.remove(slot.idleHandle, slot);
      this._budget?.idleChanged(this, slot, false);
      slot.state = BORROWED;
      this._destroy(slot, 'died');
    }
  }

  // ---- destroying --------------------------------------------------------------------------

  /** Destroys a non-idle slot (the caller took it off the idle list). `live` says whether it held a slot. */
  protected _destroy(slot: Slot<T>, reason: DestroyReason, live = true): void {
    if (slot.state === CHECKING) this._checking.delete(slot);
    slot.call = undefined;
    slot.state = DESTROYING;
    if (live) {
      this._live--;
      this._budget?.unreserve(this);
    }
    this._destroying++;
    const unwatch = slot.unwatch;
    slot.unwatch = undefined;
    try {
      unwatch?.();
    } catch {
      // detaching listeners failed; the resource is going away anyway
    }
    const destroy = this._factory.destroy;
    if (destroy === undefined) {
      this._destroyed(slot, reason, undefined);
    } else {
      const call = new FactoryCall<void>(
        this._heap,
        this._clock.now() + this.options.destroyTimeoutMs,
        () => new DestroyTimeoutError(`destroy() of pool "${this.name}" ran past ${this.options.destroyTimeoutMs} ms`),
        {
          ok: () => this._destroyed(slot, reason, undefined),
          fail: (error) => this._destroyed(slot, reason, error),
        },
      );
      call.start((self) => destroy(slot.value, new DestroyCallContext(self, reason)));
    }
    if (live) this._afterSlotFreed();
  }

  protected _destroyed(slot: Slot<T>, reason: DestroyReason, error: unknown): void {
    slot.state = GONE;
    this._destroying--;
    const counters = this._counters;
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
    this._checkClosed();
    if (this._budget !== undefined && this.isEmpty()) this._budget.emptied(this);
  }

  protected _whenGone(slot: Slot<T>): Promise<void> {
    return new Promise<void>((resolve) => {
      if (slot.whenGone === undefined) slot.whenGone = [resolve];
      else slot.whenGone.push(resolve);
    });
  }

  protected _afterSlotFreed(): void {
    if (this._state === OPEN) this._maybeCreate();
    else this._checkClosed();
    if (this._budget !== undefined && this.isEmpty()) this._budget.emptied(this);
  }

  /** Nothing alive, nothing pending, nobody waiting. */
  isEmpty(): boolean {
    return this._live === 0 && this._destroying === 0 && this._waiters.length === 0 && this._readyWaiters.length === 0;
  }

  protected abstract _scheduleSweep(slot: Slot<T>): void;
  protected abstract _checkReady(): void;
  protected abstract _checkClosed(): void;
}
