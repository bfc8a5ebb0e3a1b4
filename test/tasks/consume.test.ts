/**
 * pool.consume(source, fn): fetching within `concurrency`, heartbeats while held, ack/nack,
 * lost locks, source failures with backoff, stop, pool shutdown. The source here is an
 * in-memory TaskSource that records every call; the BullMQ source is tested against Redis in
 * test/adapters/bullmq.
 */
import { describe, expect, it } from 'vitest';
import { createTaskPool } from '../../src/tasks/index.js';
import { FakeClock } from '../../src/testing/index.js';
import { kinds, MemorySource } from '../helpers/memory-source.js';
import { flush, gate } from './helpers.js';

describe('TaskPool: consume', () => {
  it('runs every task, acks its result and finishes when the source ends', async () => {
    const pool = createTaskPool({ concurrency: 4 });
    const source = new MemorySource();
    source.push(1, 2, 3, 4, 5);
    source.end();
    const consumer = pool.consume(source, async (data) => data * 10);
    await consumer.done;
    expect(kinds(source, 'ack').map((call) => call.value)).toEqual([10, 20, 30, 40, 50]);
    expect(consumer.stats()).toMatchObject({ state: 'stopped', fetched: 5, acked: 5, nacked: 0, held: 0 });
  });

  it('never holds more than `concurrency` tasks, so the rest stays with the source', async () => {
    const pool = createTaskPool({ concurrency: 8 });
    const source = new MemorySource();
    source.push(...Array.from({ length: 10 }, (_, index) => index));
    const gates = Array.from({ length: 10 }, () => gate<number>());
    const consumer = pool.consume(source, (data, signal) => (gates[data] as (typeof gates)[number]).fn(signal), {
      concurrency: 3,
    });
    await flush();
    expect(consumer.stats().held).toBe(3);
    expect(source.items).toHaveLength(7);
    for (const [index, g] of gates.entries()) {
      g.open(index);
      await flush();
    }
    source.end();
    await consumer.done;
    expect(source.peak).toBe(3);
    expect(kinds(source, 'ack')).toHaveLength(10);
  });

  it('at capacity, a source with ackAndNext refills the freed slot without another next()', async () => {
    const pool = createTaskPool({ concurrency: 8 });
    const source = new MemorySource();
    source.chaining = true;
    source.push(...Array.from({ length: 12 }, (_, index) => index));
    source.end();
    const consumer = pool.consume(
      source,
      async (data) => {
        for (let spin = 0; spin < data % 3; spin++) await Promise.resolve();
        return data * 2;
      },
      { concurrency: 3 },
    );
    await consumer.done;
    expect(kinds(source, 'ack').map((call) => call.value)).toHaveLength(12);
    expect(new Set(kinds(source, 'ack').map((call) => call.value))).toEqual(
      new Set(Array.from({ length: 12 }, (_, index) => index * 2)),
    );
    expect(source.chained).toBeGreaterThan(0);
    expect(source.nextCalls + source.chained).toBe(12 + 1); // the last next() finds the end
    expect(source.peak).toBe(3);
    expect(consumer.stats()).toMatchObject({ fetched: 12, acked: 12, held: 0, state: 'stopped' });
  });

  it('nacks a failure with the options nackOptions gives, and a run timeout too', async () => {
    const pool = createTaskPool({ concurrency: 2 });
    const source = new MemorySource();
    source.push(1, 2, 3);
    source.end();
    const consumer = pool.consume(
      source,
      (data, signal) => {
        if (data === 1) throw new TypeError('bad input');
        if (data === 2) return Promise.reject(new Error('flaky'));
        return new Promise<number>((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
      },
      { nackOptions: (error) => (error instanceof TypeError ? { fatal: true } : undefined), timeoutMs: 20 },
    );
    await consumer.done;
    const nacks = kinds(source, 'nack');
    expect(nacks.map((call) => call.options)).toEqual([{ fatal: true }, undefined, undefined]);
    expect(nacks[2]?.value).toMatchObject({ code: 'POOLKIT_TASK_TIMEOUT' });
    expect(consumer.stats()).toMatchObject({ nacked: 3, acked: 0 });
  });

  it('heartbeats each held task every heartbeatMs, also while it waits in the pool queue', async () => {
    const clock = new FakeClock();
    const pool = createTaskPool({ concurrency: 1, clock });
    const source = new MemorySource();
    source.push(1, 2);
    const gates = [gate<number>(), gate<number>()];
    const consumer = pool.consume(source, (data, signal) => (gates[data - 1] as (typeof gates)[number]).fn(signal), {
      concurrency: 2,
      heartbeatMs: 100,
    });
    await flush();
    expect(pool.stats()).toMatchObject({ running: 1, queued: 1 });
    await clock.advance(100);
    await clock.advance(100);
    expect(kinds(source, 'heartbeat').map((call) => call.id)).toEqual(['t1', 't2', 't1', 't2']);
    gates[0]?.open(1);
    await flush();
    await clock.advance(100);
    // t1 is acked: only t2 (now running) still beats.
    expect(
      kinds(source, 'heartbeat')
        .slice(4)
        .map((call) => call.id),
    ).toEqual(['t2']);
    gates[1]?.open(2);
    source.end();
    await consumer.done;
    expect(clock.pendingTimers).toBe(0);
  });

  it('a failed heartbeat aborts the handler with LockLostError and neither acks nor nacks the task', async () => {
    const clock = new FakeClock();
    const pool = createTaskPool({ concurrency: 2, clock });
    const source = new MemorySource();
    source.push(1);
    source.lose.add('t1');
    const errors: unknown[] = [];
    let seen: unknown;
    const consumer = pool.consume(
      source,
      (_data, signal) =>
        new Promise<number>((_resolve, reject) => {
          signal.addEventListener(
            'abort',
            () => {
              seen = signal.reason;
              reject(signal.reason);
            },
            { once: true },
          );
        }),
      { heartbeatMs: 50, onError: (error) => errors.push(error) },
    );
    await flush();
    await clock.advance(50);
    await flush();
    expect(seen).toMatchObject({ code: 'POOLKIT_LOCK_LOST', taskId: 't1' });
    expect((seen as Error).cause).toMatchObject({ message: 'lock of t1 is gone' });
    source.end();
    await consumer.done;
    expect(kinds(source, 'ack')).toHaveLength(0);
    expect(kinds(source, 'nack')).toHaveLength(0);
    expect(consumer.stats()).toMatchObject({ lost: 1, held: 0 });
    expect(errors).toHaveLength(1);
  });

  it('retries a failing next() with doubling backoff and reports each failure', async () => {
    const clock = new FakeClock();
    const pool = createTaskPool({ concurrency: 2, clock });
    const source = new MemorySource();
    source.failNext = 3;
    source.push(7);
    const errors: unknown[] = [];
    const consumer = pool.consume(source, async (data) => data, {
      retryDelayMs: 100,
      onError: (error) => errors.push(error),
    });
    await flush();
    expect(source.nextCalls).toBe(1);
    await clock.advance(99);
    expect(source.nextCalls).toBe(1);
    await clock.advance(1);
    expect(source.nextCalls).toBe(2);
    await clock.advance(200); // second delay: 200 ms
    expect(source.nextCalls).toBe(3);
    await clock.advance(400);
    await flush();
    expect(kinds(source, 'ack').map((call) => call.value)).toEqual([7]);
    expect(errors).toHaveLength(3);
    expect(consumer.stats().sourceErrors).toBe(3);
    await consumer.stop();
  });

  it('stop() ends the pending next(), lets held tasks finish and ack, then resolves', async () => {
    const pool = createTaskPool({ concurrency: 2 });
    const source = new MemorySource();
    source.push(1);
    const g = gate<number>();
    const consumer = pool.consume(source, (_data, signal) => g.fn(signal));
    await flush();
    let stopped = false;
    const stopping = consumer.stop().then(() => {
      stopped = true;
    });
    await flush();
    expect(stopped).toBe(false);
    expect(consumer.stats().state).toBe('stopping');
    g.open(5);
    await stopping;
    expect(kinds(source, 'ack').map((call) => call.value)).toEqual([5]);
    const calls = source.nextCalls;
    source.push(2);
    await flush();
    expect(source.nextCalls).toBe(calls);
    expect(consumer.stats()).toMatchObject({ state: 'stopped', held: 0 });
  });

  it('a closed pool refuses the next task: it goes back at once (retryAfterMs 0) and the consumer stops', async () => {
    const pool = createTaskPool({ concurrency: 2 });
    const source = new MemorySource();
    const consumer = pool.consume(source, async (data) => data);
    await flush();
    await pool.close();
    source.push(9);
    await consumer.done;
    expect(kinds(source, 'nack')).toMatchObject([
      { id: 't1', options: { retryAfterMs: 0 }, value: { code: 'POOLKIT_CLOSED' } },
    ]);
    expect(consumer.stats().state).toBe('stopped');
  });

  it('its signal option stops it; bad arguments throw typed errors', async () => {
    const pool = createTaskPool({ concurrency: 2 });
    const source = new MemorySource();
    const controller = new AbortController();
    const consumer = pool.consume(source, async (data) => data, { signal: controller.signal });
    await flush();
    controller.abort();
    await consumer.done;
    expect(consumer.stats().state).toBe('stopped');
    expect(() => pool.consume({} as never, async () => 1)).toThrow(
      expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION', option: 'source' }),
    );
    expect(() => pool.consume(source, 'x' as never)).toThrow(
      expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION' }),
    );
    expect(() => pool.consume(source, async () => 1, { concurrency: 0 })).toThrow(
      expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION', option: 'concurrency' }),
    );
    expect(() => pool.consume(source, async () => 1, { heartbeat: 5 } as never)).toThrow(
      expect.objectContaining({ code: 'POOLKIT_UNKNOWN_OPTION' }),
    );
  });
});
