/**
 * BullMQ suite (needs Redis on 127.0.0.1:6379; see test/helpers/services.ts).
 * - consume-c8: each round adds 2,000 jobs to a BullMQ queue and waits until all are done; the
 *   handler waits 1 ms (a stand-in for an I/O call). poolkit's `pool.consume(createBullMQSource())`
 *   on a TaskPool of 8 against BullMQ's own `Worker` with `concurrency: 8`: jobs/s. Both complete
 *   jobs with `removeOnComplete`, so the queue does not grow between rounds.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker } from 'bullmq';
import { createBullMQSource } from '../dist/adapters/bullmq/index.js';
import { createTaskPool } from '../dist/tasks/index.js';
import { defineSuite, type Impl } from './harness.js';

const connection = { host: process.env.REDIS_HOST ?? '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) };
const JOBS = 2_000;
const CONCURRENCY = 8;

const handler = async (data: { n: number }): Promise<number> => {
  await sleep(1);
  return data.n;
};

/** A consumer that runs for the whole case; `done()` tells how many jobs it has completed. */
interface Subject {
  done(): number;
  close(): Promise<void>;
}

function impl(start: (queueName: string) => Subject): Impl {
  const queueName = `poolkit-bench-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let queue: Queue;
  let subject: Subject;
  return {
    async setup() {
      queue = new Queue(queueName, { connection });
      await queue.obliterate({ force: true });
      subject = start(queueName);
    },
    async run() {
      const target = subject.done() + JOBS;
      await queue.addBulk(
        Array.from({ length: JOBS }, (_, n) => ({ name: 'job', data: { n }, opts: { removeOnComplete: true } })),
      );
      // Polls the consumer's own counter (in process, no Redis call), every millisecond.
      while (subject.done() < target) await sleep(1);
      return JOBS;
    },
    async teardown() {
      await subject.close();
      await queue.obliterate({ force: true });
      await queue.close();
    },
  };
}

export default defineSuite({
  name: 'bullmq',
  cases: [
    {
      name: 'consume-c8',
      description: `${JOBS.toLocaleString()} jobs per round through a BullMQ queue, ${CONCURRENCY} at once, 1 ms handler`,
      rounds: 5,
      impls: {
        poolkit: impl((queueName) => {
          const pool = createTaskPool({ concurrency: CONCURRENCY });
          const source = createBullMQSource<{ n: number }, number>(queueName, { connection });
          const consumer = pool.consume(source, handler);
          return {
            done: () => consumer.stats().acked,
            close: async () => {
              await consumer.stop();
              await source.close();
              await pool.close();
            },
          };
        }),
        'bullmq Worker': impl((queueName) => {
          let completed = 0;
          const worker = new Worker(queueName, (job) => handler(job.data as { n: number }), {
            connection,
            concurrency: CONCURRENCY,
          });
          worker.on('completed', () => {
            completed++;
          });
          return { done: () => completed, close: () => worker.close() };
        }),
      },
    },
  ],
});
