/** ThreadPool.consume: a source's tasks run as a named worker handler and are acked or nacked. */
import { describe, expect, it } from 'vitest';
import { kinds, MemorySource } from '../helpers/memory-source.js';
import { basicPool, closeAndCheck } from './helpers.js';

describe('ThreadPool: consume', () => {
  it('runs each task as the named handler with its data as input, then acks the result', async () => {
    const pool = basicPool({ maxThreads: 2 });
    const source = new MemorySource();
    source.push(1, 2, 3, 4);
    source.end();
    const consumer = pool.consume(source as never, 'echo');
    await consumer.done;
    expect(kinds(source, 'ack').map((call) => call.value)).toEqual([1, 2, 3, 4]);
    expect(consumer.stats()).toMatchObject({ fetched: 4, acked: 4, state: 'stopped' });
    expect(pool.stats().succeeded).toBe(4);
    await closeAndCheck(pool);
  });

  it("nacks the handler's error, and by default holds no more tasks than the threads take", async () => {
    const pool = basicPool({ maxThreads: 1 });
    const source = new MemorySource();
    source.push(1, 2);
    source.end();
    const consumer = pool.consume(source as never, 'fail');
    await consumer.done;
    expect(kinds(source, 'nack')).toHaveLength(2);
    expect(kinds(source, 'nack')[0]?.value).toMatchObject({ name: 'RangeError' });
    expect(source.peak).toBe(1);
    expect(() => pool.consume(source as never, 42 as never)).toThrow(
      expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION', option: 'name' }),
    );
    await closeAndCheck(pool);
  });
});
