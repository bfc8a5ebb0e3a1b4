import { describe, expect, expectTypeOf, it } from 'vitest';
import { type GatedInput, gates } from './gates.js';
import { basicPool, closeAndCheck } from './helpers.js';

/** A generator that counts how many items were pulled from it and whether it was closed. */
function counted<T>(items: readonly T[]) {
  const state = { pulled: 0, closed: false };
  function* generate(): Generator<T> {
    try {
      for (const item of items) {
        state.pulled++;
        yield item;
      }
    } finally {
      if (state.pulled < items.length) state.closed = true;
    }
  }
  return { iterable: generate(), state };
}

async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterator) out.push(value);
  return out;
}

describe('ThreadPool.map', () => {
  it('yields in input order by default, whatever order the tasks finish in', async () => {
    const pool = basicPool({ concurrentTasksPerThread: 4 });
    const gate = gates();
    const results = pool.map(
      'gated',
      [0, 1, 2, 3].map((id) => gate.item(id, id * 10)),
    );
    expectTypeOf(results).toEqualTypeOf<AsyncIterableIterator<number>>();
    const collected = collect(results);
    await Promise.all([0, 1, 2, 3].map((id) => gate.waitFor(`started:${id}`)));
    for (const id of [3, 1, 2, 0]) gate.release(id);
    expect(await collected).toEqual([0, 10, 20, 30]);
    gate.close();
    await closeAndCheck(pool);
  });

  it('yields in completion order with ordered: false', async () => {
    const pool = basicPool({ concurrentTasksPerThread: 4 });
    const gate = gates();
    const iterator = pool.map(
      'gated',
      [0, 1, 2, 3].map((id) => gate.item(id, id * 10)),
      { ordered: false },
    );
    const out: number[] = [];
    const order = [2, 0, 3, 1];
    const first = iterator.next();
    await Promise.all([0, 1, 2, 3].map((id) => gate.waitFor(`started:${id}`)));
    gate.release(order[0] as number);
    out.push((await first).value as number);
    for (const id of order.slice(1)) {
      gate.release(id);
      out.push((await iterator.next()).value as number);
    }
    expect(out).toEqual([20, 0, 30, 10]);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    gate.close();
    await closeAndCheck(pool);
  });

  it('never pulls more than its concurrency ahead of the consumer (sync and async inputs)', async () => {
    const pool = basicPool({ minThreads: 2, maxThreads: 2 });
    const inputs = Array.from({ length: 40 }, (_, index) => index);
    const { iterable, state } = counted(inputs);
    const out: unknown[] = []; // later<T> is generic: its result type is unknown
    let maxAhead = 0;
    for await (const value of pool.map('later', iterable, { concurrency: 3 })) {
      out.push(value);
      maxAhead = Math.max(maxAhead, state.pulled - out.length);
      expect(pool.running + pool.queued).toBeLessThanOrEqual(3);
    }
    expect(out).toEqual(inputs);
    expect(maxAhead).toBe(3);
    expect(state.pulled).toBe(40);

    let pulled = 0;
    async function* slowSource(): AsyncGenerator<number> {
      for (let index = 0; index < 20; index++) {
        pulled++;
        await new Promise((resolve) => setImmediate(resolve));
        yield index;
      }
    }
    const echoed: unknown[] = [];
    for await (const value of pool.map('echo', slowSource(), { concurrency: 2, ordered: false })) {
      echoed.push(value);
      expect(pulled - echoed.length).toBeLessThanOrEqual(2);
    }
    expect((echoed as number[]).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index));
    await closeAndCheck(pool);
  });

  it('the first error cancels the running tasks, stops pulling and is thrown from the loop', async () => {
    const pool = basicPool({ concurrentTasksPerThread: 4 });
    const gate = gates();
    const { iterable, state } = counted<GatedInput>([0, 1, 2, 3, 4, 5].map((id) => gate.item(id)));
    const out: number[] = [];
    const loop = (async () => {
      for await (const value of pool.map('gated', iterable, { concurrency: 3 })) out.push(value);
    })();
    await Promise.all([0, 1, 2].map((id) => gate.waitFor(`started:${id}`)));
    gate.fail(1);
    await expect(loop).rejects.toThrow('failed 1');
    // The running handlers see their signal abort (the notice travels apart from the results).
    await Promise.all([gate.waitFor('aborted:0'), gate.waitFor('aborted:2')]);
    await pool.onIdle();
    expect(out).toEqual([]);
    expect(gate.seen.filter((message) => message.startsWith('started'))).toHaveLength(3);
    expect(state).toEqual({ pulled: 3, closed: true });
    expect(pool.stats()).toMatchObject({ running: 0, queued: 0, failed: 1, cancelled: 2 });
    gate.close();
    await closeAndCheck(pool);
  });

  it('break cancels the running tasks and closes the input; the pool ends idle', async () => {
    const pool = basicPool({ concurrentTasksPerThread: 4 });
    const gate = gates();
    const { iterable, state } = counted<GatedInput>([0, 1, 2, 3, 4, 5].map((id) => gate.item(id, 100 + id)));
    const loop = (async () => {
      for await (const value of pool.map('gated', iterable, { concurrency: 3 })) return value;
      return undefined;
    })();
    await Promise.all([0, 1, 2].map((id) => gate.waitFor(`started:${id}`)));
    gate.release(0);
    expect(await loop).toBe(100);
    await Promise.all([gate.waitFor('aborted:1'), gate.waitFor('aborted:2')]);
    await pool.onIdle();
    expect(state.closed).toBe(true);
    expect(state.pulled).toBeLessThanOrEqual(4);
    expect(pool.stats()).toMatchObject({ running: 0, queued: 0, abandoned: 0, succeeded: 1 });
    gate.close();
    await closeAndCheck(pool);
  });

  it('validates its arguments synchronously and types items from the handler', async () => {
    const pool = basicPool({ minThreads: 0 });
    expect(() => pool.map('echo', 5 as never)).toThrow(expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION' }));
    expect(() => pool.map('echo', [1], { concurrency: 0 })).toThrow(
      expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION' }),
    );
    expect(() => pool.map(1 as never, [1])).toThrow(expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION' }));
    // @ts-expect-error: add takes { a, b }
    expect(() => pool.map('add', [1, 2])).not.toThrow();
    expectTypeOf(pool.map('add', [{ a: 1, b: 2 }])).toEqualTypeOf<AsyncIterableIterator<number>>();
    await closeAndCheck(pool);
  });
});
