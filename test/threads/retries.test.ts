import { describe, expect, it } from 'vitest';
import { createThreadPool } from '../../src/threads/index.js';
import { closeAndCheck, trackThreads } from './helpers.js';

const flakyModule = new URL('./fixtures/flaky.js', import.meta.url);
type Flaky = typeof import('./fixtures/flaky.js');

describe('retries and quarantine', () => {
  it('an idempotent task is retried on a new thread when its thread dies', async () => {
    const pool = createThreadPool<Flaky>({ module: flakyModule, minThreads: 1, maxThreads: 1 });
    const counter = new SharedArrayBuffer(4);
    expect(await pool.run('crashFirstTimes', { counter, crashes: 1 }, { retries: 1 })).toBe(2);
    expect(pool.stats().lifetime.retried).toBe(1);
    await closeAndCheck(pool);
  });

  it('without retries the task fails with the first death', async () => {
    const pool = createThreadPool<Flaky>({ module: flakyModule, minThreads: 1, maxThreads: 1 });
    const counter = new SharedArrayBuffer(4);
    await expect(pool.run('crashFirstTimes', { counter, crashes: 1 })).rejects.toMatchObject({
      code: 'POOLKIT_WORKER_EXITED',
      exitCode: 7,
      attempts: 1,
      quarantined: false,
    });
    await closeAndCheck(pool);
  });

  it('a task that kills quarantineAfterKills threads is rejected, whatever its retries', async () => {
    const pool = createThreadPool<Flaky>({
      module: flakyModule,
      minThreads: 1,
      maxThreads: 1,
      retries: 10,
      quarantineAfterKills: 2,
    });
    const log = trackThreads(pool);
    const counter = new SharedArrayBuffer(4);
    await expect(pool.run('crashFirstTimes', { counter, crashes: 100 })).rejects.toMatchObject({
      code: 'POOLKIT_WORKER_EXITED',
      attempts: 2,
      quarantined: true,
    });
    expect(new Int32Array(counter)[0]).toBe(2);
    expect(pool.stats().lifetime.quarantined).toBe(1);
    await closeAndCheck(pool);
    expect(log.exited.filter((exit) => exit.reason === 'crashed')).toHaveLength(2);
  });
});
