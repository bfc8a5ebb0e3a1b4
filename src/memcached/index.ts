/**
 * A memcached client (text protocol) over the socket pool: `get`, `getMulti`, `set`, `add`,
 * `replace`, `delete`, `incr`, `decr`, `touch`, with flags and expiry; keys spread over servers
 * by CRC-32 like gomemcache's `ServerList`; pipelined connections; typed errors.
 *
 * @module poolkit/memcached
 */
export {
  createMemcachedClient,
  MemcachedClient,
  type MemcachedStats,
  type StoreOptions,
} from './client.js';
export type { Item } from './connection.js';
export { MAX_KEY_BYTES } from './keys.js';
export type { MemcachedClientOptions, ServerAddress } from './options.js';
