/**
 * `createRedisPool(options)`: dedicated node-redis connections on poolkit's resource pool, for
 * what one shared multiplexed client cannot do: blocking commands (BLPOP, BRPOPLPUSH, XREAD BLOCK)
 * that hold a connection, and transactions (WATCH ... MULTI/EXEC) whose state belongs to one
 * connection. `use(fn)` lends a client; a client killed server-side (`CLIENT KILL`) is destroyed
 * and replaced, never lent again.
 *
 * @module
 */
import { invalidOption } from '../../internal/options.js';
import { createPool } from '../../resource/index.js';
import type { AcquireOptions, Lease, Pool, PoolOptions, PoolStats } from '../../resource/types.js';
import { AdapterLease, releaseAfterReset } from '../adapter-lease.js';
import {
  createRedisFactory,
  isRedisClientAlive,
  loadRedis,
  type RedisClient,
  type RedisFactoryOptions,
  resetRedisClient,
} from './factory.js';

/** Options of {@link createRedisPool}: client options plus every resource-pool option. */
export interface RedisPoolOptions extends PoolOptions, Omit<RedisFactoryOptions, 'onClientError'> {}

function checkOptions(options: RedisPoolOptions): void {
  if (options === null || typeof options !== 'object') invalidOption('options', 'an object', options);
  const { client, driver } = options;
  if (client !== undefined && (client === null || typeof client !== 'object')) {
    invalidOption('client', 'a node-redis client options object', client);
  }
  if (driver !== undefined && typeof (driver as { createClient?: unknown } | null)?.createClient !== 'function') {
    invalidOption('driver', 'the redis module (an object with createClient)', driver);
  }
}

/** Creates a {@link RedisPool}. Options are checked at once; no connection is made until needed. */
export function createRedisPool(options: RedisPoolOptions = {}): RedisPool {
  return new RedisPool(options);
}

const reset = (client: RedisClient) => resetRedisClient(client);

/** A pool of dedicated Redis connections. Create it with {@link createRedisPool}. */
export class RedisPool implements AsyncDisposable {
  /** The underlying resource pool: events, `stats()`, `resize()`, `clear()`, leases. */
  readonly pool: Pool<RedisClient>;
  readonly #driverOption: RedisPoolOptions['driver'];
  #driverLoaded = false;

  /** Prefer {@link createRedisPool}. */
  constructor(options: RedisPoolOptions = {}) {
    checkOptions(options);
    const { client, driver, ...poolOptions } = options;
    this.#driverOption = driver;
    // The reset runs in use()/AdapterLease (synchronous), not through the pool's hook.
    const factory = { ...createRedisFactory({ client, driver }), reset: undefined };
    this.pool = createPool(factory, { name: 'redis', ...poolOptions });
  }

  async #ensureDriver(): Promise<void> {
    if (this.#driverLoaded) return;
    await loadRedis(this.#driverOption);
    this.#driverLoaded = true;
  }

  /**
   * Lends a client to `fn` and returns its result. When `fn` throws, a WATCH it left is cleared
   * (UNWATCH) before the client goes back, and a connection error destroys the client.
   */
  async use<R>(fn: (client: RedisClient) => Promise<R> | R, options?: AcquireOptions): Promise<R> {
    if (!this.#driverLoaded) await this.#ensureDriver();
    const lease = await this.pool.acquire(options);
    let result: R;
    try {
      result = await fn(lease.value);
    } catch (error) {
      await this.#unwatch(lease.value);
      releaseAfterReset(lease, reset, 0, { error });
      throw error;
    }
    releaseAfterReset(lease, reset, 0);
    return result;
  }

  /** The same as {@link RedisPool.use} (the name node-redis's `createClientPool` uses). */
  execute<R>(fn: (client: RedisClient) => Promise<R> | R, options?: AcquireOptions): Promise<R> {
    return this.use(fn, options);
  }

  async #unwatch(client: RedisClient): Promise<void> {
    if (!isRedisClientAlive(client)) return;
    try {
      await client.unwatch();
    } catch {
      // the client is broken; isBroken destroys it on release
    }
  }

  /** Borrows a client as a poolkit lease (`release()`, `release({ error })`, `await using`). */
  async acquire(options?: AcquireOptions): Promise<Lease<RedisClient>> {
    if (!this.#driverLoaded) await this.#ensureDriver();
    return new AdapterLease(await this.pool.acquire(options), reset, 0);
  }

  /** A snapshot of the pool's gauges and counters. */
  stats(): PoolStats {
    return this.pool.stats();
  }

  /** Graceful close: waits for lent clients up to `timeoutMs`, then closes every connection. */
  close(options?: { readonly timeoutMs?: number }): Promise<void> {
    return this.pool.close(options);
  }

  /** Closes at once, including lent clients (their blocking commands reject). */
  destroy(): Promise<void> {
    return this.pool.destroy();
  }

  /** `await using pool = createRedisPool(...)` closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.pool.close();
  }
}
