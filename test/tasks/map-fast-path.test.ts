/**
 * TaskPool.map's fast path (items run on slots claimed from the core, no task record): it must
 * keep every rule of the ordinary path (the pool's limit, queue order, stats, events, pause,
 * close, destroy, run timeouts).
 */
import { describe, expect, it } from 'vitest';
import { createTaskPool } from '../../src/tasks/index.js';
import { flush, gate } from './helpers.js';

/** Drains a map into an array, or returns the error it threw. */
async function collect<T>(iterable: AsyncIterable<T>): Promise<T[] | { error: unknown }> {
  const out: T[] = [];
  try {
    for await (const value of iterable) out.push(value);
  } catch (error) {
    return { error };
  }
  return out;
}

describe('TaskPool: map fast path', () => {
  it('counts every item in the stats like an ordinary task', async () => {
    const pool = createTaskPool({ concurrency: 4 });
    const out = await collect(pool.map([1, 2, 3, 4, 5, 6, 7], async (item) => item * 2));
    expect(out).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(pool.stats()).toMatchObject({ submitted: 7, succeeded: 7, failed: 0, running: 0, abandoned: 0 });
    expect(pool.stats().runTime.count).toBe(7);
    expect(pool.stats().waitTime.count).toBe(7);
  });

  it('shares the pool limit with run(), and items queue behind tasks queued before them', async () => {
    const pool = createTaskPool({ concurrency: 2 });
    const blocker = gate();
    const held = pool.run(blocker.fn);
    const items = { m1: gate<string>(), m2: gate<string>(), m3: gate<string>() };
    const mapped = collect(
      pool.map(['m1', 'm2', 'm3'] as const, (item, signal) => items[item].fn(signal), { concurrency: 3 }),
    );
    await flush();
    // One slot is held by the blocker: m1 runs, m2 and m3 wait in the pool's queue.
    expect(pool.stats()).toMatchObject({ running: 2, queued: 2 });
    expect([items.m1.started, items.m2.started, items.m3.started]).toEqual([true, false, false]);
    const r1 = gate<string>();
    const queuedRun = pool.run(r1.fn);
    expect(pool.queued).toBe(3);
    items.m1.open('m1');
    await flush();
    expect([items.m2.started, items.m3.started, r1.started]).toEqual([true, false, false]);
    blocker.open();
    await flush();
    expect([items.m3.started, r1.started]).toEqual([true, false]);
    items.m2.open('m2');
    await flush();
    expect(r1.started).toBe(true);
    expect(pool.running).toBe(2);
    items.m3.open('m3');
    r1.open('r1');
    expect(await mapped).toEqual(['m1', 'm2', 'm3']);
    expect(await queuedRun).toBe('r1');
    await held;
    expect(pool.stats()).toMatchObject({ submitted: 5, succeeded: 5, running: 0, queued: 0 });
  });

  it('a sync throw or a rejection from the item function stops the map with that error', async () => {
    const pool = createTaskPool({ concurrency: 4 });
    const boom = new Error('boom');
    const thrown = await collect(
      pool.map([1, 2, 3], (item) => {
        if (item === 2) throw boom;
        return item;
      }),
    );
    expect(thrown).toEqual({ error: boom });
    const rejected = await collect(pool.map([1, 2, 3], async (item) => (item === 3 ? Promise.reject(boom) : item)));
    expect(rejected).toEqual({ error: boom });
    await pool.onIdle();
    expect(pool.stats()).toMatchObject({ running: 0, abandoned: 0 });
    expect(pool.stats().failed).toBeGreaterThanOrEqual(2);
  });

  it('destroy() aborts running items, stops the map with ClosedError and settles the counters', async () => {
    const pool = createTaskPool({ concurrency: 4 });
    const gates = Array.from({ length: 3 }, () => gate<number>());
    const mapped = collect(pool.map([0, 1, 2], (item, signal) => gates[item]?.fn(signal) as Promise<number>));
    await flush();
    expect(pool.running).toBe(3);
    const destroyed = pool.destroy();
    expect(gates.every((g) => g.signal?.aborted)).toBe(true);
    expect(await mapped).toMatchObject({ error: { code: 'POOLKIT_CLOSED' } });
    expect(pool.stats()).toMatchObject({ cancelled: 3, abandoned: 3, running: 3 });
    for (const g of gates) g.open(1);
    await destroyed;
    await flush();
    expect(pool.stats()).toMatchObject({ cancelled: 3, abandoned: 0, running: 0, succeeded: 0 });
  });

  it('close() refuses the next item, which stops the map as on the ordinary path', async () => {
    const pool = createTaskPool({ concurrency: 2 });
    const gates = Array.from({ length: 4 }, () => gate<number>());
    const mapped = collect(
      pool.map([0, 1, 2, 3], (item, signal) => gates[item]?.fn(signal) as Promise<number>, { concurrency: 2 }),
    );
    await flush();
    const closed = pool.close();
    let isClosed = false;
    void closed.then(() => {
      isClosed = true;
    });
    gates[0]?.open(0);
    gates[1]?.open(1);
    expect(await mapped).toMatchObject({ error: { code: 'POOLKIT_CLOSED' } });
    await closed;
    expect(isClosed).toBe(true);
    // Item 0 finished; item 2 was refused, so the map stopped and gave up item 1 (then running).
    expect(gates[2]?.started).toBe(false);
    expect(pool.stats()).toMatchObject({ succeeded: 1, cancelled: 1, rejected: 1, running: 0, abandoned: 0 });
  });

  it('a paused pool queues map items instead of running them', async () => {
    const pool = createTaskPool({ concurrency: 4 });
    pool.pause();
    let started = 0;
    const mapped = collect(
      pool.map([1, 2, 3], async (item) => {
        started++;
        return item;
      }),
    );
    await flush();
    expect(started).toBe(0);
    expect(pool.queued).toBe(3);
    pool.resume();
    expect(await mapped).toEqual([1, 2, 3]);
  });

  it('items of a pool with task event listeners or a run timeout take the ordinary path', async () => {
    const pool = createTaskPool({ concurrency: 2 });
    const started: number[] = [];
    const off = pool.on('taskStarted', ({ taskId }) => started.push(taskId));
    expect(await collect(pool.map([1, 2, 3], async (item) => item))).toEqual([1, 2, 3]);
    off();
    expect(started).toHaveLength(3);

    const timed = createTaskPool({ concurrency: 2, timeoutMs: 20 });
    const out = await collect(
      timed.map(
        [1, 2],
        (_item, signal) =>
          new Promise((_resolve, reject) => {
            signal.addEventListener('abort', () => reject(signal.reason));
          }),
      ),
    );
    expect(out).toMatchObject({ error: { code: 'POOLKIT_TASK_TIMEOUT' } });
    await timed.destroy();
  });

  it('breaking out of the loop gives up running items; the pool counts them when they end', async () => {
    const pool = createTaskPool({ concurrency: 4 });
    const gates = Array.from({ length: 3 }, () => gate<number>());
    gates[0]?.open(0);
    for await (const value of pool.map([0, 1, 2], (item, signal) => gates[item]?.fn(signal) as Promise<number>)) {
      expect(value).toBe(0);
      break;
    }
    expect(gates[1]?.signal?.aborted).toBe(true);
    expect(pool.stats()).toMatchObject({ abandoned: 2, cancelled: 2 });
    gates[1]?.open(1);
    gates[2]?.open(2);
    await pool.onIdle();
    expect(pool.stats()).toMatchObject({ abandoned: 0, running: 0, succeeded: 1, cancelled: 2 });
  });
});
