/**
 * `createRedisPool(options)`: dedicated node-redis connections on poolkit's resource pool, for
 * what one shared multiplexed client cannot do: blocking commands (BLPOP, BRPOPLPUSH, XREAD BLOCK)
 * that hold a connection, and transactions (WATCH ... MULTI/EXEC) whose state belongs to one
 * connection. `use(fn)` lends a client; a client killed server-side (`CLIENT KILL`) is destroyed
 * and replaced, never lent again. `multi(build)` runs a MULTI/EXEC block without WATCH on a shared
 * connection, pipelined with other such blocks (see {@link RedisPool.multi}).
 *
 * @module
 */
import { invalidOption } from '../../internal/options.js';
import { createPool } from '../../resource/index.js';
import type { AcquireOptions, Lease, Pool, PoolOptions, PoolStats } from '../../resource/types.js';
import { AdapterLease, giveBack, releaseAfterReset } from '../adapter-lease.js';
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

/** node-redis's MULTI builder of a client (`client.multi()`). */
export type RedisMulti = ReturnType<RedisClient['multi']>;

/** A connection lent to `multi()` calls, shared by the blocks pipelined on it. */
interface SharedConnection {
  readonly lease: Lease<RedisClient>;
  inFlight: number;
  /** A block failed with a connection error: no new block goes here; released with the error. */
  error: unknown;
}

/** A pool of dedicated Redis connections. Create it with {@link createRedisPool}. */
export class RedisPool implements AsyncDisposable {
  /** The underlying resource pool: events, `stats()`, `resize()`, `clear()`, leases. */
  readonly pool: Pool<RedisClient>;
  readonly #driverOption: RedisPoolOptions['driver'];
  #driverLoaded = false;
  /** Connections lent to `multi()` blocks right now (each goes back when its last block settles). */
  readonly #shared: SharedConnection[] = [];

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

  /**
   * Runs one MULTI/EXEC block and resolves with EXEC's replies:
   * `await pool.multi((tx) => tx.incr(key).expire(key, 60))`.
   *
   * Unlike {@link RedisPool.use}, the connection is not lent exclusively: a MULTI/EXEC block is
   * atomic on the server and node-redis writes each block in one piece, so blocks from many callers
   * can share a connection and go out pipelined, one round trip for several transactions instead
   * of one each (the advice of node-redis itself: a pool is for WATCH and blocking commands).
   * A block goes to an idle connection of the pool when there is one, else to the shared connection
   * with the fewest blocks in flight, else it waits for a connection like `use()` (bounded by
   * `acquireTimeoutMs`). A connection goes back to the pool when its last block settles; one that
   * fails with a connection error takes no new blocks and is destroyed. For WATCH, or anything that
   * needs the connection to itself, use `use()`.
   * @param build - adds the commands to the builder (`tx.incr(key).expire(key, 60)`) and returns it.
   */
  async multi<R = Awaited<ReturnType<RedisMulti['exec']>>>(
    build: (multi: RedisMulti) => { exec(): Promise<R> },
    options?: AcquireOptions,
  ): Promise<R> {
    if (typeof build !== 'function') invalidOption('build', 'a function (tx) => tx.command(...)', build);
    if (!this.#driverLoaded) await this.#ensureDriver();
    const shared = this.#sharedConnection() ?? (await this.#newShared(options));
    shared.inFlight++;
    try {
      return await build(shared.lease.value.multi()).exec();
    } catch (error) {
      if (shared.error === undefined && !isRedisClientAlive(shared.lease.value)) {
        shared.error = error;
        this.#unshare(shared);
      }
      throw error;
    } finally {
      if (--shared.inFlight === 0) {
        this.#unshare(shared);
        if (shared.error === undefined) releaseAfterReset(shared.lease, reset, 0);
        else giveBack(shared.lease, { error: shared.error });
      }
    }
  }

  /** An idle connection of the pool, else the least busy shared one, else undefined. */
  #sharedConnection(): SharedConnection | undefined {
    const list = this.#shared;
    let best: SharedConnection | undefined;
    for (const candidate of list) if (best === undefined || candidate.inFlight < best.inFlight) best = candidate;
    if (best === undefined || best.inFlight > 0) {
      const lease = this.pool.tryAcquire();
      if (lease !== undefined) {
        const fresh: SharedConnection = { lease, inFlight: 0, error: undefined };
        list.push(fresh);
        return fresh;
      }
    }
    return best;
  }

  async #newShared(options: AcquireOptions | undefined): Promise<SharedConnection> {
    const lease = await this.pool.acquire(options);
    // Another block may have shared a connection meanwhile; this one is ours all the same.
    const shared: SharedConnection = { lease, inFlight: 0, error: undefined };
    this.#shared.push(shared);
    return shared;
  }

  #unshare(shared: SharedConnection): void {
    const index = this.#shared.indexOf(shared);
    if (index !== -1) this.#shared.splice(index, 1);
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
