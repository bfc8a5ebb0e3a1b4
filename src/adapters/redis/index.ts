/**
 * Dedicated Redis connections (node-redis) pooled on poolkit's resource pool, for blocking
 * commands and transactions. Needs the optional peer dependency `redis` (node-redis 5 or later;
 * loaded on first connect; importing this module does not load it).
 *
 * ```ts
 * import { createRedisPool } from 'poolkit/redis';
 * const pool = createRedisPool({ client: { url: 'redis://127.0.0.1:6379', name: 'jobs' }, max: 10 });
 * const job = await pool.use((redis) => redis.blPop('jobs', 5));
 * await pool.use((redis) => redis.multi().incr('n').expire('n', 60).exec());
 * await pool.close();
 * ```
 *
 * @module poolkit/redis
 */
export { isFatalRedisError } from './classify.js';
export {
  createRedisFactory,
  isRedisClientAlive,
  type RedisClient,
  type RedisDriver,
  type RedisFactoryOptions,
  resetRedisClient,
} from './factory.js';
export { createRedisPool, type RedisMulti, RedisPool, type RedisPoolOptions } from './pool.js';
