import { describe, expect, it } from 'vitest';
import { createThreadPool } from '../../src/threads/index.js';
import { basicPool, channel, closeAndCheck, trackThreads } from './helpers.js';

describe('close and destroy', () => {
  it('close waits for running and queued tasks, then runs teardown in each thread', async () => {
    const events = channel();
    const pool = createThreadPool<typeof import('./fixtures/hooks.js')>({
      module: new URL('./fixtures/hooks.js', import.meta.url),
      minThreads: 1,
      maxThreads: 1,
      workerData: { channel: events.name, greeting: 'hi' },
    });
    expect(await pool.run('readConfig')).toEqual({ channel: events.name, greeting: 'hi' });
    const late = pool.run('readConfig');
    const closed = pool.close();
    expect((await late).greeting).toBe('hi');
    expect(await events.next()).toBe('teardown');
    await closed;
    events.close();
    expect(pool.stats().threads.total).toBe(0);
  });

  it('close with a timeout destroys a pool whose task never ends: every promise settles, no thread left', async () => {
    const pool = basicPool({ abortGraceMs: 10 });
    const log = trackThreads(pool);
    const events = channel();
    const stuck = pool.run('spinForever', events.name);
    expect(await events.next()).toBe('started');
    events.close();
    const queued = pool.run('echo', 'queued behind');
    const outcomes = Promise.allSettled([stuck, queued]);
    await pool.close({ timeoutMs: 20 });
    const [stuckOutcome, queuedOutcome] = await outcomes;
    expect((stuckOutcome as PromiseRejectedResult).reason).toMatchObject({ code: 'POOLKIT_CLOSED' });
    expect(queuedOutcome?.status === 'fulfilled' || queuedOutcome?.reason.code === 'POOLKIT_CLOSED').toBe(true);
    expect(pool.stats().threads.total).toBe(0);
    expect(log.exited.length).toBe(log.started.length);
  });

  it('destroy rejects queued and running tasks with ClosedError and terminates threads', async () => {
    const pool = basicPool({ concurrentTasksPerThread: 1 });
    await pool.run('echo', 0);
    const running = pool.run('waitForAbort', undefined);
    const queued = pool.run('echo', 1);
    const outcomes = Promise.allSettled([running, queued]);
    await pool.destroy();
    for (const outcome of await outcomes) {
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: 'POOLKIT_CLOSED' });
    }
    expect(pool.stats().threads.total).toBe(0);
  });

  it('an unused pool closes at once', async () => {
    await closeAndCheck(basicPool({ minThreads: 0 }));
    await closeAndCheck(basicPool({ minThreads: 1 }));
  });
});
