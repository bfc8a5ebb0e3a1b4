import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/resource/index.js';
import { testFactory } from './helpers.js';

describe('priority lanes', () => {
  it('serve higher priorities first, FIFO within a lane', async () => {
    const pool = createPool(testFactory().factory, { max: 1 });
    const held = await pool.acquire();
    const order: string[] = [];
    const enqueue = (name: string, priority: number) =>
      pool.acquire({ priority }).then((lease) => {
        order.push(name);
        lease.release();
      });
    const all = [
      enqueue('low-1', -1),
      enqueue('normal-1', 0),
      enqueue('high-1', 5),
      enqueue('normal-2', 0),
      enqueue('high-2', 5),
    ];
    held.release();
    await Promise.all(all);
    expect(order).toEqual(['high-1', 'high-2', 'normal-1', 'normal-2', 'low-1']);
    await pool.close();
  });

  it('rejects a non-integer priority', async () => {
    const pool = createPool(testFactory().factory);
    await expect(pool.acquire({ priority: 1.5 })).rejects.toMatchObject({ code: 'POOLKIT_INVALID_OPTION' });
    await pool.close();
  });
});
