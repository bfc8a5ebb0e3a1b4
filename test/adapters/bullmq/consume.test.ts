import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createTaskPool } from '../../../src/tasks/index.js';
import { requireService } from '../../helpers/services.js';
import { eventually, testQueue } from './helpers.js';

const up = await requireService('redis');

describe.skipIf(!up)('pool.consume() fed by the bullmq source', () => {
  it('runs jobs on a task pool: results complete the jobs, a fatal failure fails one for good', async () => {
    await using q = testQueue('consume');
    await q.queue.addBulk([1, 2, 3, 4, 5, -1].map((n) => ({ name: 'double', data: { n }, opts: { attempts: 3 } })));
    const source = q.source<{ n: number }, number>({ lockDurationMs: 1000 });
    await using pool = createTaskPool({ concurrency: 3 });
    const errors: unknown[] = [];
    let running = 0;
    let peak = 0;
    const consumer = pool.consume(
      source,
      async ({ n }) => {
        peak = Math.max(peak, ++running);
        await delay(20); // some work, so that tasks overlap
        running--;
        if (n < 0) throw new RangeError(`negative: ${n}`);
        return n * 2;
      },
      {
        concurrency: 3,
        nackOptions: (error) => (error instanceof RangeError ? { fatal: true } : undefined),
        onError: (error) => errors.push(error),
      },
    );
    const counts = () => q.queue.getJobCounts('completed', 'failed');
    expect(await eventually(async () => (await counts()).completed === 5 && (await counts()).failed === 1)).toBe(true);
    await consumer.stop();
    await source.close();
    const completed = await q.queue.getJobs(['completed']);
    expect(completed.map((job) => job.returnvalue).sort((a, b) => a - b)).toEqual([2, 4, 6, 8, 10]);
    const [failed] = await q.queue.getJobs(['failed']);
    expect(failed?.failedReason).toBe('negative: -1');
    expect(failed?.attemptsMade).toBe(1); // fatal: 2 attempts left unused
    expect(peak).toBeLessThanOrEqual(3);
    expect(errors).toEqual([]);
    expect(consumer.stats()).toMatchObject({ state: 'stopped', fetched: 6, acked: 5, nacked: 1, lost: 0 });
  });

  it("consume's heartbeats (the source's heartbeatMs) keep a handler longer than the lock from being handed out again", async () => {
    await using q = testQueue('consume-long');
    await q.queue.add('long', { ms: 1000 });
    const source = q.source<{ ms: number }, string>({ lockDurationMs: 300 }); // stalled check every 300 ms
    await using pool = createTaskPool({ concurrency: 2 });
    let runs = 0;
    const consumer = pool.consume(source, async ({ ms }, signal) => {
      runs++;
      await delay(ms, undefined, { signal });
      return 'done';
    });
    const result = async () => (await q.queue.getJobs(['completed']))[0]?.returnvalue;
    expect(await eventually(async () => (await result()) === 'done')).toBe(true);
    await consumer.stop();
    await source.close();
    const [job] = await q.queue.getJobs(['completed']);
    expect(runs).toBe(1);
    expect(job?.stalledCounter).toBe(0);
    expect(job?.attemptsMade).toBe(1);
  });
});
