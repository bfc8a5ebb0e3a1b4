/**
 * PostgreSQL connections pooled on poolkit's resource pool, with the surface of `pg.Pool`.
 * Needs the optional peer dependency `pg` (loaded on first connect; importing this module does not
 * load it).
 *
 * ```ts
 * import { createPgPool } from 'poolkit/pg';
 * const pool = createPgPool({ connection: { host: '127.0.0.1', database: 'app' }, max: 10 });
 * const { rows } = await pool.query('SELECT $1::int AS n', [1]);
 * await pool.withTransaction(async (client) => { await client.query('INSERT ...'); });
 * await pool.close();
 * ```
 *
 * @module poolkit/pg
 */
export { isFatalPgError } from './classify.js';
export type { PgPoolEvent, PgPoolEventArgs } from './compat-events.js';
export { createPgFactory, type PgDriver, type PgFactoryOptions } from './factory.js';
export { createPgPool, PgPool, type PgPoolClient, type PgPoolOptions } from './pool.js';
export { type PgIsolationLevel, type PgTransactionOptions, withTransaction } from './transaction.js';
