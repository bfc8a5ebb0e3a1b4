import { describe, expect, it } from 'vitest';
import { basicPool, closeAndCheck, nextExit, trackThreads } from './helpers.js';

describe('a thread that dies under its tasks', () => {
  it('process.exit rejects the task with WorkerExitedError (exit code, task id) and is replaced', async () => {
    const pool = basicPool();
    const log = trackThreads(pool);
    const exit = nextExit(pool);
    const error = (await pool.run('exit', 3).catch((e: unknown) => e)) as Error & Record<string, unknown>;
    expect(error.name).toBe('WorkerExitedError');
    expect(error.code).toBe('POOLKIT_WORKER_EXITED');
    expect(error.exitCode).toBe(3);
    expect(typeof error.taskId).toBe('number');
    expect((await exit).reason).toBe('crashed');
    expect(await pool.run('echo', 'after')).toBe('after');
    expect(pool.stats().lifetime.crashed).toBe(1);
    await closeAndCheck(pool);
    expect(log.exited.length).toBe(log.started.length);
  });

  it('an uncaught error rejects every task running on that thread, with the error as cause', async () => {
    const pool = basicPool({ concurrentTasksPerThread: 4 });
    await pool.run('echo', 0);
    const pending = pool.run('waitForAbort', undefined);
    const crash = pool.run('crashAsync');
    const [first, second] = await Promise.allSettled([pending, crash]);
    for (const outcome of [first, second]) {
      expect(outcome?.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason as Error & Record<string, unknown>;
      expect(reason.code).toBe('POOLKIT_WORKER_EXITED');
      expect((reason.cause as Error).message).toBe('uncaught in worker');
    }
    expect(await pool.run('echo', 'alive')).toBe('alive');
    await closeAndCheck(pool);
  });

  it('a thread over its resourceLimits dies; the task rejects and the pool carries on', async () => {
    const pool = basicPool({ resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 } });
    const error = (await pool.run('exhaustMemory').catch((e: unknown) => e)) as Error & Record<string, unknown>;
    expect(error.code).toBe('POOLKIT_WORKER_EXITED');
    expect((error.cause as { code?: string }).code).toBe('ERR_WORKER_OUT_OF_MEMORY');
    expect(await pool.run('add', { a: 1, b: 2 })).toBe(3);
    await closeAndCheck(pool);
  });
});
