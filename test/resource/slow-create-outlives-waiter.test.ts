import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/resource/index.js';
import { FakeClock } from '../../src/testing/index.js';
import { testFactory, track } from './helpers.js';

describe('a slow create that outlives its waiter', () => {
  it('goes idle when nobody waits any more', async () => {
    const clock = new FakeClock();
    const fixture = testFactory({ mode: 'manual' });
    const pool = createPool(fixture.factory, { clock, acquireTimeoutMs: 50, createTimeoutMs: 1000 });
    const acquire = track(pool.acquire());
    await clock.advance(50);
    expect(acquire.status).toBe('rejected');
    expect((acquire.error as { phase: string }).phase).toBe('create');
    fixture.finishCreate();
    await clock.advance(0);
    expect(pool.stats()).toMatchObject({ idle: 1, creating: 0, borrowed: 0 });
    await pool.close();
  });

  it('serves the next waiter in line, not the one that left', async () => {
    const clock = new FakeClock();
    const fixture = testFactory({ mode: 'manual' });
    const pool = createPool(fixture.factory, { clock, max: 1, createTimeoutMs: 1000 });
    const controller = new AbortController();
    const first = track(pool.acquire({ signal: controller.signal }));
    const second = track(pool.acquire());
    expect(fixture.pending.length).toBe(1); // max 1: one create for both
    controller.abort(new Error('caller gave up'));
    await clock.advance(0);
    expect(first.status).toBe('rejected');
    expect((first.error as Error).message).toBe('caller gave up');
    expect(fixture.pending[0]?.context.signal.aborted).toBe(false); // a waiter's abort never aborts a create
    const conn = fixture.finishCreate();
    await clock.advance(0);
    expect(second.status).toBe('fulfilled');
    expect((second.value as { value: unknown }).value).toBe(conn);
    await pool.destroy();
  });

  it('is destroyed when the pool closed meanwhile', async () => {
    const clock = new FakeClock();
    const fixture = testFactory({ mode: 'manual' });
    const pool = createPool(fixture.factory, { clock, createTimeoutMs: 1000 });
    const acquire = track(pool.acquire());
    const closing = pool.close();
    await clock.advance(0);
    expect(acquire.status).toBe('rejected');
    expect(fixture.pending[0]?.context.signal.aborted).toBe(true);
    const conn = fixture.finishCreate();
    await closing;
    await clock.advance(0);
    expect(conn.destroyed).toBe(true);
    expect(fixture.reasons()).toEqual(['create-aborted']);
  });
});
