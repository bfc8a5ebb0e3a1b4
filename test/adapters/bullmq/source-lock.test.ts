import { describe, expect, it } from 'vitest';
import { createBullMQSource } from '../../../src/adapters/bullmq/index.js';
import { startFaultProxy } from '../../../src/testing/fault-proxy.js';
import { requireService, services } from '../../helpers/services.js';
import { eventually, take, testQueue, withRedis } from './helpers.js';

const up = await requireService('redis');

describe.skipIf(!up)('bullmq source: heartbeat = lock extension', () => {
  it('heartbeats keep a job past its lock duration: another consumer running the stalled check never gets it', async () => {
    await using q = testQueue('heartbeat');
    await q.queue.add('long', {});
    const holder = q.source({ lockDurationMs: 500 });
    const other = q.source({ lockDurationMs: 500 }); // its stalled check runs every 500 ms
    expect(holder.heartbeatMs).toBe(166);
    const task = await take(holder);
    let beats = 0;
    const failures: unknown[] = [];
    const timer = setInterval(() => {
      task.heartbeat().then(
        () => beats++,
        (error: unknown) => failures.push(error),
      );
    }, 150);
    // Three lock durations, three stalled checks at least: the job would have been handed out again.
    const stolen = await other.next(AbortSignal.timeout(1500));
    clearInterval(timer);
    expect(stolen).toBeUndefined();
    expect(failures).toEqual([]);
    expect(beats).toBeGreaterThanOrEqual(7);
    await task.ack('done');
    const job = await q.job(task.id);
    expect(await job.getState()).toBe('completed');
    expect(job.stalledCounter).toBe(0);
  });

  it('without heartbeats the lock is lost: the stalled check hands the job to another consumer, heartbeat and ack reject with POOLKIT_LOCK_LOST', async () => {
    await using q = testQueue('lost');
    await q.queue.add('slow', { n: 1 });
    const holder = q.source({ lockDurationMs: 300, stalledCheck: false });
    const other = q.source({ lockDurationMs: 300 });
    const task = await take(holder);
    const retaken = await take(other); // moved back to wait by other's stalled check once the lock expired
    expect(retaken.id).toBe(task.id);
    expect(retaken.data).toEqual({ n: 1 });

    const lost = await task.heartbeat().catch((e: unknown) => e);
    expect(lost).toMatchObject({ name: 'LockLostError', code: 'POOLKIT_LOCK_LOST', taskId: task.id });
    // BullMQ 6's extendLock does not throw for a lock held by another token: it resolves 0.
    expect(((lost as Error).cause as Error).message).toBe(`BullMQ extendLock returned 0 for job ${task.id}`);
    const ackError = await task.ack('late').catch((e: unknown) => e);
    expect(ackError).toMatchObject({ code: 'POOLKIT_LOCK_LOST' });
    expect((ackError as Error).cause).toMatchObject({ code: -6 }); // BullMQ: lock mismatch

    await retaken.heartbeat();
    await retaken.ack('second');
    const job = await q.job(task.id);
    expect(job.returnvalue).toBe('second');
    expect(job.stalledCounter).toBe(1);
  });

  it('a heartbeat after the lock expired fails even when nobody took the job (it does not revive the lock)', async () => {
    await using q = testQueue('expired');
    await q.queue.add('slow', {});
    const source = q.source({ lockDurationMs: 200, stalledCheck: false });
    const task = await take(source);
    const lockKey = `bull:${q.name}:${task.id}:lock`;
    expect(await withRedis((redis) => redis.exists(lockKey))).toBe(1);
    expect(await withRedis((redis) => eventually(async () => (await redis.exists(lockKey)) === 0))).toBe(true);
    await expect(task.heartbeat()).rejects.toMatchObject({ code: 'POOLKIT_LOCK_LOST' });
    expect(await (await q.job(task.id)).getState()).toBe('active'); // still active: nobody ran the stalled check
  });

  it('a heartbeat with no reply from Redis rejects with POOLKIT_LOCK_LOST within one lock duration', async () => {
    await using q = testQueue('blackhole');
    await using proxy = await startFaultProxy({ targetPort: services.redis.port });
    await q.queue.add('a', {});
    const source = createBullMQSource(q.name, {
      connection: { host: proxy.host, port: proxy.port },
      lockDurationMs: 400,
      stalledCheck: false,
    });
    const task = await source.next(new AbortController().signal);
    proxy.blackhole();
    const error = await task?.heartbeat().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'POOLKIT_LOCK_LOST' });
    expect(((error as Error).cause as Error).message).toBe('No reply within 400 ms');
    await source.close();
  });
});
