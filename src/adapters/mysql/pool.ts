/**
 * `createMysqlPool(options)`: mysql2 promise connections on poolkit's resource pool, with the
 * surface of mysql2's promise pool (`query`, `execute`, `getConnection` + `release()`, `end`) plus
 * what it lacks: an acquire timeout that bounds the wait behind busy connections (mysql2's pool
 * waits forever), liveness that evicts killed sessions, retirement before `wait_timeout`, leases,
 * `withTransaction`.
 *
 * @module
 */
import type { Connection, FieldPacket, QueryOptions, QueryResult } from 'mysql2/promise';
import { invalidOption } from '../../internal/options.js';
import { createPool } from '../../resource/index.js';
import type { AcquireOptions, Lease, Pool, PoolOptions, PoolStats } from '../../resource/types.js';
import { AdapterLease, type AdapterReset, callOnLease } from '../adapter-lease.js';
import { runTransaction } from '../transaction.js';
import { loadMysql, type MysqlFactoryOptions, mysqlFactoryWithoutReset, resetMysqlConnection } from './factory.js';
import { type MysqlTransactionOptions, mysqlTransactionSteps } from './transaction.js';

/** Options of {@link createMysqlPool}: connection settings plus every resource-pool option. */
export interface MysqlPoolOptions extends PoolOptions, Omit<MysqlFactoryOptions, 'onConnectionError'> {}

/** A connection lent by {@link MysqlPool.getConnection}, with mysql2's `release()`. */
export type MysqlPoolConnection = Connection & {
  /** Returns the connection to the pool. Calling it twice throws `DoubleReleaseError`. */
  release(): void;
};

/** A SQL string or mysql2 query options (`{ sql, timeout, rowsAsArray, ... }`). */
export type MysqlQuery = string | QueryOptions;

/** Default period of the idle check that retires connections before `wait_timeout`, in milliseconds. */
const DEFAULT_KEEP_ALIVE_MS = 5000;

function checkOptions(options: MysqlPoolOptions): void {
  if (options === null || typeof options !== 'object') invalidOption('options', 'an object', options);
  const { connection, resetOnRelease, driver } = options;
  if (connection !== undefined && (connection === null || typeof connection !== 'object')) {
    invalidOption('connection', 'a mysql2 ConnectionOptions object', connection);
  }
  if (resetOnRelease !== undefined && typeof resetOnRelease !== 'boolean') {
    invalidOption('resetOnRelease', 'a boolean', resetOnRelease);
  }
  if (
    driver !== undefined &&
    typeof (driver as { createConnection?: unknown } | null)?.createConnection !== 'function'
  ) {
    invalidOption('driver', 'the mysql2 module (an object with createConnection)', driver);
  }
}

/** Creates a {@link MysqlPool}. Options are checked at once; no connection is made until needed. */
export function createMysqlPool(options: MysqlPoolOptions = {}): MysqlPool {
  return new MysqlPool(options);
}

/** A pool of MySQL/MariaDB connections. Create it with {@link createMysqlPool}. */
export class MysqlPool implements AsyncDisposable {
  /** The underlying resource pool: events, `stats()`, `resize()`, `clear()`, leases. */
  readonly pool: Pool<Connection>;
  readonly #driverOption: MysqlPoolOptions['driver'];
  readonly #reset: AdapterReset<Connection>;
  readonly #resetTimeoutMs: number;
  #driverLoaded = false;

  /** Prefer {@link createMysqlPool}. */
  constructor(options: MysqlPoolOptions = {}) {
    checkOptions(options);
    const { connection, sessionVariables, resetOnRelease, waitTimeoutMarginMs, driver, ...poolOptions } = options;
    const keepAliveIntervalMs = poolOptions.keepAliveIntervalMs ?? DEFAULT_KEEP_ALIVE_MS;
    this.#driverOption = driver;
    const factory = mysqlFactoryWithoutReset({
      connection,
      sessionVariables,
      driver,
      // Retire an idle connection at least one check period before the server would close it.
      waitTimeoutMarginMs:
        waitTimeoutMarginMs ?? (Number.isFinite(keepAliveIntervalMs) ? keepAliveIntervalMs + 1000 : 5000),
    });
    this.pool = createPool(factory, { name: 'mysql', keepAliveIntervalMs, ...poolOptions });
    const resetOptions = { resetOnRelease, sessionVariables };
    this.#reset = (connection, context) => resetMysqlConnection(connection, resetOptions, context);
    this.#resetTimeoutMs = poolOptions.validateTimeoutMs ?? 5000;
  }

  async #ensureDriver(): Promise<void> {
    if (this.#driverLoaded) return;
    await loadMysql(this.#driverOption);
    this.#driverLoaded = true;
  }

  /** Runs one query on any connection (mysql2's `pool.query`): `[rows, fields]`. */
  query<R extends QueryResult = QueryResult>(sql: MysqlQuery, values?: unknown): Promise<[R, FieldPacket[]]> {
    if (!this.#driverLoaded) return this.#ensureDriver().then(() => this.query<R>(sql, values));
    return this.pool.acquire().then((lease) => this.#run<R>(lease, 'query', sql, values));
  }

  /** Runs one prepared statement on any connection (mysql2's `pool.execute`). */
  execute<R extends QueryResult = QueryResult>(sql: MysqlQuery, values?: unknown): Promise<[R, FieldPacket[]]> {
    if (!this.#driverLoaded) return this.#ensureDriver().then(() => this.execute<R>(sql, values));
    return this.pool.acquire().then((lease) => this.#run<R>(lease, 'execute', sql, values));
  }

  // The hot path of query()/execute(): the callback API of the connection under the promise
  // wrapper, as mysql2's own pool does inside (see callOnLease), so no promise of the driver's is
  // made per query. The promise wrapper also makes an Error at every call to carry the caller's
  // stack; here a failure rejects with the driver's own error (same code, errno, sqlState,
  // sqlMessage, fatal), whose stack is the driver's.
  #run<R>(
    lease: Lease<Connection>,
    method: 'query' | 'execute',
    sql: MysqlQuery,
    values: unknown,
  ): Promise<[R, FieldPacket[]]> {
    return callOnLease<Connection, [R, FieldPacket[]]>(lease, this.#reset, this.#resetTimeoutMs, (connection, done) => {
      const core = (connection as unknown as { connection: Record<string, (...args: unknown[]) => void> }).connection;
      const callback = (error: Error | null, rows: R, fields: FieldPacket[]) => done(error, [rows, fields]);
      // No optional call: a missing method must throw (and reject), never leave the promise pending.
      const call = core[method] as (...args: unknown[]) => void;
      if (values === undefined) call.call(core, sql, callback);
      else call.call(core, sql, values, callback);
    });
  }

  /** Borrows a connection as a poolkit lease. */
  async acquire(options?: AcquireOptions): Promise<Lease<Connection>> {
    await this.#ensureDriver();
    return new AdapterLease(await this.pool.acquire(options), this.#reset, this.#resetTimeoutMs);
  }

  /** Borrows a connection the mysql2 way: call `connection.release()` when done. */
  async getConnection(options?: AcquireOptions): Promise<MysqlPoolConnection> {
    const lease = await this.acquire(options);
    const connection = lease.value as MysqlPoolConnection;
    Object.defineProperty(connection, 'release', {
      configurable: true,
      writable: true,
      value: () => lease.release(),
    });
    return connection;
  }

  /**
   * Runs `fn(connection)` in a transaction and returns its result; ROLLBACK and rethrow on a throw;
   * a failed ROLLBACK destroys the connection and throws `TransactionError`.
   */
  async withTransaction<R>(
    fn: (connection: Connection) => Promise<R> | R,
    options?: MysqlTransactionOptions,
  ): Promise<R> {
    const steps = mysqlTransactionSteps(options);
    return runTransaction(() => this.acquire(options?.acquire), steps, fn);
  }

  /** A snapshot of the pool's gauges and counters. */
  stats(): PoolStats {
    return this.pool.stats();
  }

  /** Graceful close: waits for lent connections up to `timeoutMs`, then closes every connection. */
  close(options?: { readonly timeoutMs?: number }): Promise<void> {
    return this.pool.close(options);
  }

  /** mysql2's `pool.end()`: the same as {@link MysqlPool.close}. */
  end(): Promise<void> {
    return this.pool.close();
  }

  /** Closes at once, including lent connections. */
  destroy(): Promise<void> {
    return this.pool.destroy();
  }

  /** `await using pool = createMysqlPool(...)` closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.pool.close();
  }
}
