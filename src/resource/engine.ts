/**
 * The resource pool engine: lending, returning, creating and destroying resources under the
 * limits of {@link ResolvedPoolOptions}. The public {@link Pool} class wraps it; the keyed pool
 * drives several engines under a shared {@link Budget}. This file is the top layer
 * (housekeeping: idle timeout, lifetime, keep-alive; control: ready, resize, clear, pause,
 * close, stats); `engine-flow.ts` returns, creates and destroys; `engine-base.ts` holds the
 * state and the acquire path.
 *
 * Counting: `live` = idle + borrowed + checking + creating is what `max` bounds; resources being
 * destroyed are counted apart (`destroying`) and do not hold a slot.
 *
 * @module
 */

import { ClosedError, ValidateTimeoutError } from '../internal/errors.js';
import { CLOSED, CLOSING, OPEN } from './engine-base.js';
import { EngineFlow } from './engine-flow.js';
import { CallContext, FactoryCall, Timed } from './factory-call.js';
import type { LeakContext } from './leak-watch.js';
import { BORROWED, IDLE, type Slot } from './slot.js';
import { snapshot } from './stats.js';
import type { Factory, PoolState, PoolStats } from './types.js';

export type { Budget } from './engine-base.js';

/** The engine behind {@link Pool}. */
export class Engine<T> extends EngineFlow<T> {
  // ---- housekeeping ------------------------------------------------------------------------

  protected _scheduleSweep(slot: Slot<T>): void {
    this._armSweep(this._dueAt(slot, slot.idleSince));
  }

  /** When `slot` next needs the sweeper (idle timeout, lifetime, keep-alive), never before `after`. */
  protected _dueAt(slot: Slot<T>, after: number): number {
    const { idleTimeoutMs, keepAliveIntervalMs } = this.options;
    let idleDue = slot.idleSince + idleTimeoutMs;
    // Kept past its idle timeout (min / minIdle): look again one idle period later, not in a loop.
    if (idleDue <= after) idleDue = after + idleTimeoutMs;
    const checkDue =
      this._factory.keepAlive === undefined ? Number.POSITIVE_INFINITY : slot.lastCheckAt + keepAliveIntervalMs;
    return Math.max(Math.min(idleDue, slot.expiresAt, checkDue), after + 1);
  }

  protected _armSweep(due: number): void {
    if (!(due < Number.POSITIVE_INFINITY)) return;
    const sweeper = this._sweeper;
    if (sweeper.entry !== undefined) {
      if (sweeper.entry.deadline <= due) return;
      this._heap.remove(sweeper.entry);
    }
    sweeper.entry = this._heap.add(due, sweeper);
  }

  /** Idle timeout, lifetime, death and keep-alive checks of idle resources; then refill. */
  protected _sweep(): void {
    if (this._state !== OPEN) return;
    const now = this._clock.now();
    const { idleTimeoutMs, keepAliveIntervalMs, minIdle } = this.options;
    const keepAlive = this._factory.keepAlive;
    let next = Number.POSITIVE_INFINITY;
    for (const slot of this._idle.toArray()) {
      let reason = this._unusable(slot, now);
      if (reason === undefined && now - slot.idleSince >= idleTimeoutMs && this._live > this._min) {
        if (this._idle.length > minIdle) reason = 'idle-timeout';
      }
      if (reason !== undefined) {
        this._removeIdle(slot);
        this._destroy(slot, reason);
        continue;
      }
      if (keepAlive !== undefined && now - slot.lastCheckAt >= keepAliveIntervalMs) {
        this._removeIdle(slot);
        this._keepAlive(slot, keepAlive);
        continue;
      }
      next = Math.min(next, this._dueAt(slot, now));
    }
    this._armSweep(next);
    this._maybeCreate();
  }

  protected _removeIdle(slot: Slot<T>): void {
    this._idle.remove(slot.idleHandle, slot);
    this._budget?.idleChanged(this, slot, false);
    this._check(slot);
  }

  protected _keepAlive(slot: Slot<T>, keepAlive: NonNullable<Factory<T>['keepAlive']>): void {
    const done = (ok: boolean): void => {
      if (!this._uncheck(slot)) return;
      const now = this._clock.now();
      slot.lastCheckAt = now;
      if (!ok) {
        this._counters.validationFailures++;
        this._destroy(slot, 'validation-failed');
        return;
      }
      const idleSince = slot.idleSince; // a keep-alive check is not a use: keep the idle age
      this._makeAvailable(slot, now);
      slot.idleSince = idleSince;
    };
    const call = new FactoryCall<boolean>(
      this._heap,
      this._clock.now() + this.options.validateTimeoutMs,
      () =>
        new ValidateTimeoutError(`keepAlive() of pool "${this.name}" ran past ${this.options.validateTimeoutMs} ms`),
      { ok: (result) => done(result === true), fail: () => done(false) },
    );
    slot.call = call as FactoryCall<unknown>;
    call.start((self) => keepAlive(slot.value, new CallContext(self)));
  }

  protected _leakContext(): LeakContext<T> {
    return {
      name: this.name,
      leakDetectionMs: this.options.leakDetectionMs,
      clock: this._clock,
      heap: this._heap,
      events: this.events,
    };
  }

  // ---- control -----------------------------------------------------------------------------

  ready(): Promise<void> {
    if (this._state !== OPEN) return Promise.reject(new ClosedError(`Pool "${this.name}" is closed`));
    if (this._idle.length + this._lent.length >= this.options.minIdle) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this._readyWaiters.push({ resolve, reject });
      this._maybeCreate();
    });
  }

  protected _checkReady(): void {
    if (this._readyWaiters.length === 0 || this._idle.length + this._lent.length < this.options.minIdle) return;
    const waiters = this._readyWaiters;
    this._readyWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  resize(min: number, max: number): void {
    this._min = min;
    this._max = max;
    const now = this._clock.now();
    while (this._live > max && this._idle.length > 0) {
      const slot = this._takeIdle(now);
      if (slot === undefined) break;
      slot.state = BORROWED;
      this._destroy(slot, 'trimmed');
    }
    this._dispatch(now);
  }

  get min(): number {
    return this._min;
  }

  get max(): number {
    return this._max;
  }

  clear(): Promise<void> {
    this._generation++;
    const pending: Promise<void>[] = [];
    for (const slot of this._idle.toArray()) {
      this._removeIdle(slot);
      pending.push(this._whenGone(slot));
      this._destroy(slot, 'cleared');
    }
    if (this.events.wants('poolCleared')) {
      this.events.emit('poolCleared', { pool: this.name, generation: this._generation });
    }
    return Promise.all(pending).then(() => undefined);
  }

  pause(): void {
    this._paused = true;
  }

  resume(): void {
    if (!this._paused) return;
    this._paused = false;
    this._dispatch(this._clock.now());
  }

  get state(): PoolState {
    if (this._state === CLOSED) return 'closed';
    if (this._state === CLOSING) return 'closing';
    return this._paused ? 'paused' : 'open';
  }

  close(timeoutMs: number): Promise<void> {
    if (this._closePromise !== undefined) return this._closePromise;
    this._state = CLOSING;
    this._closePromise = new Promise<void>((resolve) => {
      this._closeResolve = resolve;
    });
    const closed = new ClosedError(`Pool "${this.name}" is closing`);
    for (const waiter of this._waiters.drain()) {
      this._counters.rejected++;
      this._fail(waiter, closed);
    }
    for (const waiter of [...this._validating]) {
      this._counters.rejected++;
      this._validating.delete(waiter);
      this._fail(waiter, closed);
    }
    for (const ready of this._readyWaiters.splice(0)) ready.reject(closed);
    for (const call of [...this._creates]) call.abort(closed);
    for (const timer of [this._sweeper, this._backoffTimer]) {
      if (timer.entry !== undefined) this._heap.remove(timer.entry);
      timer.entry = undefined;
    }
    for (const slot of this._idle.toArray()) {
      this._removeIdle(slot);
      this._destroy(slot, 'closing');
    }
    if (this._live > 0 && timeoutMs < Number.POSITIVE_INFINITY) {
      this._forceTimer = new Timed(() => this._force());
      this._forceTimer.entry = this._heap.add(this._clock.now() + timeoutMs, this._forceTimer);
    }
    this._checkClosed();
    return this._closePromise;
  }

  destroy(): Promise<void> {
    const promise = this.close(0);
    this._force();
    return promise;
  }

  /** Takes every lent or checked resource back by force and destroys it. */
  protected _force(): void {
    if (this._state === CLOSED) return;
    if (this._forceTimer?.entry !== undefined) this._heap.remove(this._forceTimer.entry);
    for (const slot of [...this._lent]) {
      this._unlend(slot);
      this._destroy(slot, 'closing');
    }
    const closed = new ClosedError(`Pool "${this.name}" was destroyed`);
    for (const slot of [...this._checking]) {
      const call = slot.call;
      this._destroy(slot, 'closing');
      call?.abort(closed);
    }
    for (const call of [...this._creates]) call.abort(closed);
    this._checkClosed();
  }

  protected _checkClosed(): void {
    if (this._state !== CLOSING || this._live > 0 || this._destroying > 0) return;
    this._state = CLOSED;
    this._heap.clear();
    if (this.events.wants('poolClosed')) this.events.emit('poolClosed', { pool: this.name });
    this._closeResolve?.();
  }

  stats(): PoolStats {
    return snapshot(
      {
        name: this.name,
        state: this.state,
        idle: this._idle.length,
        borrowed: this._lent.length + this._checking.size,
        creating: this._creating,
        destroying: this._destroying,
        waiting: this._waiters.length,
        min: this._min,
        max: this._max,
        generation: this._generation,
      },
      this._counters,
    );
  }

  /** Idle slots oldest first (keyed pools evict from here). */
  evictIdle(slot: Slot<T>): void {
    if (slot.state !== IDLE) return;
    this._removeIdle(slot);
    this._destroy(slot, 'evicted');
  }

  /** Lets a keyed pool wake this engine when global capacity frees up. */
  wake(): void {
    this._maybeCreate();
  }

  /** Demand this engine cannot meet on its own (waiters beyond creates). */
  get unmetDemand(): number {
    return this._waiters.length - this._creating;
  }
}
