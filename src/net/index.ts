/**
 * A pool of TCP and TLS sockets keyed by address (fatih/pool semantics on the keyed resource
 * pool): per-address and global caps, idle sockets watched for death, connect timeouts that
 * really abort, TCP keepalive on by default.
 *
 * @module poolkit/net
 */
export type { SocketPoolOptions } from './options.js';
export {
  createSocketPool,
  type PooledSocket,
  type SocketPool,
  type SocketPoolStats,
} from './socket-pool.js';
export { type SocketTarget, type TcpTarget, type TlsTarget, targetKey } from './target.js';
