import { describe, expect, it } from 'vitest';
import { createTaskPool } from '../../src/tasks/index.js';
import { flush, gate, track } from './helpers.js';

describe('TaskPool: groups', () => {
  it('wait() resolves when every task of the group has settled', async () => {
    const pool = createTaskPool({ concurrency: 2 });
    const group = pool.group();
    const gates = [gate(), gate(), gate()];
    for (const g of gates) group.submit(g.fn);
    const waited = track(group.wait());
    expect(group.pending).toBe(3);
    gates[0]?.open();
    gates[1]?.open();
    await flush();
    expect(waited.status).toBe('pending');
    gates[2]?.open();
    await flush();
    expect(waited.status).toBe('fulfilled');
  });

  it('failFast: the first error aborts queued and running tasks and wait() rejects with it', async () => {
    const pool = createTaskPool({ concurrency: 2 });
    const group = pool.group({ failFast: true });
    const running = gate();
    const failing = gate();
    const queued = gate();
    const runningOutcome = track(group.run(running.fn));
    const failingOutcome = track(group.run(failing.fn));
    const queuedOutcome = track(group.run(queued.fn));
    const boom = new Error('boom');
    failing.fail(boom);
    await flush();
    expect(running.signal?.aborted).toBe(true);
    expect(runningOutcome.status).toBe('rejected');
    expect(queuedOutcome.status).toBe('rejected');
    expect(queued.started).toBe(false);
    expect(group.signal.aborted).toBe(true);
    expect(failingOutcome.error).toBe(boom); // the failing task's caller sees its own error
    running.open();
    await expect(group.wait()).rejects.toBe(boom);
    // A task outside the group is not affected.
    await expect(pool.run(async () => 'free')).resolves.toBe('free');
  });

  it('without failFast the others finish and wait() still reports the first error', async () => {
    const pool = createTaskPool({ concurrency: 4 });
    const group = pool.group({ failFast: false });
    const other = gate();
    const otherOutcome = track(group.run(other.fn));
    group.submit(async () => {
      throw new Error('first');
    });
    group.submit(async () => {
      throw new Error('second');
    });
    await flush();
    expect(other.signal?.aborted).toBe(false);
    other.open('ok');
    await expect(group.wait()).rejects.toThrow('first');
    expect(otherOutcome.value).toBe('ok');
  });

  it('cancel() and an outer signal abort the whole group', async () => {
    const pool = createTaskPool({ concurrency: 1 });
    const controller = new AbortController();
    const group = pool.group({ signal: controller.signal });
    const a = gate();
    group.submit(a.fn);
    group.submit(async () => 1);
    const reason = new Error('outer');
    controller.abort(reason);
    expect(a.signal?.aborted).toBe(true);
    a.open();
    await expect(group.wait()).rejects.toBe(reason);
    const second = pool.group();
    second.submit(() => new Promise(() => {}));
    second.cancel();
    await expect(second.wait()).rejects.toMatchObject({ code: 'POOLKIT_ABORTED' });
  });
});
