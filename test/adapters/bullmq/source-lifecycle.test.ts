import { describe, expect, it } from 'vitest';
import { createBullMQSource } from '../../../src/adapters/bullmq/index.js';
import { startFaultProxy } from '../../../src/testing/fault-proxy.js';
import { requireService, services } from '../../helpers/services.js';
import { blockedFetch, eventually, take, testQueue, withRedis } from './helpers.js';

const up = await requireService('redis');

describe.skipIf(!up)('bullmq source: next(signal), abort and close', () => {
  it('next() resolves undefined as soon as its signal aborts, not after blockSeconds', async () => {
    await using q = testQueue('abort');
    const source = q.source({ blockSeconds: 2 });
    const controller = new AbortController();
    const pending = source.next(controller.signal);
    expect(await blockedFetch(q.name)).toBe(true); // the fetch blocks on Redis for up to 2 s
    const abortedAt = Date.now();
    controller.abort();
    expect(await pending).toBeUndefined();
    expect(Date.now() - abortedAt).toBeLessThan(500);
    expect(await source.next(AbortSignal.abort())).toBeUndefined(); // already aborted: no fetch at all
  });

  it('a job fetched after its next() aborted is given back at once, without counting an attempt', async () => {
    await using q = testQueue('give-back');
    const source = q.source({ blockSeconds: 5 });
    const controller = new AbortController();
    const pending = source.next(controller.signal);
    expect(await blockedFetch(q.name)).toBe(true);
    controller.abort();
    expect(await pending).toBeUndefined();
    const added = await q.queue.add('late', { n: 7 }); // wakes the fetch still blocked on Redis
    const id = added.id as string;
    expect(await eventually(async () => (await (await q.job(id)).getState()) === 'delayed')).toBe(true);
    const job = await q.job(id);
    expect(job.attemptsStarted).toBe(1); // it was fetched...
    expect(job.attemptsMade).toBe(0); // ...and handed back without spending an attempt
    const task = await take(source);
    expect(task.id).toBe(id);
    await task.ack('ok');
  });

  it('concurrent next() calls are served in order by one fetch at a time, each with its own job', async () => {
    await using q = testQueue('concurrent');
    const source = q.source();
    const calls = [1, 2, 3].map(() => source.next(new AbortController().signal));
    await q.queue.addBulk([1, 2, 3].map((n) => ({ name: 'job', data: { n } })));
    const tasks = await Promise.all(calls);
    expect(tasks.map((task) => task?.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    await Promise.all(tasks.map((task) => task?.ack('ok')));
    expect(await q.queue.getJobCounts('completed')).toEqual({ completed: 3 });
  });

  it('a Redis error rejects next(); the next call works again once Redis does', async () => {
    await using q = testQueue('redis-error');
    const wait = `bull:${q.name}:wait`;
    await withRedis((redis) => redis.set(wait, 'not a list'));
    const source = q.source();
    await expect(source.next(new AbortController().signal)).rejects.toThrow(/WRONGTYPE/);
    await withRedis((redis) => redis.del(wait));
    await q.queue.add('a', { n: 1 });
    expect((await take(source)).data).toEqual({ n: 1 });
  });

  it('close() resolves a pending next() at once and every later one; it waits at most about blockSeconds', async () => {
    await using q = testQueue('close');
    const source = q.source({ blockSeconds: 1 });
    const pending = source.next(new AbortController().signal);
    expect(await blockedFetch(q.name)).toBe(true);
    const closedAt = Date.now();
    const closing = source.close();
    expect(await pending).toBeUndefined();
    expect(Date.now() - closedAt).toBeLessThan(100);
    await closing;
    expect(Date.now() - closedAt).toBeLessThan(1_900); // the fetch in flight ends within blockSeconds
    expect(await source.next(new AbortController().signal)).toBeUndefined();
    await source.close(); // idempotent
    // Nothing was left locked: a job added now is for the next consumer.
    await q.queue.add('after', {});
    expect(await q.queue.getJobCounts('wait', 'active')).toEqual({ wait: 1, active: 0 });
  });

  it('a task held across close(): ack rejects instead of hanging, heartbeat rejects with POOLKIT_LOCK_LOST', async () => {
    await using q = testQueue('held');
    await q.queue.add('a', {});
    const source = q.source();
    const task = await take(source);
    await source.close();
    await expect(task.ack(1)).rejects.toThrow();
    await expect(task.heartbeat()).rejects.toMatchObject({ code: 'POOLKIT_LOCK_LOST' });
  });

  it('close() with Redis not answering is bounded: connections are cut after blockSeconds plus a grace', async () => {
    await using q = testQueue('close-blackhole');
    await using proxy = await startFaultProxy({ targetPort: services.redis.port });
    const source = createBullMQSource(q.name, {
      connection: { host: proxy.host, port: proxy.port },
      blockSeconds: 0.5,
    });
    const pending = source.next(new AbortController().signal);
    expect(await blockedFetch(q.name)).toBe(true);
    proxy.blackhole();
    const closedAt = Date.now();
    await source.close();
    expect(await pending).toBeUndefined();
    expect(Date.now() - closedAt).toBeLessThan(3_000);
    expect(await eventually(() => proxy.stats().open === 0)).toBe(true);
  });

  it('while the queue is rate limited, next() waits without starving the event loop', async () => {
    await using q = testQueue('rate-limit');
    await q.queue.add('a', {});
    await q.queue.add('b', {});
    await q.queue.setGlobalRateLimit(1, 1000);
    const source = q.source();
    await (await take(source)).ack(1);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const since = Date.now();
    const second = await take(source); // BullMQ answers "rate limited" at once, without I/O
    clearInterval(timer);
    const waitedMs = Date.now() - since;
    expect(waitedMs).toBeGreaterThan(500);
    expect(ticks).toBeGreaterThan(waitedMs / 10 / 3); // a busy loop would leave timers no turn at all
    await second.ack(2);
  });
});
