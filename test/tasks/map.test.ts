import { describe, expect, it } from 'vitest';
import { createTaskPool } from '../../src/tasks/index.js';
import { flush, gate } from './helpers.js';

/** An iterable that records how far it has been read. */
function counted(length: number) {
  const state = { pulled: 0, closed: false };
  const iterable: Iterable<number> = {
    [Symbol.iterator]() {
      return {
        next: () => (state.pulled < length ? { done: false, value: state.pulled++ } : { done: true, value: undefined }),
        return: () => {
          state.closed = true;
          return { done: true, value: undefined };
        },
      };
    },
  };
  return { iterable, state };
}

describe('TaskPool: map', () => {
  it('yields results in input order even when they finish out of order', async () => {
    const pool = createTaskPool({ concurrency: 4 });
    const out: number[] = [];
    for await (const value of pool.map([5, 1, 4, 2, 3, 0], async (item) => {
      for (let spin = 0; spin < item * 3; spin++) await Promise.resolve();
      return item * 10;
    })) {
      out.push(value);
    }
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
  });

  it('yields in completion order with ordered: false', async () => {
    const pool = createTaskPool({ concurrency: 4 });
    const out: number[] = [];
    for await (const value of pool.map(
      [3, 0, 2, 1],
      async (item) => {
        for (let spin = 0; spin < item * 5; spin++) await Promise.resolve();
        return item;
      },
      { ordered: false },
    )) {
      out.push(value);
    }
    expect(out).toEqual([0, 1, 2, 3]);
  });

  it('unordered: every item comes out exactly once and slots are reused correctly', async () => {
    const pool = createTaskPool({ concurrency: 8 });
    const { iterable, state } = counted(60);
    const out: number[] = [];
    let maxAhead = 0;
    for await (const value of pool.map(
      iterable,
      async (item) => {
        for (let spin = 0; spin < (item * 7) % 5; spin++) await Promise.resolve();
        return item;
      },
      { concurrency: 3, ordered: false },
    )) {
      out.push(value);
      maxAhead = Math.max(maxAhead, state.pulled - out.length);
    }
    expect([...out].sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, index) => index));
    expect(out).not.toEqual([...out].sort((a, b) => a - b)); // really out of order
    expect(maxAhead).toBeLessThanOrEqual(3);
  });

  it('never pulls more than concurrency items ahead of the consumer (O(concurrency) memory)', async () => {
    const pool = createTaskPool({ concurrency: 100 });
    const { iterable, state } = counted(1000);
    let consumed = 0;
    let maxAhead = 0;
    for await (const _ of pool.map(iterable, async (item) => item, { concurrency: 3 })) {
      consumed++;
      maxAhead = Math.max(maxAhead, state.pulled - consumed);
      for (let spin = 0; spin < 5; spin++) await Promise.resolve(); // a slow consumer
    }
    expect(consumed).toBe(1000);
    expect(maxAhead).toBeLessThanOrEqual(3);
    expect(pool.stats().succeeded).toBe(1000);
  });

  it('nothing is pulled before the first next(), and a slow consumer stops the pulling', async () => {
    const pool = createTaskPool({ concurrency: 8 });
    const { iterable, state } = counted(100);
    const iterator = pool.map(iterable, async (item) => item, { concurrency: 2 });
    await flush();
    expect(state.pulled).toBe(0);
    await iterator.next();
    await flush();
    expect(state.pulled).toBeLessThanOrEqual(3); // one consumed + two in the window
    await iterator.return?.();
  });

  it('reads async iterables, one pull at a time', async () => {
    const pool = createTaskPool({ concurrency: 4 });
    async function* source() {
      for (let index = 0; index < 20; index++) yield index;
    }
    const out: number[] = [];
    for await (const value of pool.map(source(), async (item) => item * 2)) out.push(value);
    expect(out).toEqual(Array.from({ length: 20 }, (_, index) => index * 2));
  });

  it('the first error aborts the running items, closes the input and is thrown', async () => {
    const pool = createTaskPool({ concurrency: 4 });
    const { iterable, state } = counted(100);
    const slow = gate();
    const signals: AbortSignal[] = [];
    const run = async () => {
      for await (const _ of pool.map(iterable, async (item, signal) => {
        signals.push(signal);
        if (item === 2) throw new Error('boom');
        if (item < 2) return item;
        return slow.fn(signal);
      })) {
        // consume
      }
    };
    await expect(run()).rejects.toThrow('boom');
    expect(state.closed).toBe(true);
    expect(state.pulled).toBeLessThan(10);
    expect(signals.some((signal) => signal.aborted)).toBe(true);
    slow.open();
    await pool.onIdle();
    expect(pool.running).toBe(0);
  });

  it('breaking out of the loop aborts what runs and closes the input', async () => {
    const pool = createTaskPool({ concurrency: 4 });
    const { iterable, state } = counted(100);
    const pending = gate();
    let seen = 0;
    for await (const _ of pool.map(iterable, async (item, signal) => (item === 0 ? item : pending.fn(signal)), {
      ordered: false,
    })) {
      seen++;
      break;
    }
    expect(seen).toBe(1);
    expect(state.closed).toBe(true);
    expect(pending.signal?.aborted).toBe(true);
    pending.open();
    await pool.onIdle();
    expect(pool.stats().cancelled).toBeGreaterThan(0);
  });

  it('a map signal stops the map with its reason', async () => {
    const pool = createTaskPool({ concurrency: 2 });
    const controller = new AbortController();
    const hold = gate();
    const iterator = pool.map([1, 2, 3], async (_item, signal) => hold.fn(signal), { signal: controller.signal });
    const next = iterator.next();
    await flush();
    const reason = new Error('user stop');
    controller.abort(reason);
    await expect(next).rejects.toBe(reason);
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
    hold.open();
  });

  it('rejects bad arguments synchronously', () => {
    const pool = createTaskPool();
    expect(() => pool.map(42 as never, async () => 1)).toThrow(/iterable/);
    expect(() => pool.map([1], 'x' as never)).toThrow(/fn/);
    expect(() => pool.map([1], async () => 1, { concurrency: 0 })).toThrow(/concurrency/);
    expect(() => pool.map([1], async () => 1, { bogus: 1 } as never)).toThrow(/bogus/);
  });
});
