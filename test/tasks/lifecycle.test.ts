import { describe, expect, it } from 'vitest';
import { createTaskPool } from '../../src/tasks/index.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { flush, gate, track } from './helpers.js';

describe('TaskPool: lifecycle', () => {
  it('close and destroy are idempotent: later callers get the same promise', async () => {
    const pool = createTaskPool();
    const g = gate();
    void pool.run(g.fn);
    const first = pool.close();
    expect(pool.close()).toBe(first);
    g.open();
    await first;
    const destroyed = pool.destroy();
    expect(pool.destroy()).toBe(destroyed);
    await destroyed;
    await expect(pool.run(async () => 1)).rejects.toMatchObject({ code: 'POOLKIT_CLOSED' });
  });

  it('close({ timeoutMs }) destroys what is still running when time runs out', async () => {
    const clock = new FakeClock();
    const pool = createTaskPool({ clock, concurrency: 1 });
    const stuck = gate();
    const running = track(pool.run(stuck.fn));
    const queued = track(pool.run(async () => 1));
    const closed = track(pool.close({ timeoutMs: 500 }));
    expect(clock.referencedTimers).toBe(1); // the closing caller waits
    await clock.advance(499);
    expect(closed.status).toBe('pending');
    await clock.advance(1);
    await flush();
    expect(closed.status).toBe('fulfilled');
    expect(running.status).toBe('rejected');
    expect(queued.status).toBe('rejected');
    expect(stuck.signal?.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('await using closes the pool at the end of the scope', async () => {
    let outside: ReturnType<typeof createTaskPool> | undefined;
    {
      await using pool = createTaskPool();
      outside = pool;
      void pool.run(async () => 1);
    }
    expect(outside?.stats().state).toBe('closed');
    expect(outside?.stats().succeeded).toBe(1);
  });

  it('an idle pool holds no referenced timer; a task with a timeout holds one only while it runs', async () => {
    const clock = new FakeClock();
    const pool = createTaskPool({ clock, timeoutMs: 1000 });
    expect(clock.referencedTimers).toBe(0);
    const g = gate();
    const outcome = pool.run(g.fn);
    expect(clock.referencedTimers).toBe(1);
    g.open('done');
    await expect(outcome).resolves.toBe('done');
    await flush();
    expect(clock.referencedTimers).toBe(0);
  });

  it('stats report wait and run time histograms in simulated time', async () => {
    const clock = new FakeClock();
    const pool = createTaskPool({ clock, concurrency: 1 });
    const a = gate();
    void pool.run(a.fn);
    const b = gate();
    const done = pool.run(b.fn);
    await clock.advance(100);
    a.open();
    await flush();
    await clock.advance(40);
    b.open();
    await done;
    const { waitTime, runTime } = pool.stats();
    expect(waitTime.count).toBe(2);
    expect(waitTime.maxMs).toBe(100);
    expect(runTime.count).toBe(2);
    expect(runTime.maxMs).toBe(100);
    expect(runTime.minMs).toBe(40);
  });
});
