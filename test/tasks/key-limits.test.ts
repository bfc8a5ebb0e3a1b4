import { describe, expect, it } from 'vitest';
import { createTaskPool } from '../../src/tasks/index.js';
import { flush, gate } from './helpers.js';

describe('TaskPool: per-key concurrency', () => {
  it('limits running tasks per key without blocking other keys behind them', async () => {
    const pool = createTaskPool({ concurrency: 4, keyConcurrency: 1 });
    const a1 = gate();
    const a2 = gate();
    const b1 = gate();
    const none = gate();
    const all = [
      pool.run(a1.fn, { key: 'a' }),
      pool.run(a2.fn, { key: 'a' }),
      pool.run(b1.fn, { key: 'b' }),
      pool.run(none.fn),
    ];
    expect(a1.started).toBe(true);
    expect(a2.started).toBe(false); // parked behind a1
    expect(b1.started).toBe(true); // not blocked by the parked a2
    expect(none.started).toBe(true);
    expect(pool.stats()).toMatchObject({ running: 3, queued: 1 });
    a1.open();
    await flush();
    expect(a2.started).toBe(true);
    a2.open();
    b1.open();
    none.open();
    await Promise.all(all);
  });

  it('keeps FIFO within a key and lets a parked task be aborted in O(1)', async () => {
    const pool = createTaskPool({ concurrency: 2, keyConcurrency: 1 });
    const order: number[] = [];
    const first = gate();
    void pool.run(first.fn, { key: 'k' });
    const controller = new AbortController();
    const aborted = pool.run(async () => void order.push(-1), { key: 'k', signal: controller.signal });
    const rest = [1, 2, 3].map((index) => pool.run(async () => void order.push(index), { key: 'k' }));
    controller.abort(new Error('x'));
    await expect(aborted).rejects.toThrow('x');
    first.open();
    await Promise.all(rest);
    expect(order).toEqual([1, 2, 3]);
    expect(pool.stats()).toMatchObject({ queued: 0, running: 0, cancelled: 1 });
  });
});
