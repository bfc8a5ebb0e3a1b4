/**
 * A `TaskSource` (from `poolkit/tasks`) fed by a BullMQ queue on Redis, for `pool.consume(source, fn)`: the same
 * handlers run on local calls or on jobs shared by many machines. Needs the optional peer
 * dependency `bullmq` (6, tested with 6.7, with `ioredis`; loaded on the first `next()`; importing this module does not
 * load it).
 *
 * ```ts
 * import { createBullMQSource } from 'poolkit/bullmq';
 * import { createTaskPool } from 'poolkit/tasks';
 *
 * const source = createBullMQSource<{ url: string }, number>('crawl', { connection: { host: '127.0.0.1' } });
 * const pool = createTaskPool({ concurrency: 8 });
 * const consumer = pool.consume(source, async ({ url }, signal) => (await fetch(url, { signal })).status);
 * // on shutdown:
 * await consumer.stop();
 * await source.close();
 * await pool.close();
 * ```
 *
 * @module poolkit/bullmq
 */
export { BullMQSource, type BullMQSourceOptions, createBullMQSource } from './source.js';
