/**
 * The resource-pool factory for mysql2 promise connections: connect (aborted by the pool's create
 * timeout), session variables, `wait_timeout` discovery, liveness watch, ping on borrow after idle,
 * retirement of idle connections before the server's `wait_timeout` closes them, optional
 * `COM_RESET_CONNECTION` on release, error classification, bounded `end()`.
 *
 * @module
 */

import { performance } from 'node:perf_hooks';
import type { ConnectionOptions, Connection as CoreConnection } from 'mysql2';
import type { Connection } from 'mysql2/promise';
import { invalidOption } from '../../internal/options.js';
import type { DestroyContext, Factory, FactoryContext } from '../../resource/types.js';
import { closesPolitely } from '../destroy-reason.js';
import { cachedDriver, watchLiveness } from '../liveness-state.js';
import { loadDriver } from '../load-driver.js';
import { isFatalMysqlError } from './classify.js';
import {
  connectionState,
  coreOf,
  cutConnection,
  isAlive,
  type MysqlConnectionState,
  markClosing,
  trackConnection,
  withSignal,
} from './liveness.js';

/** The part of the `mysql2` module the adapter uses (pass it as `driver` to skip `import('mysql2')`). */
export interface MysqlDriver {
  /** `mysql2.createConnection` (the callback API; the adapter wraps it with `.promise()`). */
  readonly createConnection: (config: ConnectionOptions) => CoreConnection;
}

/** A session variable value for `SET SESSION name = value`. */
export type MysqlSessionValue = string | number | boolean;

/** Options of {@link createMysqlFactory}. */
export interface MysqlFactoryOptions {
  /**
   * Connection settings given to `mysql2.createConnection()` unchanged (`host`, `port`, `user`,
   * `password`, `database`, `ssl`, `charset`, `timezone`, `connectTimeout`, ...).
   * @default the driver's defaults (localhost:3306)
   */
  readonly connection?: ConnectionOptions;
  /**
   * Session variables set on every new connection (and again after a reset), e.g.
   * `{ max_statement_time: 5 }` (MariaDB, seconds) or `{ max_execution_time: 5000 }` (MySQL, ms).
   * @default {}
   */
  readonly sessionVariables?: Readonly<Record<string, MysqlSessionValue>>;
  /**
   * Send `COM_RESET_CONNECTION` on release (rolls back an open transaction, drops temporary tables
   * and user variables, releases locks), then re-apply `sessionVariables`.
   * @default false
   */
  readonly resetOnRelease?: boolean;
  /**
   * An idle connection is retired this long before the server's `wait_timeout` (read from each
   * session at connect) would close it, in milliseconds.
   * @default 5000
   */
  readonly waitTimeoutMarginMs?: number;
  /** The `mysql2` module to use instead of `import('mysql2')`. @default import('mysql2') */
  readonly driver?: MysqlDriver;
  /** Told about every error a connection emits on its own (KILL, server gone, socket reset). */
  readonly onConnectionError?: (error: unknown, connection: CoreConnection) => void;
}

/** Loads `mysql2` (or uses the injected driver). */
export async function loadMysql(driver: MysqlDriver | undefined): Promise<MysqlDriver> {
  return driver ?? loadDriver<MysqlDriver>('mysql2', () => import('mysql2'));
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks `sessionVariables` and builds its `SET SESSION` statement (undefined when empty). */
export function sessionStatement(
  variables: Readonly<Record<string, MysqlSessionValue>> | undefined,
): { sql: string; values: MysqlSessionValue[] } | undefined {
  if (variables === undefined) return undefined;
  if (variables === null || typeof variables !== 'object') invalidOption('sessionVariables', 'an object', variables);
  const entries = Object.entries(variables);
  if (entries.length === 0) return undefined;
  for (const [name, value] of entries) {
    if (!VARIABLE_NAME.test(name)) invalidOption(`sessionVariables.${name}`, 'a plain variable name', name);
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      invalidOption(`sessionVariables.${name}`, 'a string, number or boolean', value);
    }
  }
  return {
    sql: `SET SESSION ${entries.map(([name]) => `${name} = ?`).join(', ')}`,
    values: entries.map(([, value]) => value),
  };
}

function connectCore(core: CoreConnection, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      core.destroy();
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    core.connect((error: unknown) => {
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    });
  });
}

async function prepareSession(
  connection: Connection,
  session: ReturnType<typeof sessionStatement>,
  state: MysqlConnectionState,
  signal: AbortSignal,
): Promise<void> {
  await withSignal(connection, signal, async () => {
    if (session) await connection.query(session.sql, session.values);
    const [rows] = await connection.query('SELECT @@SESSION.wait_timeout AS waitTimeout');
    const seconds = Number((rows as { waitTimeout?: unknown }[])[0]?.waitTimeout);
    state.waitTimeoutMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : Number.POSITIVE_INFINITY;
  });
}

/** True when the connection has been idle too close to its `wait_timeout`. */
function nearWaitTimeout(connection: Connection, marginMs: number): boolean {
  const state = connectionState(connection);
  return performance.now() - state.idleSince >= state.waitTimeoutMs - marginMs;
}

async function endConnection(connection: Connection, context: DestroyContext): Promise<void> {
  const alive = isAlive(connection);
  markClosing(connection);
  if (!alive || !closesPolitely(context.reason)) {
    cutConnection(coreOf(connection));
    return;
  }
  try {
    await withSignal(connection, context.signal, () => connection.end());
  } catch {
    cutConnection(coreOf(connection));
  }
}

/**
 * The reset on release: note when the connection went idle (for the `wait_timeout` check) and, when
 * asked, `COM_RESET_CONNECTION` then the session variables again. Synchronous unless a statement
 * runs; `context.signal` is read only then.
 */
export function resetMysqlConnection(
  connection: Connection,
  options: Pick<MysqlFactoryOptions, 'resetOnRelease' | 'sessionVariables'>,
  context: FactoryContext,
): boolean | Promise<boolean> {
  if (!isAlive(connection)) return false;
  connectionState(connection).idleSince = performance.now();
  if (!options.resetOnRelease) return true;
  const session = sessionStatement(options.sessionVariables);
  return (async () => {
    try {
      await withSignal(connection, context.signal, async () => {
        await connection.reset();
        if (session) await connection.query(session.sql, session.values);
      });
      return isAlive(connection);
    } catch {
      return false;
    }
  })();
}

/**
 * Makes a {@link Factory} of connected mysql2 promise connections for `createPool` from
 * `poolkit/resource`. `createMysqlPool` uses the same parts.
 */
export function createMysqlFactory(options: MysqlFactoryOptions = {}): Factory<Connection> {
  return {
    ...mysqlFactoryWithoutReset(options),
    reset: (connection, context) => resetMysqlConnection(connection, options, context),
  };
}

/** The factory minus `reset`, for `createMysqlPool`, which runs the reset itself (see adapter-lease.ts). */
export function mysqlFactoryWithoutReset(options: MysqlFactoryOptions): Factory<Connection> {
  const session = sessionStatement(options.sessionVariables);
  const marginMs = options.waitTimeoutMarginMs ?? 5000;
  if (!(typeof marginMs === 'number' && marginMs >= 0)) invalidOption('waitTimeoutMarginMs', 'a number >= 0', marginMs);
  const onError = options.onConnectionError ?? (() => {});
  const driver = cachedDriver(() => loadMysql(options.driver));

  async function create(context: FactoryContext): Promise<Connection> {
    const mysql = await driver();
    const core = mysql.createConnection(options.connection ?? {});
    const state = trackConnection(core, onError);
    const connection = core.promise();
    try {
      await connectCore(core, context.signal);
      await prepareSession(connection, session, state, context.signal);
    } catch (error) {
      markClosing(connection);
      core.destroy();
      throw context.signal.aborted ? context.signal.reason : error;
    }
    state.idleSince = performance.now();
    return connection;
  }

  async function ping(connection: Connection, context: FactoryContext): Promise<boolean> {
    if (!isAlive(connection) || nearWaitTimeout(connection, marginMs)) return false;
    try {
      await withSignal(connection, context.signal, () => connection.ping());
      return true;
    } catch {
      return false;
    }
  }

  return {
    create,
    destroy: endConnection,
    validate: ping,
    // Periodic idle check without a round trip: retire before the server's wait_timeout does.
    keepAlive: (connection) => isAlive(connection) && !nearWaitTimeout(connection, marginMs),
    isBroken: (connection, error) => !isAlive(connection) || isFatalMysqlError(error),
    watch: (connection, dead) => watchLiveness(connectionState(connection), dead),
  };
}
