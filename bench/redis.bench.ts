/**
 * Redis suite (needs the server on 127.0.0.1:6379; see test/helpers/services.ts).
 * - multi-c32: MULTI, INCR, EXPIRE, EXEC from 32 concurrent callers through a pool of 10
 *   connections: poolkit's createRedisPool against node-redis's own `createClientPool` with the
 *   same size (both on node-redis): transactions/s, p50Ms, p99Ms. Both through their one-call
 *   transaction API (`pool.multi(...)`); poolkit's pipelines blocks on shared connections, and
 *   `poolkit use()` shows its exclusive-lease path (one connection per transaction) as well.
 */
import { performance } from 'node:perf_hooks';
import { createClientPool } from 'redis';
import { createRedisPool } from '../dist/adapters/redis/index.js';
import { defineSuite, type Impl, quantile } from './harness.js';

const url = `redis://${process.env.REDIS_HOST ?? '127.0.0.1'}:${process.env.REDIS_PORT ?? 6379}`;
const POOL_SIZE = 10;
const CALLERS = 32;
const TRANSACTIONS_PER_ROUND = 16_000;
const KEYS = 100;

interface Subject {
  transaction(key: string): Promise<unknown>;
  warm(): Promise<unknown>;
  close(): Promise<unknown>;
}

function impl(make: () => Subject): Impl {
  let subject: Subject;
  return {
    async setup() {
      subject = make();
      await subject.warm();
    },
    async run() {
      const latencies: number[] = [];
      let started = 0;
      const caller = async () => {
        while (started < TRANSACTIONS_PER_ROUND) {
          const key = `poolkit-bench:${started++ % KEYS}`;
          const start = performance.now();
          await subject.transaction(key);
          latencies.push(performance.now() - start);
        }
      };
      await Promise.all(Array.from({ length: CALLERS }, caller));
      return { ops: latencies.length, extra: { p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99) } };
    },
    teardown: () => subject.close(),
  };
}

export default defineSuite({
  name: 'redis',
  cases: [
    {
      name: 'multi-c32',
      description: `MULTI INCR EXPIRE EXEC from ${CALLERS} callers through ${POOL_SIZE} connections; ${TRANSACTIONS_PER_ROUND.toLocaleString()} per round`,
      impls: {
        // pool.multi(): blocks pipelined on shared connections (MULTI/EXEC is atomic on the server).
        poolkit: impl(() => {
          const pool = createRedisPool({ client: { url }, max: POOL_SIZE });
          return {
            transaction: (key) => pool.multi((tx) => tx.incr(key).expire(key, 60)),
            warm: () => Promise.all(Array.from({ length: POOL_SIZE }, () => pool.use((redis) => redis.ping()))),
            close: () => pool.close(),
          };
        }),
        // use(): a connection lent exclusively per transaction, as node-redis's pool does.
        'poolkit use()': impl(() => {
          const pool = createRedisPool({ client: { url }, max: POOL_SIZE });
          return {
            transaction: (key) => pool.use((redis) => redis.multi().incr(key).expire(key, 60).exec()),
            warm: () => Promise.all(Array.from({ length: POOL_SIZE }, () => pool.use((redis) => redis.ping()))),
            close: () => pool.close(),
          };
        }),
        'node-redis createClientPool': impl(() => {
          const pool = createClientPool({ url }, { minimum: POOL_SIZE, maximum: POOL_SIZE });
          return {
            transaction: (key) => pool.multi().incr(key).expire(key, 60).exec(),
            warm: () => pool.connect(),
            close: () => pool.close(),
          };
        }),
      },
    },
  ],
});
