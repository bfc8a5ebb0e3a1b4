/**
 * MySQL and MariaDB connections (mysql2, promise API) pooled on poolkit's resource pool. Needs the
 * optional peer dependency `mysql2` (loaded on first connect; importing this module does not load
 * it).
 *
 * ```ts
 * import { createMysqlPool } from 'poolkit/mysql';
 * const pool = createMysqlPool({ connection: { host: '127.0.0.1', user: 'app', database: 'app' }, acquireTimeoutMs: 2000 });
 * const [rows] = await pool.query('SELECT ? AS n', [1]);
 * await pool.close();
 * ```
 *
 * @module poolkit/mysql
 */
export { isFatalMysqlError } from './classify.js';
export {
  createMysqlFactory,
  type MysqlDriver,
  type MysqlFactoryOptions,
  type MysqlSessionValue,
} from './factory.js';
export {
  createMysqlPool,
  MysqlPool,
  type MysqlPoolConnection,
  type MysqlPoolOptions,
  type MysqlQuery,
} from './pool.js';
export { type MysqlIsolationLevel, type MysqlTransactionOptions, withTransaction } from './transaction.js';
