import { describe, expect, it } from 'vitest';
import { createTaskPool } from '../../src/tasks/index.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { codeOf, flush, gate, track } from './helpers.js';

describe('TaskPool: every promise settles exactly once', () => {
  it('resolves and rejects with the handler outcome, sync throws included', async () => {
    const pool = createTaskPool({ concurrency: 2 });
    await expect(pool.run(async () => 42)).resolves.toBe(42);
    await expect(pool.run(() => 7)).resolves.toBe(7);
    await expect(
      pool.run(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await expect(pool.run(async () => Promise.reject(new Error('async')))).rejects.toThrow('async');
    expect(pool.stats()).toMatchObject({ succeeded: 2, failed: 2, running: 0, queued: 0 });
  });

  it('abort while queued rejects at once with signal.reason, and the task never starts', async () => {
    const pool = createTaskPool({ concurrency: 1 });
    const blocker = gate();
    const first = track(pool.run(blocker.fn));
    const controller = new AbortController();
    const queuedGate = gate();
    const queued = track(pool.run(queuedGate.fn, { signal: controller.signal }));
    const reason = new Error('stop');
    controller.abort(reason);
    await flush();
    expect(queued.status).toBe('rejected');
    expect(queued.error).toBe(reason);
    expect(pool.queued).toBe(0);
    blocker.open(1);
    await flush();
    expect(first.status).toBe('fulfilled');
    expect(queuedGate.started).toBe(false);
    expect(pool.stats()).toMatchObject({ cancelled: 1, succeeded: 1 });
  });

  it('abort while running rejects at once, aborts the handler signal, and frees the slot when the handler returns', async () => {
    const pool = createTaskPool({ concurrency: 1 });
    const running = gate();
    const controller = new AbortController();
    const outcome = track(pool.run(running.fn, { signal: controller.signal }));
    const next = gate();
    const nextOutcome = track(pool.run(next.fn));
    controller.abort(new Error('cancel'));
    await flush();
    expect(outcome.status).toBe('rejected');
    expect(running.signal?.aborted).toBe(true);
    expect(pool.stats()).toMatchObject({ running: 1, abandoned: 1, cancelled: 1 });
    expect(next.started).toBe(false); // the slot is busy until the handler returns
    running.open('late');
    await flush();
    expect(next.started).toBe(true);
    next.open(2);
    await flush();
    expect(nextOutcome.status).toBe('fulfilled');
    expect(outcome.status).toBe('rejected'); // still only once
  });

  it('an already aborted signal rejects without running', async () => {
    const pool = createTaskPool({ concurrency: 1 });
    const g = gate();
    const reason = new Error('already');
    await expect(pool.run(g.fn, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(g.started).toBe(false);
  });

  it('queue timeout rejects with QueueTimeoutError (phase queue) and never starts the task', async () => {
    const clock = new FakeClock();
    const pool = createTaskPool({ concurrency: 1, clock });
    const blocker = gate();
    void pool.run(blocker.fn);
    const waiting = gate();
    const outcome = track(pool.run(waiting.fn, { queueTimeoutMs: 100 }));
    const byDeadline = track(pool.run(waiting.fn, { deadline: clock.now() + 50 }));
    expect(clock.referencedTimers).toBe(1); // a waiting caller keeps the process alive
    await clock.advance(60);
    expect(byDeadline.status).toBe('rejected');
    expect(codeOf(byDeadline.error)).toBe('POOLKIT_QUEUE_TIMEOUT');
    expect(outcome.status).toBe('pending');
    await clock.advance(40);
    expect(outcome.status).toBe('rejected');
    expect(codeOf(outcome.error)).toBe('POOLKIT_QUEUE_TIMEOUT');
    expect((outcome.error as { phase: string }).phase).toBe('queue');
    blocker.open();
    await flush();
    expect(waiting.started).toBe(false);
    expect(pool.stats().timedOut).toBe(2);
    expect(clock.referencedTimers).toBe(0);
  });

  it('run timeout starts when the task starts, aborts its signal and rejects with TaskTimeoutError', async () => {
    const clock = new FakeClock();
    const pool = createTaskPool({ concurrency: 1, clock, timeoutMs: 100 });
    const first = gate();
    const firstOutcome = track(pool.run(first.fn));
    const second = gate();
    const secondOutcome = track(pool.run(second.fn));
    await clock.advance(99);
    expect(firstOutcome.status).toBe('pending');
    await clock.advance(1);
    expect(codeOf(firstOutcome.error)).toBe('POOLKIT_TASK_TIMEOUT');
    expect((firstOutcome.error as { phase: string }).phase).toBe('run');
    expect(first.signal?.aborted).toBe(true);
    first.open(); // the handler gives up; the slot frees and the second task starts now
    await flush();
    expect(second.started).toBe(true);
    await clock.advance(99);
    expect(secondOutcome.status).toBe('pending'); // its clock started at its own start
    second.open('ok');
    await flush();
    expect(secondOutcome.value).toBe('ok');
    expect(clock.pendingTimers).toBe(0);
  });

  it('destroy rejects queued and running callers with ClosedError and aborts running signals', async () => {
    const pool = createTaskPool({ concurrency: 1 });
    const running = gate();
    const a = track(pool.run(running.fn));
    const b = track(pool.run(async () => 1));
    const c = track(pool.run(async () => 1, { priority: 5 }));
    await pool.destroy();
    await flush();
    for (const outcome of [a, b, c]) {
      expect(outcome.status).toBe('rejected');
      expect(codeOf(outcome.error)).toBe('POOLKIT_CLOSED');
    }
    expect(running.signal?.aborted).toBe(true);
    running.open(); // a late report changes nothing
    await flush();
    expect(a.status).toBe('rejected');
    expect(pool.stats()).toMatchObject({ running: 0, queued: 0, cancelled: 3, state: 'closed' });
  });

  it('close drains: queued tasks still run, new ones are refused with ClosedError', async () => {
    const pool = createTaskPool({ concurrency: 1 });
    const first = gate();
    const a = track(pool.run(first.fn));
    const b = track(pool.run(async () => 'b'));
    const closed = track(pool.close());
    await expect(pool.run(async () => 1)).rejects.toMatchObject({ code: 'POOLKIT_CLOSED' });
    await flush();
    expect(closed.status).toBe('pending');
    first.open('a');
    await flush();
    expect(a.value).toBe('a');
    expect(b.value).toBe('b');
    expect(closed.status).toBe('fulfilled');
    expect(pool.stats()).toMatchObject({ state: 'closed', rejected: 1, succeeded: 2 });
  });
});
