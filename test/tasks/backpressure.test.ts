import { describe, expect, it } from 'vitest';
import { createTaskPool, QueueFullError } from '../../src/index.js';
import { flush, gate, track } from './helpers.js';

describe('TaskPool: backpressure', () => {
  it('maxQueued refuses the task past the limit with QueueFullError', async () => {
    const pool = createTaskPool({ concurrency: 1, maxQueued: 2 });
    const a = gate();
    void pool.run(a.fn);
    const q1 = pool.run(async () => 1);
    const q2 = pool.run(async () => 2);
    await expect(pool.run(async () => 3)).rejects.toBeInstanceOf(QueueFullError);
    expect(() => pool.submit(async () => 4)).toThrow(QueueFullError);
    expect(pool.stats()).toMatchObject({ queued: 2, rejected: 2 });
    a.open();
    await expect(Promise.all([q1, q2])).resolves.toEqual([1, 2]);
  });

  it('waitForRoom resolves when the queue has room again', async () => {
    const pool = createTaskPool({ concurrency: 1, maxQueued: 1 });
    const a = gate();
    void pool.run(a.fn);
    void pool.run(async () => 1);
    const room = track(pool.waitForRoom());
    await flush();
    expect(room.status).toBe('pending');
    a.open();
    await flush();
    expect(room.status).toBe('fulfilled');
  });

  it('a producer awaiting waitForRoom never grows an unbounded queue past concurrency', async () => {
    const pool = createTaskPool({ concurrency: 3 });
    let maxQueued = 0;
    const producer = (async () => {
      for (let index = 0; index < 200; index++) {
        await pool.waitForRoom();
        pool.submit(async () => {
          await Promise.resolve();
        });
        maxQueued = Math.max(maxQueued, pool.queued);
      }
    })();
    await producer;
    await pool.onIdle();
    expect(maxQueued).toBeLessThanOrEqual(3);
    expect(pool.stats().succeeded).toBe(200);
  });

  it('onSizeLessThan, onEmpty and onIdle resolve at the right moments', async () => {
    const pool = createTaskPool({ concurrency: 1 });
    const gates = [gate(), gate(), gate(), gate()];
    for (const g of gates) void pool.run(g.fn);
    const lessThan3 = track(pool.onSizeLessThan(3));
    const empty = track(pool.onEmpty());
    const idle = track(pool.onIdle());
    expect(() => pool.onSizeLessThan(0)).toThrow(/size/);
    await flush();
    expect(lessThan3.status).toBe('pending');
    gates[0]?.open();
    await flush();
    expect(lessThan3.status).toBe('fulfilled'); // 3 queued -> 2
    expect(empty.status).toBe('pending');
    gates[1]?.open();
    gates[2]?.open();
    await flush();
    expect(empty.status).toBe('fulfilled');
    expect(idle.status).toBe('pending');
    gates[3]?.open();
    await flush();
    expect(idle.status).toBe('fulfilled');
  });
});
