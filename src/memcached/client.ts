/**
 * A memcached client speaking the text protocol over the socket pool: keys spread over servers by
 * CRC-32 (gomemcache's `ServerList`), pipelined connections per server, a deadline per call
 * (one timer for all of them, referenced only while a call is pending), typed errors.
 *
 * @module
 */
import type { Clock } from '../internal/clock.js';
import { DeadlineHeap } from '../internal/deadline-heap.js';
import { ClosedError, ConnectionClosedError, RequestTimeoutError } from '../internal/errors.js';
import { invalidOption } from '../internal/options.js';
import { createSocketPool, type SocketPool, type SocketPoolStats } from '../net/socket-pool.js';
import { type Item, Kind, type Request } from './connection.js';
import { checkKey, valueBytes } from './keys.js';
import { type MemcachedClientOptions, type ResolvedMemcachedOptions, resolveMemcachedOptions } from './options.js';
import {
  type EncodedCommand,
  encodeArithmetic,
  encodeDelete,
  encodeGet,
  encodeGetMulti,
  encodeStore,
  encodeTouch,
  type StoreCommand,
} from './protocol.js';
import { MemcachedServer } from './server.js';
import { pickServer } from './server-list.js';

/** Options of a storage call (`set`, `add`, `replace`). */
export interface StoreOptions {
  /** 32-bit unsigned flags stored with the value and returned by `get`. @default 0 */
  readonly flags?: number;
  /**
   * Expiry in seconds: 0 = never; up to 30 days (2592000) it is relative; above, memcached reads
   * it as an absolute Unix time. @default 0
   */
  readonly expirySeconds?: number;
}

/** A snapshot of a client's counters and gauges. */
export interface MemcachedStats {
  /** Client name. */
  readonly name: string;
  /** Calls started. */
  readonly calls: number;
  /** Calls that succeeded (a `get` miss counts as a miss, not a success). */
  readonly succeeded: number;
  /** Keys found by `get`/`getMulti`. */
  readonly hits: number;
  /** Keys not found by `get`/`getMulti`, and `CacheMissError`s of other calls. */
  readonly misses: number;
  /** Calls that failed for another reason. */
  readonly failed: number;
  /** Calls that ran out of time. */
  readonly timeouts: number;
  /** Calls pending now. */
  readonly pending: number;
  /** Per server: connections held by the client, requests in flight and waiting. */
  readonly servers: readonly {
    /** `host:port` of the server. */
    readonly address: string;
    /** Open connections to it (busy and idle). */
    readonly connections: number;
    /** Calls sent and awaiting their reply. */
    readonly inFlight: number;
    /** Calls waiting for a connection. */
    readonly waiting: number;
    /** Connects in progress. */
    readonly connecting: number;
  }[];
  /** The socket pool underneath (idle connections per server, connects, failures). */
  readonly sockets: SocketPoolStats;
}

/** Multi-get batches are capped so one command line stays small. */
const MULTI_GET_BATCH = 100;
const MAX_FLAGS = 0xffffffff;
const MAX_EXPIRY = 0x7fffffff;
const MAX_DELTA = (1n << 64n) - 1n;

/** A memcached client. Create one with {@link createMemcachedClient}. */
export class MemcachedClient implements AsyncDisposable {
  readonly #options: ResolvedMemcachedOptions;
  readonly #clock: Clock;
  readonly #pool: SocketPool;
  readonly #servers: MemcachedServer[];
  readonly #deadlines: DeadlineHeap<Request>;
  #pending = 0;
  #closing: Promise<void> | undefined;
  #drained: (() => void) | undefined;
  #calls = 0;
  #succeeded = 0;
  #hits = 0;
  #misses = 0;
  #failed = 0;
  #timeouts = 0;

  /** Use {@link createMemcachedClient}. */
  constructor(options: MemcachedClientOptions) {
    const resolved = resolveMemcachedOptions(options);
    this.#options = resolved;
    this.#clock = resolved.clock;
    this.#pool = createSocketPool(undefined, {
      maxPerAddress: resolved.maxConnectionsPerServer,
      maxIdlePerAddress: resolved.maxIdleConnectionsPerServer,
      connectTimeoutMs: resolved.connectTimeoutMs,
      acquireTimeoutMs: resolved.timeoutMs,
      idleTimeoutMs: resolved.idleTimeoutMs,
      failFast: true,
      connectBackoff: resolved.reconnectBackoff,
      clock: resolved.clock,
      name: resolved.name,
    });
    const limits = {
      maxConnections: resolved.maxConnectionsPerServer,
      maxPipeline: resolved.maxPipelinePerConnection,
      connectTimeoutMs: resolved.timeoutMs,
    };
    this.#servers = resolved.servers.map(
      (server) => new MemcachedServer({ host: server.host, port: server.port }, this.#pool, limits, this.#settle),
    );
    this.#deadlines = new DeadlineHeap(resolved.clock, this.#expire);
  }

  /** Reads `key`. Rejects with `CacheMissError` when it is absent. */
  get(key: string): Promise<Item> {
    try {
      return this.#call(Kind.Get, key, encodeGet(key, checkKey(key)), undefined) as Promise<Item>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Reads many keys at once (one command per server); absent keys are missing from the map. */
  async getMulti(keys: Iterable<string>): Promise<Map<string, Item>> {
    const byServer = new Map<number, { keys: string[]; bytes: number }[]>();
    for (const key of new Set(keys)) {
      const bytes = checkKey(key);
      const index = pickServer(key, this.#servers.length);
      let batches = byServer.get(index);
      if (batches === undefined) {
        batches = [];
        byServer.set(index, batches);
      }
      let batch = batches.at(-1);
      if (batch === undefined || batch.keys.length >= MULTI_GET_BATCH) {
        batch = { keys: [], bytes: 0 };
        batches.push(batch);
      }
      batch.keys.push(key);
      batch.bytes += bytes;
    }
    const calls: Promise<Map<string, Item>>[] = [];
    for (const batches of byServer.values()) {
      for (const batch of batches) {
        const command = encodeGetMulti(batch.keys, batch.bytes);
        calls.push(
          this.#call(Kind.GetMulti, batch.keys[0] as string, command, new Map()) as Promise<Map<string, Item>>,
        );
      }
    }
    const results = await Promise.all(calls);
    if (results.length === 1) return results[0] as Map<string, Item>;
    const merged = new Map<string, Item>();
    for (const result of results) for (const [key, item] of result) merged.set(key, item);
    return merged;
  }

  /** Stores `value` under `key`. */
  set(key: string, value: string | Uint8Array, options?: StoreOptions): Promise<void> {
    return this.#store('set', key, value, options);
  }

  /** Stores only if `key` is absent; else rejects with `NotStoredError`. */
  add(key: string, value: string | Uint8Array, options?: StoreOptions): Promise<void> {
    return this.#store('add', key, value, options);
  }

  /** Stores only if `key` is present; else rejects with `NotStoredError`. */
  replace(key: string, value: string | Uint8Array, options?: StoreOptions): Promise<void> {
    return this.#store('replace', key, value, options);
  }

  /** Deletes `key`. Rejects with `CacheMissError` when it was absent. */
  delete(key: string): Promise<void> {
    try {
      return this.#call(Kind.Delete, key, encodeDelete(key, checkKey(key)), undefined) as Promise<void>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Adds `delta` to the decimal number stored at `key` (wrapping at 2^64) and returns the new
   * value (as a number: exact up to 2^53). Rejects with `CacheMissError` when absent.
   */
  incr(key: string, delta: number | bigint = 1): Promise<number> {
    return this.#arithmetic('incr', key, delta);
  }

  /** Subtracts `delta` (stopping at 0) and returns the new value. Rejects with `CacheMissError` when absent. */
  decr(key: string, delta: number | bigint = 1): Promise<number> {
    return this.#arithmetic('decr', key, delta);
  }

  /** Sets a new expiry on `key` (see {@link StoreOptions.expirySeconds}). Rejects with `CacheMissError` when absent. */
  touch(key: string, expirySeconds: number): Promise<void> {
    try {
      checkInteger('expirySeconds', expirySeconds, MAX_EXPIRY);
      return this.#call(Kind.Touch, key, encodeTouch(key, checkKey(key), expirySeconds), undefined) as Promise<void>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** A snapshot of counters and gauges. */
  stats(): MemcachedStats {
    return {
      name: this.#options.name,
      calls: this.#calls,
      succeeded: this.#succeeded,
      hits: this.#hits,
      misses: this.#misses,
      failed: this.#failed,
      timeouts: this.#timeouts,
      pending: this.#pending,
      servers: this.#servers.map((server) => ({
        address: `${server.target.host}:${server.target.port}`,
        ...server.snapshot(),
      })),
      sockets: this.#pool.stats(),
    };
  }

  /** Refuses new calls, waits for pending ones (each is bounded by `timeoutMs`), closes every connection. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#pending > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
      for (const server of this.#servers) server.releaseIdle();
      await this.#pool.close({ timeoutMs: 0 });
    })();
    return this.#closing;
  }

  /** Fails pending calls with `ClosedError` and closes every connection now. Idempotent. */
  destroy(): Promise<void> {
    const error = new ClosedError(`memcached client "${this.#options.name}" was destroyed`);
    this.#closing ??= Promise.resolve();
    for (const server of this.#servers) server.destroy(error);
    return this.#pool.destroy();
  }

  /** Same as {@link MemcachedClient.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #store(command: StoreCommand, key: string, value: string | Uint8Array, options: StoreOptions = {}): Promise<void> {
    try {
      const keyBytes = checkKey(key);
      const bytes = valueBytes(value, this.#options.maxValueBytes);
      const flags = options.flags ?? 0;
      const expirySeconds = options.expirySeconds ?? 0;
      checkInteger('flags', flags, MAX_FLAGS);
      checkInteger('expirySeconds', expirySeconds, MAX_EXPIRY);
      const encoded = encodeStore(command, key, keyBytes, value, bytes, flags, expirySeconds);
      return this.#call(Kind.Store, key, encoded, undefined) as Promise<void>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #arithmetic(command: 'incr' | 'decr', key: string, delta: number | bigint): Promise<number> {
    try {
      const keyBytes = checkKey(key);
      let big: bigint;
      if (typeof delta === 'number' && Number.isSafeInteger(delta) && delta >= 0) big = BigInt(delta);
      else if (typeof delta === 'bigint' && delta >= 0n && delta <= MAX_DELTA) big = delta;
      else invalidOption('delta', 'an integer between 0 and 2^64-1', delta);
      return this.#call(
        Kind.Arithmetic,
        key,
        encodeArithmetic(command, key, keyBytes, big),
        undefined,
      ) as Promise<number>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Starts a call with its deadline and dispatches it to the key's server. Hot path. */
  #call(kind: Kind, key: string, command: EncodedCommand, result: Map<string, Item> | undefined): Promise<unknown> {
    if (this.#closing !== undefined) {
      return Promise.reject(new ClosedError(`memcached client "${this.#options.name}" is closed`));
    }
    return new Promise((resolve, reject) => {
      const request: Request = {
        kind,
        key,
        command,
        resolve,
        reject,
        result,
        deadline: undefined,
        waitHandle: -1,
        connection: undefined,
        done: false,
      };
      this.#calls++;
      this.#pending++;
      request.deadline = this.#deadlines.add(this.#clock.now() + this.#options.timeoutMs, request, true);
      const servers = this.#servers;
      try {
        (servers[servers.length === 1 ? 0 : pickServer(key, servers.length)] as MemcachedServer).dispatch(request);
      } catch (error) {
        this.#settle(request, error, undefined);
      }
    });
  }

  #settle = (request: Request, error: unknown, value: unknown): void => {
    if (request.done) return;
    request.done = true;
    if (request.deadline !== undefined) this.#deadlines.remove(request.deadline);
    if (error === undefined) {
      this.#succeeded++;
      if (request.kind === Kind.Get) this.#hits++;
      else if (request.kind === Kind.GetMulti) {
        const found = (value as Map<string, Item>).size;
        this.#hits += found;
        this.#misses += countKeys(request.command) - found;
      }
      request.resolve(value);
    } else {
      if ((error as { code?: unknown }).code === 'POOLKIT_CACHE_MISS') this.#misses++;
      else this.#failed++;
      request.reject(error);
    }
    if (--this.#pending === 0 && this.#drained !== undefined) this.#drained();
  };

  #expire = (request: Request): void => {
    if (request.done) return;
    request.deadline = undefined;
    this.#timeouts++;
    const error = new RequestTimeoutError(
      `memcached call on key ${request.key} got no reply within ${this.#options.timeoutMs} ms`,
      { key: request.key, timeoutMs: this.#options.timeoutMs },
    );
    const connection = request.connection;
    if (connection === undefined) {
      for (const server of this.#servers) server.cancel(request);
      this.#settle(request, error, undefined);
      return;
    }
    this.#settle(request, error, undefined);
    // Its reply may still come: the stream can no longer be trusted, so the connection goes.
    connection.fail(new ConnectionClosedError('memcached connection closed after a call timed out', { cause: error }));
  };
}

function countKeys(command: EncodedCommand): number {
  const line = command.parts[0] as string;
  let count = 0;
  for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) === 32) count++;
  return count;
}

function checkInteger(name: string, value: unknown, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    invalidOption(name, `an integer between 0 and ${max}`, value);
  }
}

/**
 * Creates a memcached client.
 *
 * @example
 * ```ts
 * const cache = createMemcachedClient({ servers: ['127.0.0.1:11211'] });
 * await cache.set('greeting', 'hello', { expirySeconds: 60 });
 * const item = await cache.get('greeting'); // item.value.toString() === 'hello'
 * await cache.close();
 * ```
 */
export function createMemcachedClient(options: MemcachedClientOptions): MemcachedClient {
  return new MemcachedClient(options);
}
