import { describe, expect, it } from 'vitest';
import { createTaskPool } from '../../src/tasks/index.js';
import { flush, gate } from './helpers.js';

describe('TaskPool: resize and pause under load', () => {
  it('resize up starts queued tasks at once; resize down lets running ones finish first', async () => {
    const pool = createTaskPool({ concurrency: 2 });
    const gates = Array.from({ length: 8 }, () => gate());
    const done = gates.map((g) => pool.run(g.fn));
    expect(pool.running).toBe(2);
    pool.resize(5);
    expect(pool.running).toBe(5);
    expect(pool.concurrency).toBe(5);
    pool.resize(1);
    expect(pool.running).toBe(5); // nobody is interrupted
    for (const g of gates.slice(0, 5)) g.open();
    await flush();
    expect(pool.running).toBe(1); // only one starts under the new limit
    expect(gates.filter((g) => g.started).length).toBe(6);
    for (const g of gates.slice(5)) g.open();
    await Promise.all(done);
    expect(gates.every((g) => g.started)).toBe(true);
    expect(() => pool.resize(0)).toThrow(/concurrency/);
    expect(() => pool.resize(1.5)).toThrow(/concurrency/);
  });

  it('never runs more than concurrency while resized repeatedly', async () => {
    const pool = createTaskPool({ concurrency: 3 });
    let running = 0;
    let violations = 0;
    let limit = 3;
    const tasks: Promise<unknown>[] = [];
    for (let index = 0; index < 300; index++) {
      tasks.push(
        pool.run(async () => {
          running++;
          if (running > limit) violations++;
          await Promise.resolve();
          running--;
        }),
      );
      if (index % 37 === 0) {
        limit = 1 + (index % 5);
        pool.resize(limit);
        // After a resize down the running ones may exceed the new limit until they finish.
        if (running > limit) limit = running;
      }
    }
    await Promise.all(tasks);
    expect(violations).toBe(0);
  });

  it('pause stops starting tasks; resume starts them; running tasks are untouched', async () => {
    const pool = createTaskPool({ concurrency: 2 });
    const a = gate();
    void pool.run(a.fn);
    pool.pause();
    expect(pool.isPaused).toBe(true);
    const b = gate();
    const c = gate();
    void pool.run(b.fn);
    void pool.run(c.fn);
    await flush();
    expect(b.started).toBe(false);
    expect(pool.stats()).toMatchObject({ paused: true, running: 1, queued: 2 });
    a.open();
    await flush();
    expect(b.started).toBe(false);
    pool.resume();
    expect(b.started).toBe(true);
    expect(c.started).toBe(true);
    b.open();
    c.open();
    await pool.onIdle();
  });

  it('close resumes a paused pool so the queue drains', async () => {
    const pool = createTaskPool({ concurrency: 1 });
    pool.pause();
    const result = pool.run(async () => 'ran');
    await pool.close();
    await expect(result).resolves.toBe('ran');
  });
});
