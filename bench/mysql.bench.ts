/**
 * MySQL/MariaDB suite (needs the server on 127.0.0.1:3306; see test/helpers/services.ts).
 * - select1-c64: `SELECT 1` from 64 concurrent callers through a pool of 10, poolkit's
 *   createMysqlPool against mysql2's promise `createPool` with the same connectionLimit:
 *   queries/s, p50Ms, p99Ms.
 */
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import { createMysqlPool } from '../dist/adapters/mysql/index.js';
import { defineSuite, type Impl, quantile } from './harness.js';

const connection = {
  host: process.env.MYSQL_HOST ?? '127.0.0.1',
  port: Number(process.env.MYSQL_PORT ?? 3306),
  user: process.env.MYSQL_USER ?? 'root',
  password: process.env.MYSQL_PASSWORD ?? '',
  database: process.env.MYSQL_DATABASE ?? 'test',
};
const POOL_SIZE = 10;
const CALLERS = 64;
const QUERIES_PER_ROUND = 12_800;

interface Subject {
  query(): Promise<unknown>;
  close(): Promise<void>;
}

function impl(make: () => Subject): Impl {
  let subject: Subject;
  return {
    async setup() {
      subject = make();
      await Promise.all(Array.from({ length: POOL_SIZE * 2 }, () => subject.query()));
    },
    async run() {
      const latencies: number[] = [];
      let started = 0;
      const caller = async () => {
        while (started < QUERIES_PER_ROUND) {
          started++;
          const start = performance.now();
          await subject.query();
          latencies.push(performance.now() - start);
        }
      };
      await Promise.all(Array.from({ length: CALLERS }, caller));
      return {
        ops: latencies.length,
        extra: { p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99) },
      };
    },
    teardown: () => subject.close(),
  };
}

export default defineSuite({
  name: 'mysql',
  cases: [
    {
      name: 'select1-c64',
      description: `SELECT 1 from ${CALLERS} callers through a pool of ${POOL_SIZE}; ${QUERIES_PER_ROUND.toLocaleString()} queries per round`,
      impls: {
        poolkit: impl(() => {
          const pool = createMysqlPool({ connection, max: POOL_SIZE });
          return { query: () => pool.query('SELECT 1'), close: () => pool.close() };
        }),
        'mysql2 createPool': impl(() => {
          const pool = mysql.createPool({ ...connection, connectionLimit: POOL_SIZE });
          return { query: () => pool.query('SELECT 1'), close: () => pool.end() };
        }),
      },
    },
  ],
});
