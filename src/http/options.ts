/**
 * Options of the keep-alive agents, validated once in the constructor.
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

/** Options of {@link Agent} and {@link HttpsAgent}. Validated; unknown keys are rejected. */
export interface AgentOptions {
  /** Most sockets per origin (host:port and TLS identity), busy + free + connecting. @default 256 */
  readonly maxSocketsPerOrigin?: number;
  /** Most sockets across all origins. @default Infinity */
  readonly maxSockets?: number;
  /** Most free (idle keep-alive) sockets kept per origin. @default the smaller of 256 and `maxSocketsPerOrigin` */
  readonly maxFreeSocketsPerOrigin?: number;
  /**
   * A free socket idle this long is closed, in milliseconds. Below Node's server keep-alive
   * timeout (5000) so the client, not the server, closes idle sockets. A `Keep-Alive: timeout=N`
   * header from the server shortens it for that socket. @default 4000
   */
  readonly freeSocketTimeoutMs?: number;
  /** A socket older than this is closed when it becomes free, in milliseconds. @default Infinity */
  readonly socketTtlMs?: number;
  /** How long a connect (TCP, plus TLS handshake) may take, in milliseconds. @default 10000 */
  readonly connectTimeoutMs?: number;
  /** How long a request may wait for a socket, in milliseconds. @default Infinity (as Node's agent) */
  readonly socketWaitTimeoutMs?: number;
  /**
   * Send an idempotent request without a body (GET, HEAD, OPTIONS, TRACE) again, once, on a new
   * connection when the reused socket it went out on closes before any byte of the response
   * (the server closed the idle connection as the request arrived). @default true
   */
  readonly retryIdempotent?: boolean;
  /** Idle time before the first TCP keepalive probe, in milliseconds. @default 1000 */
  readonly keepAliveInitialDelayMs?: number;
  /**
   * Options passed to every `createConnection` call (for `HttpsAgent`: `ca`, `cert`, `key`,
   * `rejectUnauthorized`, ...). @default {}
   */
  readonly connectOptions?: Readonly<Record<string, unknown>>;
  /** Time source for idle and lifetime limits. @default systemClock */
  readonly clock?: Clock;
  /** A name for stats and events. @default 'http-agent' */
  readonly name?: string;
}

const schema = {
  maxSocketsPerOrigin: integerOption({ min: 1, default: 256 }),
  maxSockets: integerOption({ min: 1, allowInfinity: true, default: Number.POSITIVE_INFINITY }),
  maxFreeSocketsPerOrigin: integerOption({ min: 0 }),
  freeSocketTimeoutMs: durationOption({ min: 1, default: 4000 }),
  socketTtlMs: durationOption({ min: 1, default: Number.POSITIVE_INFINITY }),
  connectTimeoutMs: durationOption({ min: 1, default: 10_000 }),
  socketWaitTimeoutMs: durationOption({ default: Number.POSITIVE_INFINITY }),
  retryIdempotent: booleanOption({ default: true }),
  keepAliveInitialDelayMs: durationOption({ default: 1000, allowInfinity: false }),
  connectOptions: customOption<Readonly<Record<string, unknown>>>(
    'a plain object of connect options',
    (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
    { default: {} },
  ),
  clock: customOption<Clock>('a Clock (`now()` and `setTimer()`)', isClock, { default: systemClock }),
  name: customOption<string>('a non-empty string', (v) => typeof v === 'string' && v !== '', { default: 'http-agent' }),
};

/** Resolved agent options. */
export type ResolvedAgentOptions = ResolvedOptions<typeof schema> & { readonly maxFreeSocketsPerOrigin: number };

/** Validates and freezes agent options. */
export function resolveAgentOptions(owner: string, input: unknown): ResolvedAgentOptions {
  const resolved = resolveOptions(owner, input, schema);
  const maxFreeSocketsPerOrigin = resolved.maxFreeSocketsPerOrigin ?? Math.min(256, resolved.maxSocketsPerOrigin);
  requireRelation(
    maxFreeSocketsPerOrigin <= resolved.maxSocketsPerOrigin,
    'maxFreeSocketsPerOrigin',
    `an integer <= maxSocketsPerOrigin (${resolved.maxSocketsPerOrigin})`,
    maxFreeSocketsPerOrigin,
  );
  return Object.freeze({ ...resolved, maxFreeSocketsPerOrigin });
}
