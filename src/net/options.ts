/**
 * Options of the socket pool, validated once in `createSocketPool`.
 *
 * @module
 */
import type { Clock } from '../internal/clock.js';
import { isClock, systemClock } from '../internal/clock.js';
import {
  booleanOption,
  customOption,
  durationOption,
  integerOption,
  type ResolvedOptions,
  requireRelation,
  resolveOptions,
} from '../internal/options.js';

/** Options of {@link createSocketPool}. Validated; unknown keys are rejected. */
export interface SocketPoolOptions {
  /** Most sockets per address (idle + in use + connecting). @default 10 */
  readonly maxPerAddress?: number;
  /**
   * Most idle sockets kept per address; extra ones returned are closed (gomemcache's
   * `MaxIdleConns`, http.Transport's `MaxIdleConnsPerHost`). @default `maxPerAddress`
   */
  readonly maxIdlePerAddress?: number;
  /** Most sockets across all addresses. @default Infinity */
  readonly max?: number;
  /** Most idle sockets across all addresses; the least recently used is closed first. @default Infinity */
  readonly maxIdle?: number;
  /** How long a connect (TCP, plus the TLS handshake) may take, in milliseconds. @default 10000 */
  readonly connectTimeoutMs?: number;
  /** How long `acquire` may wait for a socket, in milliseconds. @default 30000 */
  readonly acquireTimeoutMs?: number;
  /** Idle sockets older than this (idle time) are closed, in milliseconds. @default 30000 */
  readonly idleTimeoutMs?: number;
  /** Sockets older than this are closed when idle or on release, in milliseconds. @default Infinity */
  readonly maxLifetimeMs?: number;
  /** TCP keepalive probes on every socket (`socket.setKeepAlive`). @default true */
  readonly keepAlive?: boolean;
  /** Idle time before the first TCP keepalive probe, in milliseconds. @default 1000 */
  readonly keepAliveInitialDelayMs?: number;
  /** Disable Nagle's algorithm (`socket.setNoDelay`). @default true */
  readonly noDelay?: boolean;
  /**
   * While connects to an address fail, reject waiting acquires at once with the connect error
   * (one probe connect at a time) instead of retrying until `acquireTimeoutMs`. @default true
   */
  readonly failFast?: boolean;
  /** Backoff between failed connects to an address. @default `{ initialMs: 10, maxMs: 1000 }` */
  readonly connectBackoff?: {
    /** First delay after a failure, in milliseconds. */
    readonly initialMs?: number;
    /** Longest delay, in milliseconds. */
    readonly maxMs?: number;
  };
  /** Time source for timeouts and idle times. @default systemClock */
  readonly clock?: Clock;
  /** A name for events and error messages. @default 'sockets' */
  readonly name?: string;
}

const schema = {
  maxPerAddress: integerOption({ min: 1, default: 10 }),
  maxIdlePerAddress: integerOption({ min: 0 }),
  max: integerOption({ min: 1, allowInfinity: true, default: Number.POSITIVE_INFINITY }),
  maxIdle: integerOption({ min: 0, allowInfinity: true, default: Number.POSITIVE_INFINITY }),
  connectTimeoutMs: durationOption({ min: 1, default: 10_000 }),
  acquireTimeoutMs: durationOption({ default: 30_000 }),
  idleTimeoutMs: durationOption({ min: 1, default: 30_000 }),
  maxLifetimeMs: durationOption({ min: 1, default: Number.POSITIVE_INFINITY }),
  keepAlive: booleanOption({ default: true }),
  keepAliveInitialDelayMs: durationOption({ default: 1000, allowInfinity: false }),
  noDelay: booleanOption({ default: true }),
  failFast: booleanOption({ default: true }),
  connectBackoff: customOption<{ readonly initialMs?: number; readonly maxMs?: number }>(
    'an object `{ initialMs, maxMs }` of durations >= 0',
    (value) => {
      if (typeof value !== 'object' || value === null) return false;
      const { initialMs, maxMs, ...rest } = value as Record<string, unknown>;
      const ok = (v: unknown) => v === undefined || (typeof v === 'number' && v >= 0 && Number.isFinite(v));
      return Object.keys(rest).length === 0 && ok(initialMs) && ok(maxMs);
    },
    { default: { initialMs: 10, maxMs: 1000 } },
  ),
  clock: customOption<Clock>('a Clock (`now()` and `setTimer()`)', isClock, { default: systemClock }),
  name: customOption<string>('a non-empty string', (v) => typeof v === 'string' && v !== '', { default: 'sockets' }),
};

/** Resolved socket pool options. */
export type ResolvedSocketPoolOptions = ResolvedOptions<typeof schema> & { readonly maxIdlePerAddress: number };

/** Validates and freezes socket pool options. */
export function resolveSocketPoolOptions(input: unknown): ResolvedSocketPoolOptions {
  const resolved = resolveOptions('createSocketPool', input, schema);
  const maxIdlePerAddress = resolved.maxIdlePerAddress ?? resolved.maxPerAddress;
  requireRelation(
    maxIdlePerAddress <= resolved.maxPerAddress,
    'maxIdlePerAddress',
    `an integer <= maxPerAddress (${resolved.maxPerAddress})`,
    maxIdlePerAddress,
  );
  return Object.freeze({ ...resolved, maxIdlePerAddress });
}
