/**
 * Options of {@link ObjectPool} and their validation.
 *
 * @module
 */
import { type Clock, isClock, systemClock } from '../internal/clock.js';
import {
  customOption,
  durationOption,
  enumOption,
  functionOption,
  integerOption,
  numberOption,
  requireRelation,
  resolveOptions,
} from '../internal/options.js';

/**
 * Why an object left the pool without being handed out again:
 * - `reset`: `reset(obj)` returned `false` (or threw);
 * - `full`: released while `maxIdle` objects were already idle;
 * - `evicted`: idle through two GC epochs (eviction `'gc'`);
 * - `idle`: idle longer than `idleTimeoutMs` (eviction `'idle'`);
 * - `trim`: removed by `trim()`;
 * - `clear`: removed by `clear()`;
 * - `debug`: a random drop of the debug block (`debug.dropRate`).
 */
export type ObjectDropReason = 'reset' | 'full' | 'evicted' | 'idle' | 'trim' | 'clear' | 'debug';

/** Every {@link ObjectDropReason}, in a stable order. */
export const OBJECT_DROP_REASONS: readonly ObjectDropReason[] = Object.freeze([
  'reset',
  'full',
  'evicted',
  'idle',
  'trim',
  'clear',
  'debug',
]);

/** How idle objects age out of an {@link ObjectPool}. */
export type ObjectEviction = 'gc' | 'idle' | 'none';

/** Checks that help find bugs in code that uses a pool. Each costs time: use them in tests. */
export interface ObjectPoolDebugOptions<T> {
  /**
   * Called on every release after `reset`, to make stale use visible (e.g. set fields to `NaN`
   * or to a value that throws on use). The pool runs `reset` again before lending the object
   * out, so the next holder gets a clean object while a holder that kept a reference after
   * release sees the poison.
   * @default undefined (no poisoning)
   */
  readonly poison?: (obj: T) => void;
  /**
   * Probability (0..1) that a release drops the object instead of keeping it, as Go's race mode
   * does in `sync.Pool.Put`: code that wrongly relies on getting the same object back fails.
   * @default 0
   */
  readonly dropRate?: number;
  /**
   * Fraction (0..1) of acquires that record their stack. A sampled object that is garbage
   * collected without being released is reported through the `leak` event (or a process
   * warning when nobody listens) with a `LeakDetectedError` carrying that stack.
   * @default 0
   */
  readonly leakSampleRate?: number;
}

/** Options of {@link ObjectPool}. */
export interface ObjectPoolOptions<T extends object> {
  /** Makes a new object when none is idle. Must return an extensible object (the pool brands it). */
  readonly create: () => T;
  /**
   * Prepares a released object for its next holder. Return `false` to drop it instead (the
   * json/fmt fix: do not keep a buffer that grew huge). A throw also drops it and is rethrown
   * to the caller of `release`.
   * @default undefined (objects are kept as released)
   */
  readonly reset?: (obj: T) => unknown;
  /**
   * Told about every object the pool drops, with the reason. A throw is reported
   * asynchronously and does not disturb the pool.
   * @default undefined
   */
  readonly destroy?: (obj: T, reason: ObjectDropReason) => void;
  /**
   * Most objects kept idle; a release beyond it drops the object (reason `full`). `0` keeps
   * nothing, `Infinity` has no cap.
   * @default 1024 (objects)
   */
  readonly maxIdle?: number;
  /**
   * How idle objects age out: `'gc'` (an idle object survives one to two major GCs, like Go's
   * victim cache), `'idle'` (after `idleTimeoutMs`), or `'none'` (kept until trimmed).
   * @default 'gc'
   */
  readonly eviction?: ObjectEviction;
  /**
   * With eviction `'idle'`: how long an object may stay idle, in milliseconds. Only allowed
   * with eviction `'idle'`.
   * @default 30000 (ms)
   */
  readonly idleTimeoutMs?: number;
  /**
   * Source of time and timers for eviction `'idle'`.
   * @default systemClock
   */
  readonly clock?: Clock;
  /**
   * Debug checks (poisoning, random drops, sampled leak reports).
   * @default undefined (off)
   */
  readonly debug?: ObjectPoolDebugOptions<T>;
}

const debugSchema = {
  poison: functionOption<(obj: unknown) => void>(),
  dropRate: numberOption({ min: 0, max: 1, default: 0 }),
  leakSampleRate: numberOption({ min: 0, max: 1, default: 0 }),
};

const schema = {
  create: functionOption<() => object>(),
  reset: functionOption<(obj: unknown) => boolean | undefined>(),
  destroy: functionOption<(obj: unknown, reason: ObjectDropReason) => void>(),
  maxIdle: integerOption({ min: 0, default: 1024, allowInfinity: true }),
  eviction: enumOption(['gc', 'idle', 'none'] as const, { default: 'gc' }),
  idleTimeoutMs: durationOption({ min: 1 }),
  clock: customOption<Clock>('a Clock (an object with now() and setTimer())', isClock, { default: systemClock }),
  debug: customOption<object | undefined>('an object', (value) => typeof value === 'object' && value !== null),
};

/** Resolved debug options. */
export interface ResolvedObjectDebug {
  readonly poison: ((obj: object) => void) | undefined;
  readonly dropRate: number;
  readonly leakSampleRate: number;
}

/** Resolved options of an {@link ObjectPool}. */
export interface ResolvedObjectPoolOptions {
  readonly create: () => object;
  readonly reset: ((obj: object) => unknown) | undefined;
  readonly destroy: ((obj: object, reason: ObjectDropReason) => void) | undefined;
  readonly maxIdle: number;
  readonly eviction: ObjectEviction;
  readonly idleTimeoutMs: number;
  readonly clock: Clock;
  readonly debug: ResolvedObjectDebug | undefined;
}

/** Validates the options of an ObjectPool (house style, typed errors). */
export function resolveObjectPoolOptions(input: unknown): ResolvedObjectPoolOptions {
  const options = resolveOptions('ObjectPool', input, schema);
  requireRelation(options.create !== undefined, 'create', 'a function', options.create);
  requireRelation(
    options.idleTimeoutMs === undefined || options.eviction === 'idle',
    'idleTimeoutMs',
    "left out unless `eviction` is 'idle'",
    options.idleTimeoutMs,
  );
  const debug =
    options.debug === undefined ? undefined : resolveOptions('ObjectPool debug', options.debug, debugSchema);
  return Object.freeze({
    create: options.create as () => object,
    reset: options.reset,
    destroy: options.destroy,
    maxIdle: options.maxIdle,
    eviction: options.eviction,
    idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
    clock: options.clock,
    debug: debug as ResolvedObjectDebug | undefined,
  });
}
