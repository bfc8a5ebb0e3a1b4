import { describe, expect, it } from 'vitest';
import { basicPool, channel, closeAndCheck, nextExit, trackThreads } from './helpers.js';

describe('cancellation', () => {
  it('removes a queued task at once, without touching the thread', async () => {
    const pool = basicPool({ concurrentTasksPerThread: 1 });
    const controller = new AbortController();
    const blocker = new AbortController();
    await pool.run('echo', 0); // the thread is ready: one slot
    const running = pool.run('waitForAbort', undefined, { signal: blocker.signal });
    const queued = pool.run('echo', 'never', { signal: controller.signal });
    expect(pool.stats().queued).toBe(1);
    controller.abort(new Error('not needed'));
    await expect(queued).rejects.toThrow('not needed');
    expect(pool.stats().queued).toBe(0);
    blocker.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    await closeAndCheck(pool);
  });

  it('synchronous code sees the abort through shared memory and stops (cooperative)', async () => {
    const pool = basicPool();
    const log = trackThreads(pool);
    const controller = new AbortController();
    const events = channel();
    const spinning = pool.run('spinUntilAborted', events.name, { signal: controller.signal });
    expect(await events.next()).toBe('started');
    // The worker is busy in a loop that never yields: only the shared flag can reach it.
    controller.abort(new Error('stop'));
    await expect(spinning).rejects.toThrow('stop');
    expect(await events.next()).toBe('stopped');
    events.close();
    await pool.onIdle(); // the slot frees when the handler returns
    expect(pool.stats().running).toBe(0);
    expect(await pool.run('echo', 'same thread')).toBe('same thread');
    expect(log.exited).toEqual([]); // nothing was terminated
    await closeAndCheck(pool);
  });

  it('an async handler gets the abort reason on its signal', async () => {
    const pool = basicPool();
    const controller = new AbortController();
    const waiting = pool.run('waitForAbort', undefined, { signal: controller.signal });
    await pool.onEmpty();
    controller.abort(new Error('cancelled by caller'));
    await expect(waiting).rejects.toThrow('cancelled by caller');
    await pool.onIdle();
    await closeAndCheck(pool);
  });

  it('terminates a thread that ignores its signal after abortGraceMs, and replaces it (forced)', async () => {
    const pool = basicPool({ abortGraceMs: 20 });
    const log = trackThreads(pool);
    const controller = new AbortController();
    const events = channel();
    const stuck = pool.run('spinForever', events.name, { signal: controller.signal });
    expect(await events.next()).toBe('started');
    events.close();
    const exit = nextExit(pool);
    controller.abort(new Error('give up'));
    await expect(stuck).rejects.toThrow('give up');
    expect((await exit).reason).toBe('abort-grace');
    await pool.onIdle();
    expect(await pool.run('echo', 'replacement')).toBe('replacement');
    await closeAndCheck(pool);
    expect(log.exited.length).toBe(log.started.length);
  });
});
