import { describe, expect, it } from 'vitest';
import type { ThreadPool } from '../../src/threads/index.js';
import { type BasicModule, basicPool, channel, closeAndCheck } from './helpers.js';

type Outcome =
  | { ok: true; value: unknown }
  | { ok: false; thrown: unknown }
  | { ok: false; name: string; message: string; code: unknown; cause: unknown };

async function outcome(promise: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    if (!(error instanceof Error)) return { ok: false, thrown: error };
    const e = error as Error & { code?: unknown; path?: unknown };
    const cause = e.cause instanceof Error ? `${e.cause.name}: ${e.cause.message}` : undefined;
    return { ok: false, name: e.name, message: e.message.replace(/task \d+/, 'task N'), code: e.code, cause };
  }
}

async function scenario(pool: ThreadPool<BasicModule>): Promise<Outcome[]> {
  const results: Outcome[] = [];
  results.push(await outcome(pool.run('add', { a: 2, b: 40 })));
  results.push(await outcome(pool.run('later', { nested: [1, 'two', { three: 3n }] })));
  results.push(await outcome(pool.run('echo', new Map([['k', new Date(0)]]))));
  results.push(await outcome(pool.run('fail', { message: 'bad', code: 'E_BAD' })));
  results.push(await outcome(pool.run('failWithCustomClass')));
  results.push(await outcome(pool.run('throwString')));
  results.push(await outcome(pool.run('returnFunction')));
  results.push(await outcome(pool.run('echo', { fn: () => 1 })));
  results.push(await outcome(pool.run('nope' as 'echo', 1)));
  results.push(await outcome(pool.run('later', 1, { timeoutMs: Number.POSITIVE_INFINITY, priority: 3 })));
  const controller = new AbortController();
  const events = channel();
  const waiting = pool.run('waitForAbort', undefined, { signal: controller.signal });
  await pool.onEmpty();
  controller.abort(new Error('stop'));
  results.push(await outcome(waiting));
  events.close();
  return results;
}

/** The same map calls on either pool: results, an unordered run, a failure and a break. */
async function mapScenario(pool: ThreadPool<BasicModule>): Promise<unknown[]> {
  const results: unknown[] = [];
  const sums: number[] = [];
  const pairs = [1, 2, 3, 4, 5].map((a) => ({ a, b: 10 }));
  for await (const sum of pool.map('add', pairs, { concurrency: 2 })) sums.push(sum);
  results.push(sums);
  const echoed: unknown[] = [];
  async function* source(): AsyncGenerator<unknown> {
    yield* ['x', { nested: [1n] }, new Date(0)];
  }
  for await (const value of pool.map('later', source(), { ordered: false, concurrency: 1 })) echoed.push(value);
  results.push(echoed.length, echoed);
  const seen: number[] = [];
  results.push(
    await outcome(
      (async () => {
        const inputs = [{ message: 'x', code: 'E_MAP' }];
        for await (const value of pool.map('fail', inputs)) seen.push(value);
      })(),
    ),
  );
  let closed = false;
  function* endless(): Generator<{ a: number; b: number }> {
    try {
      for (let a = 0; ; a++) yield { a, b: 1 };
    } finally {
      closed = true;
    }
  }
  for await (const value of pool.map('add', endless(), { concurrency: 3 })) {
    results.push(value);
    break;
  }
  await pool.onIdle();
  results.push(closed, seen, pool.running, pool.queued);
  return results;
}

describe('inline mode', () => {
  it('gives the same results and errors as threads for the same handlers', async () => {
    const threaded = basicPool();
    const inline = basicPool({ inline: true });
    const [fromThreads, fromInline] = [await scenario(threaded), await scenario(inline)];
    expect(fromInline).toEqual(fromThreads);
    expect(fromThreads[3]).toMatchObject({
      ok: false,
      name: 'RangeError',
      code: 'E_BAD',
      cause: 'TypeError: inner cause',
    });
    expect(fromThreads[6]).toMatchObject({ ok: false, code: 'POOLKIT_DATA_CLONE' });
    expect(inline.stats().threads.total).toBe(0);
    expect(inline.stats().succeeded).toBe(threaded.stats().succeeded);
    await closeAndCheck(threaded);
    await closeAndCheck(inline);
  });

  it('gives the same map results, failures and early exits as threads', async () => {
    const threaded = basicPool({ maxThreads: 2 });
    const inline = basicPool({ inline: true });
    const [fromThreads, fromInline] = [await mapScenario(threaded), await mapScenario(inline)];
    expect(fromInline).toEqual(fromThreads);
    expect(fromThreads[0]).toEqual([11, 12, 13, 14, 15]);
    expect(fromThreads[3]).toMatchObject({
      ok: false,
      name: 'RangeError',
      code: 'E_MAP',
      cause: 'TypeError: inner cause',
    });
    expect(fromThreads.slice(4)).toEqual([1, true, [], 0, 0]);
    expect(inline.stats().threads.total).toBe(0);
    await closeAndCheck(threaded);
    await closeAndCheck(inline);
  });
});
