/**
 * A resource factory that misbehaves on purpose, for testing code that uses a pool (and for
 * poolkit's own fuzzer): latency drawn from a distribution, a failure rate, creates that hang,
 * failure after N creates, refusal for a while (backend down), and resources that die on their
 * own. Every random draw comes from a seeded generator, so a failing run reproduces exactly.
 *
 * @module
 */
import { type Clock, isClock, systemClock } from '../internal/clock.js';
import { booleanOption, customOption, integerOption, numberOption, resolveOptions } from '../internal/options.js';
import type { Factory, FactoryContext } from '../resource/types.js';

/** A resource made by a {@link FaultFactory}. */
export interface FaultResource {
  /** 1, 2, 3... in creation order. */
  readonly id: number;
  /** False once killed or destroyed. */
  readonly alive: boolean;
  /** True once the pool destroyed it. */
  readonly destroyed: boolean;
}

/** Latency of `create`: a fixed number of ms, a `[min, max]` uniform range, or a function of a random number in [0, 1). */
export type LatencyDistribution = number | readonly [number, number] | ((random: number) => number);

/** Options of {@link createFaultFactory}. */
export interface FaultFactoryOptions {
  /** Time source for latencies and refusal windows; pass the pool's `FakeClock`. @default systemClock */
  readonly clock?: Clock;
  /** Seed of the random generator. @default 1 */
  readonly seed?: number;
  /** How long each `create` takes, in milliseconds. @default 0 (synchronous) */
  readonly latencyMs?: LatencyDistribution;
  /** Probability (0..1) that a create fails with an `Error('fault: create failed')`. @default 0 */
  readonly failureRate?: number;
  /** Probability (0..1) that a create never settles (until its signal aborts). @default 0 */
  readonly hangRate?: number;
  /** A hanging create ignores its abort signal too (a badly written driver). @default false */
  readonly hangIgnoresAbort?: boolean;
  /** Creates after this many successful ones all fail. @default Infinity */
  readonly failAfter?: number;
  /** Refuse every create for this long after the factory is made, in milliseconds. @default 0 */
  readonly refuseForMs?: number;
  /** Probability (0..1) that `validate` reports a live resource as bad. @default 0 */
  readonly validateFailureRate?: number;
}

/** Counters of a {@link FaultFactory}. */
export interface FaultFactoryStats {
  /** `create` calls made so far (including failed and hung ones). */
  readonly creates: number;
  /** `create` calls that rejected (failure rate, fail-after-N, refuse window). */
  readonly createFailures: number;
  /** `create` calls that were made to hang until aborted. */
  readonly hangs: number;
  /** `destroy` calls made so far. */
  readonly destroys: number;
  /** Resources created and not yet destroyed or killed. */
  readonly alive: number;
  /** Resources killed by `kill()` (they died on their own, as far as the pool knows). */
  readonly killed: number;
}

/** A {@link Factory} with fault controls. */
export interface FaultFactory extends Factory<FaultResource> {
  /** Kills up to `count` live resources (oldest first): idle ones are evicted by the pool at once, leased ones on return. Returns how many died. */
  kill(count?: number): number;
  /** Refuses every create for `ms` from now (the backend goes down). */
  refuseFor(ms: number): void;
  /** Counters. */
  stats(): FaultFactoryStats;
}

const schema = {
  clock: customOption<Clock>('a Clock', isClock, { default: systemClock }),
  seed: integerOption({ default: 1 }),
  latencyMs: customOption<LatencyDistribution>(
    'a number >= 0, a [min, max] pair or a function',
    (value) =>
      (typeof value === 'number' && value >= 0 && Number.isFinite(value)) ||
      typeof value === 'function' ||
      (Array.isArray(value) &&
        value.length === 2 &&
        value.every((item) => typeof item === 'number' && item >= 0 && Number.isFinite(item)) &&
        value[0] <= value[1]),
    { default: 0 },
  ),
  failureRate: numberOption({ min: 0, max: 1, default: 0 }),
  hangRate: numberOption({ min: 0, max: 1, default: 0 }),
  hangIgnoresAbort: booleanOption({ default: false }),
  failAfter: integerOption({ min: 0, allowInfinity: true, default: Number.POSITIVE_INFINITY }),
  refuseForMs: numberOption({ min: 0, default: 0 }),
  validateFailureRate: numberOption({ min: 0, max: 1, default: 0 }),
};

/** mulberry32: a small, fast, seedable generator (good enough for test schedules). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Live {
  id: number;
  alive: boolean;
  destroyed: boolean;
  dead?: (error?: unknown) => void;
}

/**
 * Creates a fault-injecting factory.
 *
 * @example
 * ```ts
 * const clock = new FakeClock();
 * const factory = createFaultFactory({ clock, latencyMs: [5, 50], failureRate: 0.2, seed: 42 });
 * const pool = createPool(factory, { clock });
 * factory.refuseFor(1000); // the backend is down for a second
 * ```
 */
export function createFaultFactory(options?: FaultFactoryOptions): FaultFactory {
  const config = resolveOptions('createFaultFactory', options, schema);
  const { clock } = config;
  const random = seededRandom(config.seed);
  const live: Live[] = [];
  let nextId = 1;
  let successes = 0;
  let refuseUntil = clock.now() + config.refuseForMs;
  const counters = { creates: 0, createFailures: 0, hangs: 0, destroys: 0, killed: 0 };

  const latency = (): number => {
    const spec = config.latencyMs;
    if (typeof spec === 'number') return spec;
    if (typeof spec === 'function') return Math.max(0, spec(random()));
    return spec[0] + random() * (spec[1] - spec[0]);
  };

  const make = (): Live => {
    const resource: Live = { id: nextId++, alive: true, destroyed: false };
    live.push(resource);
    successes++;
    return resource;
  };

  const fail = (message: string): Error => {
    counters.createFailures++;
    return new Error(`fault: ${message}`);
  };

  const outcome = (): 'ok' | 'fail' | 'hang' | 'refused' | 'exhausted' => {
    if (clock.now() < refuseUntil) return 'refused';
    if (successes >= config.failAfter) return 'exhausted';
    const draw = random();
    if (draw < config.hangRate) return 'hang';
    if (draw < config.hangRate + config.failureRate) return 'fail';
    return 'ok';
  };

  const create = (context: FactoryContext): FaultResource | Promise<FaultResource> => {
    counters.creates++;
    const result = outcome();
    const delay = result === 'hang' ? 0 : latency();
    if (delay === 0 && result !== 'hang') {
      if (result === 'ok') return make();
      throw fail(
        result === 'fail' ? 'create failed' : result === 'refused' ? 'connection refused' : 'no more resources',
      );
    }
    return new Promise<FaultResource>((resolve, reject) => {
      if (result === 'hang') counters.hangs++;
      if (!(result === 'hang' && config.hangIgnoresAbort)) {
        context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true });
      }
      if (result === 'hang') return;
      clock.setTimer(() => {
        if (context.signal.aborted && !config.hangIgnoresAbort) return;
        if (result === 'ok') resolve(make());
        else reject(fail(result === 'fail' ? 'create failed' : 'connection refused'));
      }, delay);
    });
  };

  const factory: FaultFactory = {
    create,
    destroy(resource) {
      const entry = resource as Live;
      entry.alive = false;
      entry.destroyed = true;
      counters.destroys++;
      const index = live.indexOf(entry);
      if (index !== -1) live.splice(index, 1);
    },
    validate(resource) {
      return resource.alive && !(config.validateFailureRate > 0 && random() < config.validateFailureRate);
    },
    keepAlive(resource) {
      return resource.alive;
    },
    reset(resource) {
      return resource.alive;
    },
    isBroken(resource) {
      return !resource.alive;
    },
    watch(resource, dead) {
      const entry = resource as Live;
      entry.dead = dead;
      return () => {
        entry.dead = undefined;
      };
    },
    kill(count = Number.POSITIVE_INFINITY) {
      let killed = 0;
      for (const entry of [...live]) {
        if (killed >= count) break;
        if (!entry.alive) continue;
        entry.alive = false;
        killed++;
        counters.killed++;
        const index = live.indexOf(entry);
        if (index !== -1) live.splice(index, 1);
        entry.dead?.(new Error('fault: resource killed'));
      }
      return killed;
    },
    refuseFor(ms) {
      if (!(ms >= 0)) throw new RangeError(`Expected \`ms\` to be a number >= 0, got \`${String(ms)}\``);
      refuseUntil = clock.now() + ms;
    },
    stats() {
      return { ...counters, alive: live.length };
    },
  };
  return factory;
}
