/**
 * Which mysql2 / MySQL / MariaDB errors mean "this connection is finished". mysql2 marks the ones
 * it closes the connection for with `fatal: true`; the server's own codes are from the MariaDB and
 * MySQL error references.
 *
 * @module
 */

/** Error codes after which the connection must not be reused. */
const FATAL_CODES: ReadonlySet<string> = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT', // mysql2's per-query `timeout`: the query may still run server-side
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'ER_CONNECTION_KILLED', // MariaDB 1927: KILL [CONNECTION] on a busy connection
  'ER_SERVER_SHUTDOWN',
  'ER_NET_READ_INTERRUPTED',
  'ER_NET_READ_ERROR',
  'ER_NET_WRITE_INTERRUPTED',
  'ER_NET_ERROR_ON_WRITE',
  'ER_CLIENT_INTERACTION_TIMEOUT', // MySQL 8 (4031): closed after wait_timeout
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'ECONNABORTED',
  'POOLKIT_CONNECTION_CLOSED', // poolkit's own: the connection was closed or its reset failed
]);

/**
 * True when `error` means the mysql2 connection that raised it must not be reused (mysql2's
 * `fatal` flag, a lost connection, a killed session, a socket error). Statement errors (syntax,
 * duplicate key, `KILL QUERY` which is `ER_QUERY_INTERRUPTED`) return false.
 */
export function isFatalMysqlError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { fatal, code } = error as { fatal?: unknown; code?: unknown };
  return fatal === true || (typeof code === 'string' && FATAL_CODES.has(code));
}
