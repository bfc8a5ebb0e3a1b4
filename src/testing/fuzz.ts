/**
 * The model-based fuzzer of DESIGN section 5, as a public function: it drives a pool built on
 * your factory through random, seeded sequences of acquires (with timeouts, aborts, priorities),
 * releases (clean, with errors), holder destroys and detaches, double releases, clears, pauses,
 * resource deaths and clock jumps, and checks the pool's invariants after every step:
 *
 * - live resources (idle + borrowed + creating) never exceed `max`;
 * - no resource is lent to two holders at once;
 * - the pool's gauges agree with the model (held leases <= borrowed, nothing waiting when idle
 *   resources exist and the pool is not paused);
 * - a double release always throws `POOLKIT_DOUBLE_RELEASE`;
 * - after close, every acquire settled exactly once and `created` = `destroyed` + `detached`.
 *
 * A failure throws a {@link FuzzFailure} naming the seed and the steps, so it reproduces.
 *
 * @module
 */
import { integerOption, resolveOptions } from '../internal/options.js';
import { createPool } from '../resource/pool.js';
import type { Factory, Lease, Pool, PoolOptions } from '../resource/types.js';
import { FakeClock } from './fake-clock.js';
import { createFaultFactory, type FaultFactory, seededRandom } from './fault-factory.js';

/** What a fuzz run gets to build its factory. */
export interface FuzzContext {
  /** The simulated clock the pool runs on; give it to anything time-based in your factory. */
  readonly clock: FakeClock;
  /** A seeded random number in [0, 1), for factories that need randomness. */
  readonly random: () => number;
}

/** Options of {@link fuzzPool}. */
export interface FuzzPoolOptions<T> {
  /** Builds the factory under test for one run. @default a fault factory with latency, failures and hangs */
  readonly factory?: (context: FuzzContext) => Factory<T>;
  /** Pool options for every run (`clock` is supplied). @default `{ max: 4, acquireTimeoutMs: 200, createTimeoutMs: 100, ... }` */
  readonly poolOptions?: Omit<PoolOptions, 'clock'>;
  /** Number of runs (each with its own seed derived from `seed`). @default 100 */
  readonly runs?: number;
  /** Steps per run. @default 60 */
  readonly steps?: number;
  /** Seed of the first run. @default 1 */
  readonly seed?: number;
}

/** What {@link fuzzPool} reports when every run passed. */
export interface FuzzReport {
  /** Seeded runs completed, each on a fresh pool. */
  readonly runs: number;
  /** Steps executed over all runs (the invariants were checked after each one). */
  readonly steps: number;
  /** Acquires issued over all runs (every one settled exactly once). */
  readonly acquires: number;
  /** Seed of the first run; run `i` used `firstSeed + i`. */
  readonly firstSeed: number;
}

/** An invariant broke: `seed` and `trace` reproduce it. */
export class FuzzFailure extends Error {
  /** Seed of the failing run (pass it as `seed` with `runs: 1` to replay). */
  readonly seed: number;
  /** The steps of the failing run up to the violation. */
  readonly trace: readonly string[];
  constructor(message: string, seed: number, trace: readonly string[], cause?: unknown) {
    super(`${message} (seed ${seed}, step ${trace.length})\n  ${trace.slice(-25).join('\n  ')}`, { cause });
    this.name = 'FuzzFailure';
    this.seed = seed;
    this.trace = trace;
  }
}

const schema = {
  runs: integerOption({ min: 1, default: 100 }),
  steps: integerOption({ min: 1, default: 60 }),
  seed: integerOption({ default: 1 }),
};

const DEFAULT_POOL: Omit<PoolOptions, 'clock'> = {
  max: 4,
  minIdle: 1,
  acquireTimeoutMs: 200,
  createTimeoutMs: 100,
  destroyTimeoutMs: 50,
  validateTimeoutMs: 50,
  idleTimeoutMs: 300,
  validateAfterIdleMs: 20,
  maxLifetimeMs: 2000,
  maxLifetimeJitterMs: 500,
  createBackoff: { initialMs: 5, maxMs: 50 },
};

interface Pending<T> {
  settled: number;
  lease?: Lease<T>;
}

/**
 * Runs the model-based fuzz. Resolves with a report, or rejects with a {@link FuzzFailure}.
 *
 * @example
 * ```ts
 * await fuzzPool({ factory: ({ clock }) => myFactory(clock), runs: 500 });
 * ```
 */
export async function fuzzPool<T = unknown>(options: FuzzPoolOptions<T> = {}): Promise<FuzzReport> {
  const { factory, poolOptions, ...rest } = options;
  const config = resolveOptions('fuzzPool', rest, schema);
  let acquires = 0;
  for (let run = 0; run < config.runs; run++) {
    const seed = (config.seed + run * 7919) >>> 0;
    acquires += await fuzzRun<T>(seed, config.steps, factory, { ...DEFAULT_POOL, ...poolOptions });
  }
  return { runs: config.runs, steps: config.steps, acquires, firstSeed: config.seed };
}

async function fuzzRun<T>(
  seed: number,
  steps: number,
  makeFactory: FuzzPoolOptions<T>['factory'],
  poolOptions: Omit<PoolOptions, 'clock'>,
): Promise<number> {
  const clock = new FakeClock();
  const random = seededRandom(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const fault: FaultFactory | undefined =
    makeFactory === undefined
      ? createFaultFactory({
          clock,
          seed,
          latencyMs: [0, 30],
          failureRate: 0.15,
          hangRate: 0.05,
          validateFailureRate: 0.1,
        })
      : undefined;
  const factory = (makeFactory?.({ clock, random }) ?? fault) as Factory<T>;
  const pool: Pool<T> = createPool(factory, { ...poolOptions, clock });
  const max = poolOptions.max ?? 10;
  const trace: string[] = [];
  const pendings: Pending<T>[] = [];
  const held: Lease<T>[] = [];
  const heldValues = new Set<T>();
  let paused = false;
  let violation: FuzzFailure | undefined;
  const fail = (message: string, cause?: unknown): never => {
    violation ??= new FuzzFailure(message, seed, [...trace], cause);
    throw violation;
  };
  // Promise callbacks cannot throw into the run: they record the violation, the loop rethrows it.
  const failLater = (message: string): void => {
    violation ??= new FuzzFailure(message, seed, [...trace]);
  };
  const check = () => {
    const stats = pool.stats();
    if (stats.idle + stats.borrowed + stats.creating > max)
      fail(`live ${stats.idle + stats.borrowed + stats.creating} > max ${max}`);
    if (held.length > stats.borrowed) fail(`model holds ${held.length} leases, pool says borrowed ${stats.borrowed}`);
    if (!paused && stats.idle > 0 && stats.waiting > 0) fail(`${stats.waiting} waiting while ${stats.idle} idle`);
    if (stats.size !== stats.idle + stats.borrowed + stats.creating + stats.destroying) fail('size != sum of gauges');
  };
  const take = (): Lease<T> | undefined => {
    if (held.length === 0) return undefined;
    const lease = held.splice(pick(held.length), 1)[0] as Lease<T>;
    heldValues.delete(lease.value);
    return lease;
  };
  const onLease = (pending: Pending<T>, lease: Lease<T>) => {
    pending.settled++;
    if (heldValues.has(lease.value)) return failLater('a resource was lent to two holders');
    if (pool.stats().state === 'closed') return;
    heldValues.add(lease.value);
    held.push(lease);
    pending.lease = lease;
  };
  const acquire = (label: string, promise: Promise<Lease<T>>) => {
    const pending: Pending<T> = { settled: 0 };
    pendings.push(pending);
    promise.then(
      (lease) => onLease(pending, lease),
      () => {
        pending.settled++;
      },
    );
    trace.push(label);
  };

  for (let step = 0; step < steps; step++) {
    const roll = pick(100);
    if (roll < 30) {
      const controller = random() < 0.2 ? new AbortController() : undefined;
      const priority = pick(3) - 1;
      const timeoutMs = random() < 0.5 ? undefined : 1 + pick(300);
      acquire(
        `acquire(timeout ${timeoutMs ?? 'default'}, priority ${priority}${controller ? ', abortable' : ''})`,
        pool.acquire({ signal: controller?.signal, priority, timeoutMs }),
      );
      if (controller !== undefined && random() < 0.5) {
        const delay = pick(50);
        clock.setTimer(() => controller.abort(new Error('fuzz abort')), delay);
      }
    } else if (roll < 55) {
      const lease = take();
      if (lease !== undefined) {
        const withError = random() < 0.2;
        trace.push(`release${withError ? '({ error })' : '()'}`);
        lease.release(withError ? { error: new Error('fuzz') } : undefined);
        let threw = false;
        try {
          if (random() < 0.2) lease.release();
          else threw = true;
        } catch (error) {
          threw = (error as { code?: string }).code === 'POOLKIT_DOUBLE_RELEASE';
        }
        if (!threw) fail('a double release did not throw POOLKIT_DOUBLE_RELEASE');
      }
    } else if (roll < 60) {
      const lease = take();
      if (lease !== undefined) {
        trace.push('lease.destroy()');
        void lease.destroy();
      }
    } else if (roll < 62) {
      const lease = take();
      if (lease !== undefined) {
        trace.push('lease.detach()');
        lease.detach();
      }
    } else if (roll < 66) {
      trace.push('tryAcquire()');
      const lease = pool.tryAcquire();
      if (lease !== undefined) onLease({ settled: 0 }, lease);
    } else if (roll < 68) {
      trace.push('clear()');
      void pool.clear();
    } else if (roll < 71) {
      paused = !paused;
      trace.push(paused ? 'pause()' : 'resume()');
      if (paused) pool.pause();
      else pool.resume();
    } else if (roll < 74 && fault !== undefined) {
      trace.push('kill(1)');
      fault.kill(1);
    } else if (roll < 75 && fault !== undefined) {
      trace.push('refuseFor(100)');
      fault.refuseFor(100);
    } else {
      const ms = pick(4) === 0 ? pick(400) : pick(20);
      trace.push(`advance(${ms})`);
      await clock.advance(ms);
    }
    await clock.advance(0);
    if (violation !== undefined) throw violation;
    check();
  }
  if (paused) pool.resume();
  trace.push('close()');
  const closing = pool.close({ timeoutMs: 500 });
  for (const lease of held.splice(0)) {
    heldValues.delete(lease.value);
    if (random() < 0.7) lease.release();
  }
  let closed = false;
  void closing.then(() => {
    closed = true;
  });
  for (let turn = 0; turn < 100 && !closed; turn++) await clock.advance(100);
  if (!closed) fail('close() did not resolve within 10 s of simulated time');
  await clock.advance(200); // lets late creates arrive and be destroyed
  if (violation !== undefined) throw violation;
  const unsettled = pendings.filter((pending) => pending.settled !== 1);
  if (unsettled.length > 0) fail(`${unsettled.length} acquires did not settle exactly once`);
  const stats = pool.stats();
  if (stats.created !== stats.destroyed + stats.detached) {
    fail(`after close: created ${stats.created} != destroyed ${stats.destroyed} + detached ${stats.detached}`);
  }
  if (clock.referencedTimers > 0) fail('a referenced timer is left after close');
  return pendings.length;
}
