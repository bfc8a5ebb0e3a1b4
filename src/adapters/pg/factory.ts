/**
 * The resource-pool factory for `pg.Client`: connect (aborted by the pool's create timeout),
 * liveness watch, ping on borrow after idle, transaction check and optional `DISCARD ALL` on
 * release, error classification, and a bounded `end()`.
 *
 * @module
 */

import type { Client, ClientConfig } from 'pg';
import type { DestroyContext, Factory, FactoryContext } from '../../resource/types.js';
import { closesPolitely } from '../destroy-reason.js';
import { cachedDriver, watchLiveness } from '../liveness-state.js';
import { loadDriver } from '../load-driver.js';
import { isFatalPgError } from './classify.js';
import { clientState, cutClient, isAlive, markClosing, queryWithSignal, trackClient } from './liveness.js';

/** The part of the `pg` module the adapter uses (pass it as `driver` to skip `import('pg')`). */
export interface PgDriver {
  /** `pg.Client`. */
  readonly Client: {
    /** Creates a `pg.Client` from a config object or a connection string. */
    new (config?: ClientConfig | string): Client;
  };
}

/** Options of {@link createPgFactory}. */
export interface PgFactoryOptions {
  /**
   * Connection settings given to `new pg.Client()` unchanged: `host`, `port`, `user`, `database`,
   * `password`, `ssl`, `connectionString`, and the session settings `application_name`,
   * `statement_timeout` (ms, enforced by the server), `query_timeout` (ms, enforced by the driver:
   * the connection is then destroyed, since the query still runs server-side), ...
   * @default the driver's defaults (PG* environment variables)
   */
  readonly connection?: ClientConfig | string;
  /**
   * Run `DISCARD ALL` when a connection is released, so session state (SET, temporary tables,
   * prepared statements, advisory locks) never leaks to the next borrower. An open transaction is
   * always rolled back on release, whatever this says.
   * @default false
   */
  readonly discardOnRelease?: boolean;
  /** The `pg` module to use instead of loading it with `import('pg')`. @default import('pg') */
  readonly driver?: PgDriver;
  /** Told about every error a client emits on its own (backend terminated, socket reset). */
  readonly onClientError?: (error: unknown, client: Client) => void;
}

/** Loads `pg` (or uses the injected driver). */
export async function loadPg(driver: PgDriver | undefined): Promise<PgDriver> {
  return driver ?? loadDriver<PgDriver>('pg', () => import('pg'));
}

async function connectClient(Pg: PgDriver, options: PgFactoryOptions, context: FactoryContext): Promise<Client> {
  const { signal } = context;
  const client = new Pg.Client(options.connection);
  trackClient(client, options.onClientError ?? (() => {}));
  const onAbort = () => cutClient(client);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await client.connect();
  } catch (error) {
    markClosing(client);
    cutClient(client);
    throw signal.aborted ? signal.reason : error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  if (signal.aborted) {
    markClosing(client);
    cutClient(client);
    throw signal.reason;
  }
  return client;
}

async function ping(client: Client, context: FactoryContext): Promise<boolean> {
  if (!isAlive(client)) return false;
  try {
    await queryWithSignal(client, 'SELECT 1', context.signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * The reset on release: roll back a transaction left open, `DISCARD ALL` when asked. Synchronous
 * when there is nothing to do (the common case), so a release hands the client to the next waiter
 * without an extra turn of the event loop; `context.signal` is read only when a statement runs.
 */
export function resetPgClient(client: Client, discard: boolean, context: FactoryContext): boolean | Promise<boolean> {
  if (!isAlive(client)) return false;
  // 'T' = in a transaction block, 'E' = in a failed one; 'I' (idle) or null (not known yet) is fine.
  const status = client.getTransactionStatus();
  const rollback = status === 'T' || status === 'E';
  if (!rollback && !discard) return true;
  return (async () => {
    try {
      if (rollback) await queryWithSignal(client, 'ROLLBACK', context.signal);
      if (discard) await queryWithSignal(client, 'DISCARD ALL', context.signal);
      return isAlive(client);
    } catch {
      return false;
    }
  })();
}

async function endClient(client: Client, context: DestroyContext): Promise<void> {
  const alive = isAlive(client);
  markClosing(client);
  if (!alive || !closesPolitely(context.reason)) {
    cutClient(client);
    return;
  }
  const onAbort = () => cutClient(client);
  context.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await client.end();
  } catch {
    cutClient(client);
  } finally {
    context.signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Makes a {@link Factory} of connected `pg.Client`s for `createPool` from `poolkit/resource`.
 * `createPgPool` uses the same parts; use it directly to put pg connections in a keyed pool or to
 * combine them with your own pool options.
 */
export function createPgFactory(options: PgFactoryOptions = {}): Factory<Client> {
  const discard = options.discardOnRelease ?? false;
  return { ...pgFactoryWithoutReset(options), reset: (client, context) => resetPgClient(client, discard, context) };
}

/** The factory minus `reset`, for `createPgPool`, which runs the reset itself (see adapter-lease.ts). */
export function pgFactoryWithoutReset(options: PgFactoryOptions): Factory<Client> {
  const driver = cachedDriver(() => loadPg(options.driver));
  return {
    async create(context) {
      return connectClient(await driver(), options, context);
    },
    destroy: endClient,
    validate: ping,
    keepAlive: ping,
    isBroken: (client, error) => !isAlive(client) || isFatalPgError(error),
    watch: (client, dead) => watchLiveness(clientState(client), dead),
  };
}
