import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { BullMQTask } from '../../../src/adapters/bullmq/task.js';

const LOCK_MS = 1000;

/** A stand-in for a BullMQ Job whose calls answer as told (the paths a real Redis rarely takes). */
function stubJob(answers: Partial<Record<'extendLock' | 'moveToCompleted', () => Promise<unknown>>>): Job {
  return {
    id: '42',
    data: { n: 1 },
    extendLock: answers.extendLock ?? (async () => 1),
    moveToCompleted: answers.moveToCompleted ?? (async () => undefined),
  } as unknown as Job;
}

function task(job: Job, fetchedSince = Date.now(), closed = false): BullMQTask {
  return new BullMQTask(job, 'token', fetchedSince, LOCK_MS, () => closed);
}

describe('bullmq task: heartbeat and settle errors (stubbed job)', () => {
  it('a Redis error while the lock surely still holds resolves: the next heartbeat tries again', async () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    await expect(task(stubJob({ extendLock: () => Promise.reject(reset) })).heartbeat()).resolves.toBeUndefined();
  });

  it('the same error once the lock may have expired, or after close(), rejects with POOLKIT_LOCK_LOST (cause: the error)', async () => {
    const reset = new Error('read ECONNRESET');
    const job = stubJob({ extendLock: () => Promise.reject(reset) });
    const late = await task(job, Date.now() - LOCK_MS)
      .heartbeat()
      .catch((e: unknown) => e);
    expect(late).toMatchObject({ code: 'POOLKIT_LOCK_LOST', taskId: '42', cause: reset });
    const closed = await task(job, Date.now(), true)
      .heartbeat()
      .catch((e: unknown) => e);
    expect(closed).toMatchObject({ code: 'POOLKIT_LOCK_LOST', cause: reset });
  });

  it('a successful extend moves the lock deadline: a later error within the new lock resolves', async () => {
    let fail = false;
    const job = stubJob({ extendLock: () => (fail ? Promise.reject(new Error('down')) : Promise.resolve(1)) });
    const held = task(job, Date.now() - LOCK_MS + 50); // the first lock is about to end
    await held.heartbeat(); // extended: a full lock from now
    fail = true;
    await expect(held.heartbeat()).resolves.toBeUndefined();
  });

  it('settle errors: BullMQ lock errors become POOLKIT_LOCK_LOST, any other error passes through unchanged', async () => {
    const mismatch = Object.assign(new Error('Lock mismatch for job 42'), { code: -6 });
    const lost = await task(stubJob({ moveToCompleted: () => Promise.reject(mismatch) }))
      .ack(1)
      .catch((e: unknown) => e);
    expect(lost).toMatchObject({ code: 'POOLKIT_LOCK_LOST', cause: mismatch });
    const circular = new TypeError('Converting circular structure to JSON');
    const passed = await task(stubJob({ moveToCompleted: () => Promise.reject(circular) }))
      .ack(1)
      .catch((e: unknown) => e);
    expect(passed).toBe(circular);
  });
});
