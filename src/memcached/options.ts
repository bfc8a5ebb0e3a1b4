/**
 * Options of the memcached client, validated once in `createMemcachedClient`.
 *
 * @module
 */
import type { Clock } from '../internal/clock.js';
import { isClock, systemClock } from '../internal/clock.js';
import {
  customOption,
  durationOption,
  integerOption,
  invalidOption,
  type ResolvedOptions,
  resolveOptions,
} from '../internal/options.js';

/** A memcached server: `'host:port'` or `{ host, port }`. */
export type ServerAddress =
  | string
  | {
      /** Host name or IP address. */
      readonly host: string;
      /** TCP port. */
      readonly port: number;
    };

/** Options of {@link createMemcachedClient}. Validated; unknown keys are rejected. */
export interface MemcachedClientOptions {
  /** The servers; keys are spread over them by CRC-32 (gomemcache's `ServerList`). Required, at least one. */
  readonly servers: readonly ServerAddress[];
  /** How long a call may wait for its reply (including waiting for a connection), in milliseconds. @default 1000 */
  readonly timeoutMs?: number;
  /** How long a connect may take, in milliseconds. @default 1000 */
  readonly connectTimeoutMs?: number;
  /** Most connections per server. @default 4 */
  readonly maxConnectionsPerServer?: number;
  /** Most idle connections kept per server (gomemcache's `MaxIdleConns`). @default min(2, maxConnectionsPerServer) */
  readonly maxIdleConnectionsPerServer?: number;
  /**
   * Most requests in flight on one connection; a new connection is opened only when every open
   * one is this deep. 1 disables pipelining (one request per connection, like gomemcache). @default 128
   */
  readonly maxPipelinePerConnection?: number;
  /** Idle connections older than this (idle time) are closed, in milliseconds. @default 30000 */
  readonly idleTimeoutMs?: number;
  /** Largest value accepted, in bytes (memcached's `-I`, 1 MiB by default). @default 1048576 */
  readonly maxValueBytes?: number;
  /** Backoff between failed connects to a down server, in milliseconds. @default `{ initialMs: 5, maxMs: 100 }` */
  readonly reconnectBackoff?: {
    /** First delay after a failure, in milliseconds. */
    readonly initialMs?: number;
    /** Longest delay, in milliseconds. */
    readonly maxMs?: number;
  };
  /** Time source for timeouts. @default systemClock */
  readonly clock?: Clock;
  /** A name for stats and error messages. @default 'memcached' */
  readonly name?: string;
}

/** A parsed server address. */
export interface ParsedServer {
  readonly host: string;
  readonly port: number;
}

/** Parses `'host:port'` (IPv6 as `[::1]:11211`) or checks `{ host, port }`. */
export function parseServer(value: unknown, index: number): ParsedServer {
  const name = `servers[${index}]`;
  let host: unknown;
  let port: unknown;
  if (typeof value === 'string') {
    const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(value);
    if (match === null) invalidOption(name, 'a "host:port" string or { host, port }', value);
    host = match[1] ?? match[2];
    port = Number(match[3]);
  } else if (typeof value === 'object' && value !== null) {
    ({ host, port } = value as Record<string, unknown>);
  } else invalidOption(name, 'a "host:port" string or { host, port }', value);
  if (typeof host !== 'string' || host === '') invalidOption(`${name}.host`, 'a non-empty string', host);
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    invalidOption(`${name}.port`, 'an integer between 1 and 65535', port);
  }
  return { host, port };
}

const backoff = customOption<{ readonly initialMs?: number; readonly maxMs?: number }>(
  'an object `{ initialMs, maxMs }` of durations >= 0',
  (value) => {
    if (typeof value !== 'object' || value === null) return false;
    const { initialMs, maxMs, ...rest } = value as Record<string, unknown>;
    const ok = (v: unknown) => v === undefined || (typeof v === 'number' && v >= 0 && Number.isFinite(v));
    return Object.keys(rest).length === 0 && ok(initialMs) && ok(maxMs);
  },
  { default: { initialMs: 5, maxMs: 100 } },
);

const schema = {
  servers: customOption<readonly ServerAddress[]>(
    'a non-empty array of "host:port" strings or { host, port }',
    (value) => Array.isArray(value) && value.length > 0,
  ),
  timeoutMs: durationOption({ min: 1, default: 1000 }),
  connectTimeoutMs: durationOption({ min: 1, default: 1000 }),
  maxConnectionsPerServer: integerOption({ min: 1, default: 4 }),
  maxIdleConnectionsPerServer: integerOption({ min: 0 }), // default: min(2, maxConnectionsPerServer)
  maxPipelinePerConnection: integerOption({ min: 1, default: 128 }),
  idleTimeoutMs: durationOption({ min: 1, default: 30_000 }),
  maxValueBytes: integerOption({ min: 1, default: 1024 * 1024 }),
  reconnectBackoff: backoff,
  clock: customOption<Clock>('a Clock (`now()` and `setTimer()`)', isClock, { default: systemClock }),
  name: customOption<string>('a non-empty string', (v) => typeof v === 'string' && v !== '', { default: 'memcached' }),
};

/** Resolved client options, with the servers parsed. */
export type ResolvedMemcachedOptions = Omit<ResolvedOptions<typeof schema>, 'servers'> & {
  readonly servers: readonly ParsedServer[];
};

/** Validates and freezes client options. */
export function resolveMemcachedOptions(input: unknown): ResolvedMemcachedOptions {
  const resolved = resolveOptions('createMemcachedClient', input, schema);
  if (resolved.servers === undefined) invalidOption('servers', 'a non-empty array of servers', undefined);
  const servers = Object.freeze(resolved.servers.map((server, index) => parseServer(server, index)));
  const maxIdle = resolved.maxIdleConnectionsPerServer ?? Math.min(2, resolved.maxConnectionsPerServer);
  if (maxIdle > resolved.maxConnectionsPerServer) {
    invalidOption(
      'maxIdleConnectionsPerServer',
      `an integer <= maxConnectionsPerServer (${resolved.maxConnectionsPerServer})`,
      maxIdle,
    );
  }
  return Object.freeze({ ...resolved, maxIdleConnectionsPerServer: maxIdle, servers });
}
