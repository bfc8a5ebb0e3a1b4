/**
 * Resource pools: connections, sessions, handles. `createPool(factory, options)` lends resources
 * through leases; `createKeyedPool(factoryForKey, options)` keeps one pool per key under per-key
 * and global limits.
 *
 * @module poolkit/resource
 */
export { createKeyedPool } from './keyed-pool.js';
export { createPool } from './pool.js';
export {
  type AcquireOptions,
  type CreateBackoffOptions,
  DESTROY_REASONS,
  type DestroyContext,
  type DestroyReason,
  type Factory,
  type FactoryContext,
  type KeyedPool,
  type KeyedPoolEvents,
  type KeyedPoolOptions,
  type KeyedPoolStats,
  type Lease,
  type Pool,
  type PoolEvents,
  type PoolOptions,
  type PoolState,
  type PoolStats,
  type ReleaseOptions,
} from './types.js';
