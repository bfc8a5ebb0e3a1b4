/**
 * The resource-pool factory for node-redis clients, one dedicated connection each (for blocking
 * commands, MULTI/EXEC and WATCH, where one shared multiplexed client does not do). The pool owns
 * the lifecycle: the client's own reconnection is turned off (a dead connection is destroyed and a
 * fresh one made), its offline queue is disabled (a command on a dead client fails at once).
 *
 * @module
 */

import type { createClient, RedisClientOptions } from 'redis';
import type { DestroyContext, Factory, FactoryContext } from '../../resource/types.js';
import { closesPolitely } from '../destroy-reason.js';
import { cachedDriver, type LivenessState, listenForDeath, watchLiveness } from '../liveness-state.js';
import { loadDriver } from '../load-driver.js';
import { isFatalRedisError } from './classify.js';

/** A node-redis client as the pool lends it. */
export type RedisClient = ReturnType<typeof createClient>;

/** The part of the `redis` module the adapter uses (pass it as `driver` to skip `import('redis')`). */
export interface RedisDriver {
  /** `redis.createClient`. */
  readonly createClient: (options?: RedisClientOptions) => RedisClient;
}

/** Options of {@link createRedisFactory}. */
export interface RedisFactoryOptions {
  /**
   * Client options given to node-redis `createClient()`: `url`, `socket` (host, port, tls,
   * `connectTimeout`, `socketTimeout`), `username`, `password`, `database`, `name` (sent as
   * `CLIENT SETNAME`, handy to find the pool's connections in `CLIENT LIST`), `RESP`...
   * `socket.reconnectStrategy` is forced to `false` and `disableOfflineQueue` to `true`: the pool
   * replaces dead connections itself.
   * @default the driver's defaults (redis://localhost:6379)
   */
  readonly client?: RedisClientOptions;
  /** The `redis` module to use instead of `import('redis')`. @default import('redis') */
  readonly driver?: RedisDriver;
  /** Told about every error a client emits on its own (CLIENT KILL, server gone, socket reset). */
  readonly onClientError?: (error: unknown, client: RedisClient) => void;
}

const states = new WeakMap<object, LivenessState>();

function stateOf(client: RedisClient): LivenessState {
  return states.get(client) ?? { dead: true, error: undefined, onDead: undefined };
}

/** True while the client is connected and usable. */
export function isRedisClientAlive(client: RedisClient): boolean {
  return !stateOf(client).dead && client.isReady;
}

function track(client: RedisClient, onError: (error: unknown, client: RedisClient) => void): LivenessState {
  const state: LivenessState = { dead: false, error: undefined, onDead: undefined };
  states.set(client, state);
  return listenForDeath(client, state, (error) => onError(error, client));
}

/** Loads `redis` (or uses the injected driver). */
export async function loadRedis(driver: RedisDriver | undefined): Promise<RedisDriver> {
  return driver ?? loadDriver<RedisDriver>('redis', () => import('redis'));
}

function cut(client: RedisClient): void {
  const state = stateOf(client);
  state.onDead = undefined;
  state.dead = true;
  try {
    client.destroy();
  } catch {
    // already closed
  }
}

async function connectClient(redis: RedisDriver, options: RedisFactoryOptions, context: FactoryContext) {
  const given = options.client ?? {};
  const client = redis.createClient({
    ...given,
    socket: { ...(given.socket ?? {}), reconnectStrategy: false },
    disableOfflineQueue: true,
  } as RedisClientOptions);
  track(client, options.onClientError ?? (() => {}));
  const onAbort = () => cut(client);
  context.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await client.connect();
  } catch (error) {
    cut(client);
    throw context.signal.aborted ? context.signal.reason : error;
  } finally {
    context.signal.removeEventListener('abort', onAbort);
  }
  if (context.signal.aborted) {
    cut(client);
    throw context.signal.reason;
  }
  return client;
}

async function ping(client: RedisClient, context: FactoryContext): Promise<boolean> {
  if (!isRedisClientAlive(client)) return false;
  const onAbort = () => cut(client);
  context.signal.addEventListener('abort', onAbort, { once: true });
  try {
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    context.signal.removeEventListener('abort', onAbort);
  }
}

async function closeClient(client: RedisClient, context: DestroyContext): Promise<void> {
  if (!isRedisClientAlive(client) || !closesPolitely(context.reason)) {
    cut(client);
    return;
  }
  const state = stateOf(client);
  state.onDead = undefined;
  state.dead = true;
  const onAbort = () => cut(client);
  context.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await client.close();
  } catch {
    cut(client);
  } finally {
    context.signal.removeEventListener('abort', onAbort);
  }
}

/**
 * The reset on release: a client left in subscriber mode (SUBSCRIBE) or dead is destroyed; any
 * other client is kept. Synchronous. (`RedisPool.use` sends UNWATCH when its callback throws.)
 */
export function resetRedisClient(client: RedisClient): boolean {
  return isRedisClientAlive(client) && !client.isPubSubActive;
}

/**
 * Makes a {@link Factory} of connected node-redis clients for `createPool` from
 * `poolkit/resource`. `createRedisPool` uses it.
 */
export function createRedisFactory(options: RedisFactoryOptions = {}): Factory<RedisClient> {
  const driver = cachedDriver(() => loadRedis(options.driver));
  return {
    async create(context) {
      return connectClient(await driver(), options, context);
    },
    destroy: closeClient,
    validate: ping,
    keepAlive: ping,
    reset: resetRedisClient,
    isBroken: (client, error) => !isRedisClientAlive(client) || isFatalRedisError(error),
    watch: (client, dead) => watchLiveness(stateOf(client), dead),
  };
}
