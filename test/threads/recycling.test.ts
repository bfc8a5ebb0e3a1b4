import { describe, expect, it } from 'vitest';
import { basicPool, closeAndCheck, nextExit, trackThreads } from './helpers.js';

describe('recycling', () => {
  it('replaces a thread after recycleAfterTasks tasks', async () => {
    const pool = basicPool({ recycleAfterTasks: 3 });
    const log = trackThreads(pool);
    const first = await pool.run('whoami');
    expect(await pool.run('whoami')).toBe(first);
    const exit = nextExit(pool);
    expect(await pool.run('whoami')).toBe(first);
    expect((await exit).reason).toBe('recycled');
    const next = await pool.run('whoami');
    expect(next).not.toBe(first);
    expect(pool.stats().lifetime.recycled).toBe(1);
    await closeAndCheck(pool);
    expect(log.exited.length).toBe(log.started.length);
  });

  it('replaces a thread whose heap grew past recycleAboveHeapMb', async () => {
    const pool = basicPool({ recycleAboveHeapMb: 24 });
    const first = await pool.run('whoami');
    const exit = nextExit(pool);
    await pool.run('grow', 32);
    expect((await exit).reason).toBe('recycled');
    expect(await pool.run('whoami')).not.toBe(first);
    await closeAndCheck(pool);
  });
});
