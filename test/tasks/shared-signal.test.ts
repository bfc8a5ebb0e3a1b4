import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createTaskPool } from '../../src/tasks/index.js';
import { flush, gate, track } from './helpers.js';

describe('TaskPool: one signal shared by many tasks', () => {
  it('adds one abort listener per signal, not per task, and removes it when the tasks are done', async () => {
    const pool = createTaskPool({ concurrency: 2 });
    const controller = new AbortController();
    const gates = Array.from({ length: 50 }, () => gate());
    const outcomes = gates.map((g) => pool.run(g.fn, { signal: controller.signal }));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    for (const g of gates) g.open('ok');
    await Promise.all(outcomes);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('aborting the shared signal rejects every queued and running task at once', async () => {
    const pool = createTaskPool({ concurrency: 3 });
    const controller = new AbortController();
    const gates = Array.from({ length: 20 }, () => gate());
    const outcomes = gates.map((g) => track(pool.run(g.fn, { signal: controller.signal })));
    const unrelated = gate();
    const other = track(pool.run(unrelated.fn, { signal: new AbortController().signal }));
    const reason = new Error('all of them');
    controller.abort(reason);
    await flush();
    expect(outcomes.every((outcome) => outcome.status === 'rejected' && outcome.error === reason)).toBe(true);
    expect(gates.filter((g) => g.started)).toHaveLength(3);
    expect(gates.filter((g) => g.started).every((g) => g.signal?.aborted)).toBe(true);
    expect(pool.stats()).toMatchObject({ cancelled: 20, queued: 1, abandoned: 3 });
    for (const g of gates) g.open();
    await flush();
    expect(unrelated.started).toBe(true);
    unrelated.open('fine');
    await flush();
    expect(other.value).toBe('fine');
  });
});
