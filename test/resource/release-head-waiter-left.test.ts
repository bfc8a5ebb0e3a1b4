import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/resource/index.js';
import { FakeClock } from '../../src/testing/index.js';
import { testFactory, track } from './helpers.js';

describe('release when the head waiter already left', () => {
  it('hands the resource to the next waiter', async () => {
    const clock = new FakeClock();
    const fixture = testFactory();
    const pool = createPool(fixture.factory, { clock, max: 1 });
    const lease = await pool.acquire();
    const controller = new AbortController();
    const head = track(pool.acquire({ signal: controller.signal }));
    const next = track(pool.acquire({ timeoutMs: 100 }));
    const last = track(pool.acquire());
    controller.abort();
    await clock.advance(100); // `next` timed out too
    expect(head.status).toBe('rejected');
    expect(next.status).toBe('rejected');
    expect((head.error as Error).name).toBe('AbortError');
    expect(pool.stats()).toMatchObject({ waiting: 1, aborts: 1, timeouts: 1 });
    lease.release();
    await clock.advance(0);
    expect(last.status).toBe('fulfilled');
    expect((last.value as { value: unknown }).value).toBe(lease.value);
    await pool.destroy();
  });

  it('puts the resource idle when every waiter left', async () => {
    const clock = new FakeClock();
    const pool = createPool(testFactory().factory, { clock, max: 1 });
    const lease = await pool.acquire();
    const waiter = track(pool.acquire({ timeoutMs: 10 }));
    await clock.advance(10);
    expect(waiter.status).toBe('rejected');
    lease.release();
    expect(pool.stats()).toMatchObject({ idle: 1, borrowed: 0, waiting: 0 });
    await pool.close();
  });
});
