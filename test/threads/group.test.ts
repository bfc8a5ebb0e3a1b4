import { describe, expect, expectTypeOf, it } from 'vitest';
import { gates } from './gates.js';
import { basicPool, closeAndCheck, trackThreads } from './helpers.js';

describe.each([
  ['threads', false],
  ['inline', true],
])('ThreadPool.group (%s)', (_mode, inline) => {
  it('failFast: the first error aborts running and queued siblings; wait() rejects with it', async () => {
    // One thread holding two tasks at once: the third task of the group has to queue.
    const pool = basicPool({ inline, concurrentTasksPerThread: 2 });
    const gate = gates();
    const group = pool.group();
    const running = group.run('gated', gate.item(0));
    const failing = group.run('gated', gate.item(1));
    const queued = group.run('gated', gate.item(2));
    expectTypeOf(running).toEqualTypeOf<Promise<number>>();
    await Promise.all([gate.waitFor('started:0'), gate.waitFor('started:1')]);
    expect([group.pending, pool.running, pool.queued]).toEqual([3, 2, 1]);
    gate.fail(1);
    await expect(failing).rejects.toThrow('failed 1'); // its caller sees its own error
    await expect(running).rejects.toMatchObject({ code: 'POOLKIT_ABORTED' });
    await expect(queued).rejects.toMatchObject({ code: 'POOLKIT_ABORTED' });
    await expect(group.wait()).rejects.toThrow('failed 1');
    expect(group.signal.aborted).toBe(true);
    await gate.waitFor('aborted:0');
    await pool.onIdle();
    expect(gate.seen).not.toContain('started:2'); // the queued sibling never started
    expect(pool.stats()).toMatchObject({ failed: 1, cancelled: 2, succeeded: 0, running: 0, queued: 0 });
    expect(pool.stats().runTime.count).toBe(2);
    // A task outside the group is not affected.
    await expect(pool.run('add', { a: 1, b: 1 })).resolves.toBe(2);
    gate.close();
    await closeAndCheck(pool);
  });

  it('without failFast the others finish; wait() resolves when all succeed, submit() feeds wait()', async () => {
    const pool = basicPool({ inline });
    const ok = pool.group();
    ok.submit('add', { a: 1, b: 2 });
    const sum = ok.run('add', { a: 3, b: 4 });
    await ok.wait();
    expect(ok.pending).toBe(0);
    expect(await sum).toBe(7);

    const lenient = pool.group({ failFast: false });
    lenient.submit('fail', { message: 'first', code: 'E_1' });
    const other = lenient.run('later', 'finished');
    await expect(lenient.wait()).rejects.toMatchObject({ message: 'first', code: 'E_1' });
    expect(await other).toBe('finished');
    expect(lenient.signal.aborted).toBe(false);
    await closeAndCheck(pool);
  });

  it('cancel() and an outer signal abort every task of the group', async () => {
    const pool = basicPool({ inline });
    const log = trackThreads(pool);
    const controller = new AbortController();
    const group = pool.group({ signal: controller.signal });
    const waiting = group.run('waitForAbort');
    await pool.onEmpty();
    const reason = new Error('outer');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await expect(group.wait()).rejects.toBe(reason);

    const second = pool.group();
    second.submit('waitForAbort');
    second.cancel();
    await expect(second.wait()).rejects.toMatchObject({ code: 'POOLKIT_ABORTED' });
    await pool.onIdle();
    expect(() => pool.group({ failFast: 'yes' as never })).toThrow(
      expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION' }),
    );
    await closeAndCheck(pool);
    // Every cancelled handler stopped on its signal: no thread had to be terminated.
    expect(log.exited.map((exit) => exit.reason)).toEqual(inline ? [] : ['closed']);
  });
});
