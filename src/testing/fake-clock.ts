import type { Clock, Timer } from '../internal/clock.js';
import { integerOption, numberOption, resolveOptions } from '../internal/options.js';

interface FakeTimerEntry {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
  referenced: boolean;
  active: boolean;
}

/** Options of {@link FakeClock}. */
export interface FakeClockOptions {
  /**
   * The time `now()` reports before the first advance, in milliseconds.
   * @default 0
   */
  readonly startMs?: number;
  /**
   * How many timers `runAll()` fires before it gives up (a guard against a callback that
   * keeps re-arming itself at zero delay).
   * @default 100000
   */
  readonly maxTimersPerRun?: number;
}

const fakeClockSchema = {
  startMs: numberOption({ min: 0, default: 0 }),
  maxTimersPerRun: integerOption({ min: 1, default: 100_000 }),
};

/**
 * A simulated {@link Clock} for tests: time stands still until you move it. Hand it to any pool
 * through its `clock` option and drive the pool with `advance()`.
 *
 * Timers fire in deadline order (ties in creation order). Between timers `advance()` yields to
 * the microtask queue, so promise chains started by one timer settle before the next fires,
 * as they would in real time.
 *
 * @example
 * ```ts
 * const clock = new FakeClock();
 * const pool = createPool(factory, { clock, acquireTimeoutMs: 1000 });
 * const pending = pool.acquire();
 * await clock.advance(1000); // pending now rejects with POOLKIT_ACQUIRE_TIMEOUT
 * ```
 */
export class FakeClock implements Clock {
  #now: number;
  #nextId = 1;
  readonly #timers: FakeTimerEntry[] = [];
  readonly #maxTimersPerRun: number;

  constructor(options: FakeClockOptions = {}) {
    const resolved = resolveOptions('FakeClock', options, fakeClockSchema);
    this.#now = resolved.startMs;
    this.#maxTimersPerRun = resolved.maxTimersPerRun;
  }

  /** The simulated time in milliseconds. */
  now(): number {
    return this.#now;
  }

  /** Schedules `callback` at `now() + delayMs` in simulated time. */
  setTimer(callback: () => void, delayMs: number): Timer {
    const entry: FakeTimerEntry = {
      id: this.#nextId++,
      at: this.#now + Math.max(0, delayMs),
      callback,
      referenced: false,
      active: true,
    };
    this.#insert(entry);
    return {
      cancel: () => {
        if (!entry.active) return;
        entry.active = false;
        const index = this.#timers.indexOf(entry);
        if (index !== -1) this.#timers.splice(index, 1);
      },
      ref: () => {
        entry.referenced = true;
      },
      unref: () => {
        entry.referenced = false;
      },
    };
  }

  /** Number of timers scheduled and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /**
   * Number of pending timers that would keep a real process alive. An idle pool must leave
   * this at zero.
   */
  get referencedTimers(): number {
    let count = 0;
    for (const timer of this.#timers) if (timer.referenced) count++;
    return count;
  }

  /** The simulated time of the next pending timer, or `undefined` when none is pending. */
  get nextTimerAt(): number | undefined {
    return this.#timers[0]?.at;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way, in order, and
   * letting microtasks run after each one. Resolves once time has reached `now() + ms`.
   */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0) || !Number.isFinite(ms)) {
      throw new RangeError(`Expected \`ms\` to be a finite number >= 0, got \`${String(ms)}\``);
    }
    const target = this.#now + ms;
    await flushMicrotasks();
    let fired = 0;
    for (;;) {
      const next = this.#timers[0];
      if (next === undefined || next.at > target) break;
      if (++fired > this.#maxTimersPerRun) throw new Error('FakeClock: too many timers fired in one advance()');
      this.#timers.shift();
      next.active = false;
      this.#now = Math.max(this.#now, next.at);
      next.callback();
      await flushMicrotasks();
    }
    this.#now = target;
    await flushMicrotasks();
  }

  /** Fires timers until none is left (time jumps to each), at most `maxTimersPerRun`. */
  async runAll(): Promise<void> {
    let fired = 0;
    await flushMicrotasks();
    for (;;) {
      const next = this.#timers[0];
      if (next === undefined) return;
      if (++fired > this.#maxTimersPerRun) throw new Error('FakeClock: too many timers fired in runAll()');
      await this.advance(Math.max(0, next.at - this.#now));
    }
  }

  #insert(entry: FakeTimerEntry): void {
    const timers = this.#timers;
    let index = timers.length;
    while (index > 0 && (timers[index - 1] as FakeTimerEntry).at > entry.at) index--;
    timers.splice(index, 0, entry);
  }
}

/**
 * Lets queued microtasks (promise reactions) run. Several turns are taken because a chain of
 * `await`s needs one turn per link; a macrotask turn at the end catches `process.nextTick` work.
 */
export async function flushMicrotasks(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve();
  await new Promise<void>((resolve) => setImmediate(resolve));
  for (let i = 0; i < turns; i++) await Promise.resolve();
}
