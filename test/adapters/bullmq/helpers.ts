import { randomUUID } from 'node:crypto';
import { type Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { type BullMQSource, type BullMQSourceOptions, createBullMQSource } from '../../../src/adapters/bullmq/index.js';
import type { SourcedTask } from '../../../src/tasks/index.js';
import { services } from '../../helpers/services.js';

export const connection = { host: services.redis.host, port: services.redis.port };

/** A queue of its own for one test (name unique, keys under the default `bull` prefix). */
export interface TestQueue extends AsyncDisposable {
  readonly name: string;
  readonly queue: Queue;
  /** A source on this queue; closed with the queue. */
  source<T = unknown, R = unknown>(options?: Omit<BullMQSourceOptions, 'connection'>): BullMQSource<T, R>;
  /** The job as stored now. */
  job(id: string): Promise<Job>;
}

/** Creates a queue for one test; `await using` obliterates it and closes it and its sources. */
export function testQueue(label: string): TestQueue {
  const name = `poolkit-test-${label}-${randomUUID().slice(0, 8)}`;
  const queue = new Queue(name, { connection });
  const sources: BullMQSource<unknown, unknown>[] = [];
  return {
    name,
    queue,
    source<T, R>(options: Omit<BullMQSourceOptions, 'connection'> = {}) {
      const source = createBullMQSource<T, R>(name, { connection, ...options });
      sources.push(source as BullMQSource<unknown, unknown>);
      return source;
    },
    async job(id) {
      const job = await queue.getJob(id);
      expect(job, `job ${id} exists`).toBeDefined();
      return job as Job;
    },
    async [Symbol.asyncDispose]() {
      await Promise.all(sources.map((source) => source.close()));
      await queue.obliterate({ force: true });
      await queue.close();
    },
  };
}

/** `next()` with a signal that never aborts: the test expects a job to be there or to come. */
export async function take<T, R>(source: BullMQSource<T, R>): Promise<SourcedTask<T, R>> {
  const task = await source.next(new AbortController().signal);
  expect(task, 'a task').toBeDefined();
  return task as SourcedTask<T, R>;
}

/** Polls `check` up to `tries` times, 10 ms apart (a bounded poll for a server-side condition). */
export async function eventually(check: () => Promise<boolean> | boolean, tries = 500): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

/** Runs `fn` with a short-lived ioredis client of the test's own (not a source's). */
export async function withRedis<R>(fn: (redis: Redis) => Promise<R>): Promise<R> {
  const redis = new Redis({ ...connection, lazyConnect: true });
  await redis.connect();
  try {
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

/** True once a source's blocking connection for `queueName` waits in BZPOPMIN (BullMQ names it `bull:<base64 name>`). */
export function blockedFetch(queueName: string): Promise<boolean> {
  const name = `bull:${Buffer.from(queueName).toString('base64')}`;
  return withRedis((redis) =>
    eventually(async () => {
      const list = (await redis.client('LIST')) as string;
      return list.split('\n').some((line) => line.includes(` name=${name} `) && line.includes(' cmd=bzpopmin'));
    }),
  );
}
