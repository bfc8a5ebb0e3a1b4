/**
 * Validation of {@link PoolOptions} and of per-call arguments, in the house style: unknown keys
 * rejected, nothing clamped, the resolved object frozen.
 *
 * @module
 */
import { type Clock, isClock, systemClock } from '../internal/clock.js';
import {
  booleanOption,
  customOption,
  durationOption,
  enumOption,
  integerOption,
  invalidOption,
  requireRelation,
  resolveOptions,
} from '../internal/options.js';
import type { AcquireOptions, PoolOptions } from './types.js';

/** Pool options after validation, every default filled in. */
export interface ResolvedPoolOptions {
  readonly min: number;
  readonly max: number;
  readonly minIdle: number;
  readonly maxIdle: number;
  readonly acquireTimeoutMs: number;
  readonly createTimeoutMs: number;
  readonly destroyTimeoutMs: number;
  readonly validateTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly validateAfterIdleMs: number;
  readonly maxLifetimeMs: number;
  readonly maxLifetimeJitterMs: number;
  readonly maxUses: number;
  readonly keepAliveIntervalMs: number;
  readonly maxConcurrentCreates: number;
  readonly maxWaiting: number;
  readonly idleOrder: 'lifo' | 'fifo';
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
  readonly failFast: boolean;
  readonly leakDetectionMs: number;
  readonly clock: Clock;
  readonly name: string;
}

const backoffSchema = {
  initialMs: durationOption({ min: 1, allowInfinity: false, default: 10 }),
  maxMs: durationOption({ min: 1, allowInfinity: false, default: 5000 }),
};

/** The schema shared by pools and keyed pools (the limits differ and are added by each). */
export const commonSchema = {
  min: integerOption({ min: 0, default: 0 }),
  minIdle: integerOption({ min: 0 }),
  acquireTimeoutMs: durationOption({ default: 30_000 }),
  createTimeoutMs: durationOption({ min: 1, default: 10_000 }),
  destroyTimeoutMs: durationOption({ min: 1, default: 5_000 }),
  validateTimeoutMs: durationOption({ min: 1, default: 5_000 }),
  idleTimeoutMs: durationOption({ default: 30_000 }),
  validateAfterIdleMs: durationOption({ default: 500 }),
  maxLifetimeMs: durationOption({ min: 1, default: Number.POSITIVE_INFINITY }),
  maxLifetimeJitterMs: durationOption({ allowInfinity: false, default: 0 }),
  maxUses: integerOption({ min: 1, allowInfinity: true, default: Number.POSITIVE_INFINITY }),
  keepAliveIntervalMs: durationOption({ min: 1, default: Number.POSITIVE_INFINITY }),
  maxConcurrentCreates: integerOption({ min: 1, default: 2 }),
  maxWaiting: integerOption({ min: 0, allowInfinity: true, default: Number.POSITIVE_INFINITY }),
  idleOrder: enumOption(['lifo', 'fifo'] as const, { default: 'lifo' }),
  createBackoff: customOption<object | undefined>(
    'an object like { initialMs, maxMs }',
    (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  ),
  failFast: booleanOption({ default: false }),
  leakDetectionMs: durationOption({ min: 1, default: Number.POSITIVE_INFINITY }),
  clock: customOption<Clock>('a Clock ({ now(), setTimer() })', isClock, { default: systemClock }),
  name: customOption<string>('a non-empty string', (value) => typeof value === 'string' && value.length > 0, {
    default: 'pool',
  }),
};

const poolSchema = {
  ...commonSchema,
  max: integerOption({ min: 1, default: 10 }),
  maxIdle: integerOption({ min: 0 }),
};

/** Resolves the options of `createPool`. */
export function resolvePoolOptions(input: PoolOptions | undefined, owner = 'createPool'): ResolvedPoolOptions {
  const raw = resolveOptions(owner, input, poolSchema);
  return finish(raw, raw.max, raw.maxIdle ?? raw.max, owner);
}

/** Fills the derived defaults and checks the relations between fields. */
export function finish(
  raw: {
    readonly min: number;
    readonly minIdle?: number | undefined;
    readonly createBackoff?: object | undefined;
  } & Omit<ResolvedPoolOptions, 'max' | 'maxIdle' | 'minIdle' | 'backoffInitialMs' | 'backoffMaxMs'>,
  max: number,
  maxIdle: number,
  owner: string,
): ResolvedPoolOptions {
  const backoff = resolveOptions(`${owner} createBackoff`, raw.createBackoff, backoffSchema);
  requireRelation(raw.min <= max, 'min', `an integer <= max (${max})`, raw.min);
  const minIdle = raw.minIdle ?? raw.min;
  requireRelation(minIdle <= max, 'minIdle', `an integer <= max (${max})`, minIdle);
  requireRelation(minIdle <= maxIdle, 'minIdle', `an integer <= maxIdle (${maxIdle})`, minIdle);
  requireRelation(
    backoff.initialMs <= backoff.maxMs,
    'createBackoff.initialMs',
    `a number <= createBackoff.maxMs (${backoff.maxMs})`,
    backoff.initialMs,
  );
  const { createBackoff: _ignored, ...rest } = raw;
  return Object.freeze({
    ...rest,
    max,
    maxIdle,
    minIdle,
    backoffInitialMs: backoff.initialMs,
    backoffMaxMs: backoff.maxMs,
  });
}

/** Checks the arguments of `acquire()`; returns the timeout to use. */
export function checkAcquireOptions(options: AcquireOptions, defaultTimeoutMs: number): number {
  if (typeof options !== 'object' || options === null) invalidOption('options', 'an object', options);
  const { signal, timeoutMs, priority } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) invalidOption('signal', 'an AbortSignal', signal);
  if (priority !== undefined && !Number.isSafeInteger(priority)) invalidOption('priority', 'an integer', priority);
  if (timeoutMs === undefined) return defaultTimeoutMs;
  if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) {
    invalidOption('timeoutMs', 'a number >= 0 or Infinity', timeoutMs);
  }
  return timeoutMs;
}
