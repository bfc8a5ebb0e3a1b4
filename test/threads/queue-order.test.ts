import { describe, expect, it } from 'vitest';
import { basicPool, closeAndCheck } from './helpers.js';

async function completionOrder(
  queueOrder: 'auto' | 'fifo' | 'shortest-first' | undefined,
  shortHandler: 'echo' | 'busyToo' = 'echo',
): Promise<string[]> {
  const pool = basicPool({ concurrentTasksPerThread: 1, ...(queueOrder === undefined ? {} : { queueOrder }) });
  // Comparable handlers are 5x apart, and long enough that a few ms of message latency on a
  // loaded machine (the pool times a task from the main thread) cannot swap their order.
  const longMs = shortHandler === 'echo' ? 5 : 30;
  const short = () => (shortHandler === 'echo' ? pool.run('echo', 'short') : pool.run('busyToo', 6));
  // Learn the handlers' run times.
  for (let i = 0; i < 2; i++) await pool.run('busy', longMs);
  for (let i = 0; i < 3; i++) await short();
  // Hold the only slot, queue a long task then a short one, release.
  const blocker = new AbortController();
  const held = pool.run('waitForAbort', undefined, { signal: blocker.signal });
  const order: string[] = [];
  const long = pool.run('busy', longMs).then(() => order.push('long'));
  const second = short().then(() => order.push('short'));
  expect(pool.stats().queued).toBe(2);
  blocker.abort();
  await Promise.allSettled([held, long, second]);
  await closeAndCheck(pool);
  return order;
}

describe('queueOrder', () => {
  it("'fifo' starts queued tasks in submission order", async () => {
    expect(await completionOrder('fifo')).toEqual(['long', 'short']);
  });

  it("'shortest-first' starts the task of the faster handler first", async () => {
    expect(await completionOrder('shortest-first')).toEqual(['short', 'long']);
  });

  it("'auto' (the default) lets a handler 100x shorter than the average jump the queue", async () => {
    expect(await completionOrder(undefined)).toEqual(['short', 'long']);
  });

  // The order of comparable handlers rests on run times measured under whatever else the machine
  // runs: a thread descheduled at the end of a 6 ms spin can measure above the pool's average. A
  // broken rule fails every attempt; a scheduling accident does not repeat.
  it("'auto' keeps FIFO order between handlers of comparable length", { retry: 2 }, async () => {
    expect(await completionOrder('auto', 'busyToo')).toEqual(['long', 'short']);
  });

  it("'shortest-first' also reorders handlers of comparable length", { retry: 2 }, async () => {
    expect(await completionOrder('shortest-first', 'busyToo')).toEqual(['short', 'long']);
  });

  it("map items follow queueOrder too: a short handler's items overtake a queued long task", async () => {
    const pool = basicPool({ concurrentTasksPerThread: 1 });
    for (let i = 0; i < 2; i++) await pool.run('busy', 5);
    for (let i = 0; i < 3; i++) await pool.run('echo', i);
    const blocker = new AbortController();
    const held = pool.run('waitForAbort', undefined, { signal: blocker.signal });
    const order: string[] = [];
    const long = pool.run('busy', 5).then(() => order.push('long'));
    const mapped = (async () => {
      for await (const value of pool.map('echo', ['m1', 'm2'], { concurrency: 2 })) order.push(String(value));
    })();
    await new Promise((resolve) => setImmediate(resolve)); // let the map pull its two items
    expect(pool.stats().queued).toBe(3);
    blocker.abort();
    await Promise.allSettled([held, long, mapped]);
    expect(order).toEqual(['m1', 'm2', 'long']);
    await closeAndCheck(pool);
  });
});
