/**
 * Which PostgreSQL errors mean "this connection is finished" (destroy it) and which are ordinary
 * statement errors (the connection is fine, return it). SQLSTATE classes from the PostgreSQL
 * manual, appendix A; the driver's own messages from `pg/lib/client.js`.
 *
 * @module
 */

/** SQLSTATE codes after which the session is gone or unusable. */
const FATAL_SQLSTATES: ReadonlySet<string> = new Set([
  '57P01', // admin_shutdown: pg_terminate_backend(), smart/fast shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '57P05', // idle_session_timeout (PostgreSQL 14+)
  '25P03', // idle_in_transaction_session_timeout
  '53300', // too_many_connections
  'XX000', // internal_error: do not trust the session any more
]);

/** Socket-level error codes (Node errno) that mean the connection is broken. */
const SOCKET_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
]);

/** Messages of errors the driver creates itself (they carry no SQLSTATE). */
const DRIVER_MESSAGES = [
  'Connection terminated',
  'connection error and is not queryable',
  'Client was closed and is not queryable',
  'Query read timeout', // pg's query_timeout: the query still runs server-side; the client is unusable
  'Client has already been connected',
];

/**
 * True when `error` means the pg connection that raised it must not be reused: a fatal SQLSTATE
 * (class 08 connection exception, 57P01 terminated by administrator, ...), a socket error, or one
 * of the driver's connection errors. Statement errors (syntax, constraint, `statement_timeout`
 * cancel 57014) return false.
 */
export function isFatalPgError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code === 'POOLKIT_CONNECTION_CLOSED') return true;
  if (typeof code === 'string') {
    if (/^[0-9A-Z]{5}$/.test(code)) return code.startsWith('08') || FATAL_SQLSTATES.has(code);
    if (SOCKET_CODES.has(code)) return true;
  }
  if (typeof message === 'string') return DRIVER_MESSAGES.some((text) => message.includes(text));
  return false;
}
