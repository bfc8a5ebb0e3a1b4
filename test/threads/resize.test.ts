import { describe, expect, it } from 'vitest';
import { basicPool, closeAndCheck, nextExit, until } from './helpers.js';

describe('resize', () => {
  it('shrinks by retiring idle threads and grows again on demand', async () => {
    const pool = basicPool({ minThreads: 2, maxThreads: 2 });
    await Promise.all([pool.run('echo', 1), pool.run('echo', 2)]);
    await until(() => pool.stats().threads.idle === 2);
    const exit = nextExit(pool);
    pool.resize(1);
    expect((await exit).reason).toBe('resized');
    expect(pool.stats().threads.total).toBe(1);
    pool.resize(2, 2);
    expect(pool.stats().threads.total).toBe(2);
    expect(await pool.run('echo', 'ok')).toBe('ok');
    expect(() => pool.resize(0)).toThrow(/maxThreads/);
    await closeAndCheck(pool);
  });
});
