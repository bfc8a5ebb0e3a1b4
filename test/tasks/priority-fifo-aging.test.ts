import { describe, expect, it } from 'vitest';
import { createTaskPool } from '../../src/tasks/index.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { flush, gate } from './helpers.js';

describe('TaskPool: queue order', () => {
  it('runs tasks of one priority in submission order (FIFO), option-less and optioned mixed', async () => {
    const pool = createTaskPool({ concurrency: 1 });
    const blocker = gate();
    void pool.run(blocker.fn);
    const order: number[] = [];
    const all: Promise<unknown>[] = [];
    for (let index = 0; index < 20; index++) {
      const fn = async () => {
        order.push(index);
      };
      all.push(index % 3 === 0 ? pool.run(fn, { signal: new AbortController().signal }) : pool.run(fn));
    }
    blocker.open();
    await Promise.all(all);
    expect(order).toEqual(Array.from({ length: 20 }, (_, index) => index));
  });

  it('runs higher priorities first, FIFO within each priority', async () => {
    const clock = new FakeClock();
    const pool = createTaskPool({ concurrency: 1, clock, priorityAgingMs: Number.POSITIVE_INFINITY });
    const blocker = gate();
    void pool.run(blocker.fn);
    const order: string[] = [];
    const all: Promise<unknown>[] = [];
    const add = (name: string, priority: number) => all.push(pool.run(async () => void order.push(name), { priority }));
    add('low1', -1);
    add('mid1', 0);
    add('high1', 5);
    add('mid2', 0);
    add('high2', 5);
    add('low2', -1);
    blocker.open();
    await Promise.all(all);
    expect(order).toEqual(['high1', 'high2', 'mid1', 'mid2', 'low1', 'low2']);
  });

  it('aging lets a long-waiting low-priority task overtake newer high-priority ones', async () => {
    const clock = new FakeClock();
    const pool = createTaskPool({ concurrency: 1, clock, priorityAgingMs: 100 });
    let current = gate();
    void pool.run(current.fn);
    const order: string[] = [];
    void pool.run(async () => void order.push('old-low'), { priority: 0 });
    // A stream of priority-2 tasks keeps arriving; without aging, old-low would starve.
    for (let round = 0; round < 5; round++) {
      await clock.advance(100);
      const next = gate();
      void pool.run(
        async () => {
          order.push(`high${round}`);
          return next.fn(new AbortController().signal);
        },
        { priority: 2 },
      );
      const finishing = current;
      current = next;
      finishing.open();
      await flush();
    }
    current.open();
    await pool.onIdle();
    // old-low waited 300+ ms when the second slot freed: effective priority 0 + 3 > 2.
    expect(order.indexOf('old-low')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('old-low')).toBeLessThan(order.length - 1);
  });

  it('aging never reorders tasks inside one priority', async () => {
    const clock = new FakeClock();
    const pool = createTaskPool({ concurrency: 1, clock, priorityAgingMs: 1 });
    const blocker = gate();
    void pool.run(blocker.fn);
    const order: number[] = [];
    const all: Promise<unknown>[] = [];
    for (let index = 0; index < 10; index++) {
      all.push(pool.run(async () => void order.push(index), { priority: index % 2 }));
      await clock.advance(1);
    }
    await clock.advance(1000);
    blocker.open();
    await Promise.all(all);
    // After long waits all effective priorities are high; ties go to the older task: plain FIFO.
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
