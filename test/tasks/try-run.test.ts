import { describe, expect, it } from 'vitest';
import { createTaskPool, PoolExhaustedError } from '../../src/index.js';
import { flush, gate } from './helpers.js';

describe('TaskPool: tryRun never queues', () => {
  it('runs when a slot is free and rejects with PoolExhaustedError on a full pool', async () => {
    const pool = createTaskPool({ concurrency: 2 });
    const a = gate();
    const b = gate();
    const first = pool.tryRun(a.fn);
    const second = pool.tryRun(b.fn);
    const refused = pool.tryRun(async () => 'never');
    await expect(refused).rejects.toBeInstanceOf(PoolExhaustedError);
    await expect(refused).rejects.toMatchObject({ code: 'POOLKIT_POOL_EXHAUSTED' });
    expect(pool.queued).toBe(0);
    a.open('a');
    await expect(first).resolves.toBe('a');
    await expect(pool.tryRun(async () => 'again')).resolves.toBe('again');
    b.open('b');
    await expect(second).resolves.toBe('b');
    expect(pool.stats()).toMatchObject({ rejected: 1, succeeded: 3 });
  });

  it('refuses while paused or while others wait in the queue', async () => {
    const pool = createTaskPool({ concurrency: 1 });
    const a = gate();
    void pool.run(a.fn);
    void pool.run(async () => 1); // queued
    await expect(pool.tryRun(async () => 2)).rejects.toMatchObject({ code: 'POOLKIT_POOL_EXHAUSTED' });
    a.open();
    await pool.onIdle();
    pool.pause();
    await expect(pool.tryRun(async () => 3)).rejects.toMatchObject({ code: 'POOLKIT_POOL_EXHAUSTED' });
    pool.resume();
    await expect(pool.tryRun(async () => 4)).resolves.toBe(4);
    await flush();
  });
});
