import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/resource/index.js';
import { testFactory } from './helpers.js';

describe('maxWaiting', () => {
  it('refuses at once with POOLKIT_QUEUE_FULL once the queue is at its limit', async () => {
    const pool = createPool(testFactory().factory, { max: 1, maxWaiting: 2 });
    const held = await pool.acquire();
    const queued = [pool.acquire(), pool.acquire()];
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'POOLKIT_QUEUE_FULL' });
    expect(pool.stats()).toMatchObject({ waiting: 2, rejected: 1 });
    held.release();
    const first = await queued[0];
    first?.release();
    const second = await queued[1];
    second?.release();
    await pool.close();
  });

  it('maxWaiting 0 means never wait', async () => {
    const pool = createPool(testFactory({ mode: 'manual' }).factory, { maxWaiting: 0 });
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'POOLKIT_QUEUE_FULL' });
    await pool.destroy();
  });
});
