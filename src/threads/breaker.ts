/**
 * The crash-loop breaker: a module that throws at load (or in `setup`) would otherwise make the
 * pool respawn it forever (generic-pool's create loop, DESIGN section 11). After
 * `maxStartFailures` consecutive start failures the breaker opens: tasks are rejected at once with
 * `WorkerStartError` (cause: the last start error) and nothing is spawned. After `cooldownMs` it
 * lets one probe spawn through (half-open); a probe that reaches `READY` closes it, a failed one
 * opens it again. Any successful start resets the count.
 *
 * @module
 */

/** Breaker state, as reported in stats. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Counts consecutive start failures. */
export class StartBreaker {
  readonly #maxFailures: number;
  readonly #cooldownMs: number;
  #failures = 0;
  #openedAt = Number.NEGATIVE_INFINITY;
  #state: BreakerState = 'closed';
  #lastError: unknown;
  #trips = 0;

  constructor(maxFailures: number, cooldownMs: number) {
    this.#maxFailures = maxFailures;
    this.#cooldownMs = cooldownMs;
  }

  /** The state at time `now` (an open breaker turns half-open once the cooldown passed). */
  state(now: number): BreakerState {
    if (this.#state === 'open' && now - this.#openedAt >= this.#cooldownMs) this.#state = 'half-open';
    return this.#state;
  }

  /** The error of the last failed start. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /** Consecutive start failures so far. */
  get failures(): number {
    return this.#failures;
  }

  /** Times the breaker opened. */
  get trips(): number {
    return this.#trips;
  }

  /** A worker reached `READY`. */
  succeeded(): void {
    this.#failures = 0;
    this.#state = 'closed';
  }

  /** A worker died before `READY`. Returns true when this opened the breaker. */
  failed(error: unknown, now: number): boolean {
    this.#lastError = error;
    this.#failures++;
    if (this.#state === 'half-open' || (this.#state === 'closed' && this.#failures >= this.#maxFailures)) {
      this.#state = 'open';
      this.#openedAt = now;
      this.#trips++;
      return true;
    }
    return false;
  }
}
