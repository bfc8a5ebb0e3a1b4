/**
 * Which node-redis errors mean "this connection is finished". Error replies from the server
 * (`ErrorReply`: WRONGTYPE, a failed EXEC's `MultiErrorReply`, `WatchError`) leave the connection
 * fine; socket and client-state errors do not. Names from `@redis/client/dist/lib/errors`.
 *
 * @module
 */

const FATAL_NAMES: ReadonlySet<string> = new Set([
  'SocketClosedUnexpectedlyError',
  'ConnectionTimeoutError',
  'SocketTimeoutError',
  'ClientClosedError',
  'ClientOfflineError',
  'DisconnectsClientError',
  'ReconnectStrategyError',
]);

const FATAL_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'ECONNABORTED',
  'POOLKIT_CONNECTION_CLOSED',
]);

/**
 * True when `error` means the Redis connection that raised it must not be reused (socket closed,
 * timed out, client closed or offline). Server error replies return false.
 */
export function isFatalRedisError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { name, code, message } = error as { name?: unknown; code?: unknown; message?: unknown };
  // node-redis error classes keep `name === 'Error'`; their constructor names are the stable part.
  if (FATAL_NAMES.has(error.constructor?.name ?? '') || (typeof name === 'string' && FATAL_NAMES.has(name)))
    return true;
  if (typeof code === 'string' && FATAL_CODES.has(code)) return true;
  // A connection killed with CLIENT KILL surfaces as "Socket closed unexpectedly" whatever the class name.
  return typeof message === 'string' && message.includes('Socket closed unexpectedly');
}
