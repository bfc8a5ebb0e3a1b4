import { describe, expect, it } from 'vitest';
import { requireService } from '../../helpers/services.js';
import { take, testQueue } from './helpers.js';

const up = await requireService('redis');

describe.skipIf(!up)('bullmq source: ack and nack map onto BullMQ job states', () => {
  it('a task carries the job id and data; ack completes the job with the result', async () => {
    await using q = testQueue('ack');
    const added = await q.queue.add('resize', { width: 640 });
    const source = q.source<{ width: number }, { ok: boolean }>();
    const task = await take(source);
    expect(task.id).toBe(added.id);
    expect(task.data).toEqual({ width: 640 });
    expect(await (await q.job(task.id)).getState()).toBe('active');
    await task.ack({ ok: true });
    const job = await q.job(task.id);
    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue).toEqual({ ok: true });
    expect(job.attemptsMade).toBe(1);
  });

  it('ackAndNext completes the job and takes the next one in the same call; undefined when none is waiting', async () => {
    await using q = testQueue('chain');
    await q.queue.add('a', { n: 1 });
    await q.queue.add('b', { n: 2 });
    const source = q.source<{ n: number }, number>();
    const first = await take(source);
    const second = await first.ackAndNext?.(10);
    expect(second?.data).toEqual({ n: 2 });
    const done = await q.job(first.id);
    expect(await done.getState()).toBe('completed');
    expect(done.returnvalue).toBe(10);
    // The chained task is a full task: locked for this source, heartbeats and acks work.
    expect(await (await q.job(second?.id as string)).getState()).toBe('active');
    await second?.heartbeat();
    expect(await second?.ackAndNext?.(20)).toBeUndefined(); // the queue is empty now
    const last = await q.job(second?.id as string);
    expect(await last.getState()).toBe('completed');
    expect(last.returnvalue).toBe(20);
  });

  it('plain nack: BullMQ applies attempts (2 attempts: retried once, then failed with the message)', async () => {
    await using q = testQueue('nack');
    await q.queue.add('flaky', { n: 1 }, { attempts: 2 });
    const source = q.source();
    const first = await take(source);
    await first.nack(new Error('boom 1'));
    const again = await take(source); // back in wait at once (no backoff): handed out again
    expect(again.id).toBe(first.id);
    expect((await q.job(first.id)).attemptsMade).toBe(1);
    await again.nack(new Error('boom 2'));
    const job = await q.job(first.id);
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(2);
    expect(job.failedReason).toBe('boom 2');
  });

  it('nack with fatal fails the job for good despite attempts left', async () => {
    await using q = testQueue('fatal');
    await q.queue.add('bad-input', {}, { attempts: 5 });
    const task = await take(q.source());
    await task.nack(new TypeError('not a number'), { fatal: true });
    const job = await q.job(task.id);
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toBe('not a number');
    expect(job.stacktrace?.[0]).toContain('TypeError: not a number'); // the handler's stack is kept
  });

  it('nack with retryAfterMs delays the job without counting an attempt', async () => {
    await using q = testQueue('retry-after');
    await q.queue.add('refused', { n: 2 }, { attempts: 1 });
    const source = q.source();
    const task = await take(source);
    const before = Date.now();
    await task.nack(new Error('pool closed'), { retryAfterMs: 300 });
    const delayed = await q.job(task.id);
    expect(await delayed.getState()).toBe('delayed');
    expect(delayed.attemptsMade).toBe(0);
    const again = await take(source); // promoted when due
    expect(Date.now() - before).toBeGreaterThanOrEqual(290);
    expect(again.id).toBe(task.id);
    expect((await q.job(task.id)).attemptsMade).toBe(0);
    await again.ack('done');
    expect(await (await q.job(task.id)).getState()).toBe('completed');
  });

  it('non-Error values given to nack are wrapped in an Error (BullMQ records message and stack)', async () => {
    await using q = testQueue('non-error');
    await q.queue.add('a', {});
    await q.queue.add('b', {});
    await q.queue.add('c', {});
    const source = q.source();
    const tasks = [await take(source), await take(source), await take(source)];
    await tasks[0]?.nack('plain string');
    await tasks[1]?.nack({ status: 503 });
    await tasks[2]?.nack(undefined, { fatal: true });
    const reasons = await Promise.all(tasks.map(async (task) => (await q.job(task.id)).failedReason));
    expect(reasons).toEqual([
      'plain string',
      'Task failed with a non-Error value: {"status":503}',
      'Task failed with a non-Error value: undefined',
    ]);
  });

  it('bad nack options reject with POOLKIT_INVALID_OPTION and leave the job active', async () => {
    await using q = testQueue('nack-options');
    await q.queue.add('a', {});
    const task = await take(q.source());
    await expect(task.nack(new Error('x'), { retryAfterMs: -1 })).rejects.toMatchObject({
      code: 'POOLKIT_INVALID_OPTION',
      option: 'retryAfterMs',
    });
    await expect(task.nack(new Error('x'), { fatal: 'yes' as unknown as boolean })).rejects.toMatchObject({
      code: 'POOLKIT_INVALID_OPTION',
      option: 'fatal',
    });
    expect(await (await q.job(task.id)).getState()).toBe('active');
    await task.ack(undefined);
  });

  it('a second ack of the same task rejects with POOLKIT_LOCK_LOST (cause: BullMQ missing-lock error)', async () => {
    await using q = testQueue('double-ack');
    await q.queue.add('a', {});
    const task = await take(q.source());
    await task.ack(1);
    const error = await task.ack(2).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'POOLKIT_LOCK_LOST', taskId: task.id });
    expect((error as Error).cause).toMatchObject({ code: -2 });
    expect((await q.job(task.id)).returnvalue).toBe(1);
  });
});
