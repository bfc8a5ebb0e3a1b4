import { describe, expect, it } from 'vitest';
import { basicPool, channel, closeAndCheck } from './helpers.js';

describe('timeouts', () => {
  it('a run timeout aborts the task in its thread and rejects with TaskTimeoutError', async () => {
    const pool = basicPool();
    const events = channel();
    const spinning = pool.run('spinUntilAborted', events.name, { timeoutMs: 30 });
    expect(await events.next()).toBe('started');
    await expect(spinning).rejects.toMatchObject({
      code: 'POOLKIT_TASK_TIMEOUT',
      phase: 'run',
    });
    expect(await events.next()).toBe('stopped');
    events.close();
    await pool.onIdle();
    expect(pool.stats().timedOut).toBe(1);
    await closeAndCheck(pool);
  });

  it('a queue timeout drops a task that never got a thread', async () => {
    const pool = basicPool({ concurrentTasksPerThread: 1 });
    const blocker = new AbortController();
    const running = pool.run('waitForAbort', undefined, { signal: blocker.signal });
    await expect(pool.run('echo', 1, { queueTimeoutMs: 20 })).rejects.toMatchObject({
      code: 'POOLKIT_QUEUE_TIMEOUT',
      phase: 'queue',
    });
    blocker.abort();
    await expect(running).rejects.toBeDefined();
    await closeAndCheck(pool);
  });
});
