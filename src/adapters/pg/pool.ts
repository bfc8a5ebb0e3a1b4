/**
 * `createPgPool(options)`: a pool of `pg.Client` on poolkit's resource pool, with the surface of
 * `pg.Pool` (`query`, `connect` + `client.release()`, `end`, the counters and events) so that
 * migrating is a one-line change, plus what `pg.Pool` lacks: acquire timeouts that bound the wait,
 * leases, `withTransaction`, liveness that never crashes the process, reset on release.
 *
 * @module
 */
import type { Client, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import { invalidOption } from '../../internal/options.js';
import { createPool } from '../../resource/index.js';
import type { AcquireOptions, Lease, Pool, PoolOptions, PoolStats } from '../../resource/types.js';
import { AdapterLease, type AdapterReset, callOnLease } from '../adapter-lease.js';
import { runTransaction } from '../transaction.js';
import { PgCompatEvents, type PgPoolEvent, type PgPoolEventArgs } from './compat-events.js';
import { loadPg, type PgFactoryOptions, pgFactoryWithoutReset, resetPgClient } from './factory.js';
import { type PgTransactionOptions, pgTransactionSteps } from './transaction.js';

/** Options of {@link createPgPool}: the connection settings plus every resource-pool option. */
export interface PgPoolOptions extends PoolOptions, Omit<PgFactoryOptions, 'onClientError'> {
  /**
   * `pool.query()` runs a statement once more, on another connection, when the server terminated
   * its backend while running it: the reply was SQLSTATE 57P01 (`admin_shutdown`:
   * `pg_terminate_backend`, a fast shutdown) or 57P02 (`crash_shutdown`). The server sends that
   * error instead of a result only while the statement runs, so the statement was aborted and its
   * transaction rolled back: re-running it cannot apply it twice. Effects outside transactions
   * (`nextval`, calls out through dblink) would repeat, hence off by default. Never applies to
   * clients from `connect()`/`acquire()` or to `transaction()`. A connection that just drops
   * (no error reply) is never retried: whether the statement committed is unknown then.
   * @default false
   */
  readonly retryTerminated?: boolean;
}

/** SQLSTATEs sent in place of a result when the server ends a backend mid-statement. */
const TERMINATED = new Set(['57P01', '57P02']);

/** A client lent by {@link PgPool.connect}: a `pg.Client` with `pg.Pool`'s `release()`. */
export type PgPoolClient = Client & {
  /**
   * Returns the client to the pool. As with `pg.Pool`, a truthy argument (an `Error` or `true`)
   * destroys the client instead. Calling it twice throws `DoubleReleaseError`.
   */
  release(error?: Error | boolean): void;
};

function checkOptions(options: PgPoolOptions): void {
  if (options === null || typeof options !== 'object') invalidOption('options', 'an object', options);
  const { connection, discardOnRelease, driver, retryTerminated } = options;
  if (retryTerminated !== undefined && typeof retryTerminated !== 'boolean') {
    invalidOption('retryTerminated', 'a boolean', retryTerminated);
  }
  if (
    connection !== undefined &&
    typeof connection !== 'string' &&
    (connection === null || typeof connection !== 'object')
  ) {
    invalidOption('connection', 'a pg ClientConfig object or a connection string', connection);
  }
  if (discardOnRelease !== undefined && typeof discardOnRelease !== 'boolean') {
    invalidOption('discardOnRelease', 'a boolean', discardOnRelease);
  }
  if (driver !== undefined && typeof (driver as { Client?: unknown } | null)?.Client !== 'function') {
    invalidOption('driver', 'the pg module (an object with a Client constructor)', driver);
  }
}

/** Creates a {@link PgPool}. Options are checked at once; no connection is made until needed (or `min` > 0). */
export function createPgPool(options: PgPoolOptions = {}): PgPool {
  return new PgPool(options);
}

/** A pool of PostgreSQL connections. Create it with {@link createPgPool}. */
export class PgPool implements AsyncDisposable {
  /** The underlying resource pool: poolkit's events, `stats()`, `resize()`, `clear()`, leases. */
  readonly pool: Pool<Client>;
  readonly #events: PgCompatEvents;
  readonly #driverOption: PgPoolOptions['driver'];
  readonly #reset: AdapterReset<Client>;
  readonly #resetTimeoutMs: number;
  readonly #retryTerminated: boolean;
  #driverLoaded = false;

  /** Prefer {@link createPgPool}. */
  constructor(options: PgPoolOptions = {}) {
    checkOptions(options);
    const { connection, discardOnRelease, driver, retryTerminated, ...poolOptions } = options;
    this.#retryTerminated = retryTerminated ?? false;
    this.#driverOption = driver;
    const factory = pgFactoryWithoutReset({
      connection,
      driver,
      onClientError: (error, client) => this.#events.emit('error', error as Error, client),
    });
    this.pool = createPool(factory, { name: 'pg', ...poolOptions });
    const discard = discardOnRelease ?? false;
    this.#reset = (client, context) => resetPgClient(client, discard, context);
    this.#resetTimeoutMs = poolOptions.validateTimeoutMs ?? 5000;
    this.#events = new PgCompatEvents(this.pool);
  }

  /**
   * Resolves once the driver is loaded, so that a missing `pg` rejects the first call at once with
   * `DriverMissingError` instead of after `acquireTimeoutMs` of failed creates. Free afterwards.
   */
  async #loadDriver(): Promise<void> {
    await loadPg(this.#driverOption);
    this.#driverLoaded = true;
  }

  /**
   * Runs one query on any connection, like `pg.Pool.query`: acquire (bounded by
   * `acquireTimeoutMs`), query, release. A connection error destroys the connection.
   */
  query<R extends QueryResultRow = QueryResultRow>(
    text: string | QueryConfig,
    values?: readonly unknown[],
  ): Promise<QueryResult<R>> {
    if (!this.#driverLoaded) return this.#loadDriver().then(() => this.query<R>(text, values));
    return this.pool.acquire().then((lease) => this.#queryOn<R>(lease, text, values));
  }

  // The hot path of query().
  #queryOn<R extends QueryResultRow>(
    lease: Lease<Client>,
    text: string | QueryConfig,
    values: readonly unknown[] | undefined,
  ): Promise<QueryResult<R>> {
    const result = this.#send<R>(lease, text, values);
    return this.#retryTerminated ? result.catch((error: unknown) => this.#retry<R>(error, text, values)) : result;
  }

  /** The statement on `lease`, in the driver's callback form as pg.Pool uses it (see callOnLease). */
  #send<R extends QueryResultRow>(
    lease: Lease<Client>,
    text: string | QueryConfig,
    values: readonly unknown[] | undefined,
  ): Promise<QueryResult<R>> {
    return callOnLease<Client, QueryResult<R>>(lease, this.#reset, this.#resetTimeoutMs, (client, done) =>
      (client.query as (text: unknown, values: unknown, callback: typeof done) => void)(text, values, done),
    );
  }

  /** `retryTerminated`: once more on another connection when the server aborted the statement. */
  #retry<R extends QueryResultRow>(
    error: unknown,
    text: string | QueryConfig,
    values: readonly unknown[] | undefined,
  ): Promise<QueryResult<R>> {
    if (!TERMINATED.has((error as { code?: string }).code as string)) throw error;
    return this.pool.acquire().then((lease) => this.#send<R>(lease, text, values));
  }

  /** Borrows a connection as a poolkit lease (`release()`, `release({ error })`, `await using`). */
  async acquire(options?: AcquireOptions): Promise<Lease<Client>> {
    if (!this.#driverLoaded) await this.#loadDriver();
    return new AdapterLease(await this.pool.acquire(options), this.#reset, this.#resetTimeoutMs);
  }

  /** Borrows a connection the `pg.Pool` way: the client has a `release(err?)` method. */
  async connect(options?: AcquireOptions): Promise<PgPoolClient> {
    const lease = await this.acquire(options);
    const client = lease.value as PgPoolClient;
    Object.defineProperty(client, 'release', {
      configurable: true,
      writable: true,
      value(error?: Error | boolean) {
        if (error) {
          // pg.Pool semantics: a truthy argument destroys the client.
          lease.destroy().catch(() => {});
          return;
        }
        lease.release();
      },
    });
    return client;
  }

  /**
   * Runs `fn(client)` inside BEGIN/COMMIT and returns its result; ROLLBACK and rethrow on a throw;
   * a failed ROLLBACK destroys the connection and throws `TransactionError`.
   */
  async withTransaction<R>(fn: (client: Client) => Promise<R> | R, options?: PgTransactionOptions): Promise<R> {
    const steps = pgTransactionSteps(options);
    return runTransaction(() => this.acquire(options?.acquire), steps, fn);
  }

  /** Adds a `pg.Pool`-style listener (positional arguments). */
  on<E extends PgPoolEvent>(event: E, listener: (...args: PgPoolEventArgs[E]) => void): this {
    this.#events.on(event, listener);
    return this;
  }

  /** Adds a listener called at most once. */
  once<E extends PgPoolEvent>(event: E, listener: (...args: PgPoolEventArgs[E]) => void): this {
    const wrapper = (...args: PgPoolEventArgs[E]) => {
      this.#events.off(event, wrapper);
      listener(...args);
    };
    this.#events.on(event, wrapper);
    return this;
  }

  /** Removes a listener. */
  off<E extends PgPoolEvent>(event: E, listener: (...args: PgPoolEventArgs[E]) => void): this {
    this.#events.off(event, listener);
    return this;
  }

  /** Connections open (idle + lent + connecting), like `pg.Pool.totalCount`. */
  get totalCount(): number {
    return this.pool.stats().size;
  }

  /** Idle connections, like `pg.Pool.idleCount`. */
  get idleCount(): number {
    return this.pool.stats().idle;
  }

  /** Callers waiting for a connection, like `pg.Pool.waitingCount`. */
  get waitingCount(): number {
    return this.pool.stats().waiting;
  }

  /** True once `end()`/`close()` started. */
  get ended(): boolean {
    const { state } = this.pool.stats();
    return state === 'closing' || state === 'closed';
  }

  /** A snapshot of the pool's gauges and counters. */
  stats(): PoolStats {
    return this.pool.stats();
  }

  /** Graceful close: waits for lent connections up to `timeoutMs`, then closes every connection. */
  close(options?: { readonly timeoutMs?: number }): Promise<void> {
    return this.pool.close(options);
  }

  /** `pg.Pool.end()`: the same as {@link PgPool.close} without a timeout. */
  end(): Promise<void> {
    return this.pool.close();
  }

  /** Closes at once, including lent connections. */
  destroy(): Promise<void> {
    return this.pool.destroy();
  }

  /** `await using pool = createPgPool(...)` closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.pool.close();
  }
}
