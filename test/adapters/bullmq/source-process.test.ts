import { describe, expect, it } from 'vitest';
import { runScript } from '../../helpers/run-script.js';
import { requireService, services } from '../../helpers/services.js';

const up = await requireService('redis');
describe('bullmq source in a process of its own', () => {
  it.skipIf(!up)(
    'after close() nothing keeps the process alive (no timer, no connection), also with a next() pending at close',
    async () => {
      const { code, output } = await runScript(`
      import { Queue } from 'bullmq';
      import { createBullMQSource } from './src/adapters/bullmq/index.ts';
      const connection = { host: '${services.redis.host}', port: ${services.redis.port} };
      const name = 'poolkit-test-exit-' + Math.random().toString(36).slice(2, 10);
      const queue = new Queue(name, { connection });
      await queue.add('a', { n: 1 });
      const source = createBullMQSource(name, { connection, lockDurationMs: 1000 });
      const task = await source.next(new AbortController().signal);
      await task.heartbeat();
      await task.ack(task.data.n + 1);
      const pending = source.next(new AbortController().signal);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await source.close();
      const job = await queue.getJob(task.id);
      console.log(JSON.stringify({ pendingResolvedUndefined: (await pending) === undefined, state: await job.getState(), result: job.returnvalue }));
      await queue.obliterate({ force: true });
      await queue.close();
    `);
      expect(code).toBe(0);
      expect(JSON.parse(output)).toEqual({ pendingResolvedUndefined: true, state: 'completed', result: 2 });
    },
  );
});
