import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/resource/index.js';
import { FakeClock } from '../../src/testing/index.js';
import { testFactory, track } from './helpers.js';

describe('close with leases out', () => {
  it('rejects waiters and new acquires, stops creating, force-destroys after the timeout, is idempotent', async () => {
    const clock = new FakeClock();
    const fixture = testFactory();
    const pool = createPool(fixture.factory, { clock, max: 2, minIdle: 1 });
    const held = await pool.acquire();
    const idle = await pool.acquire();
    idle.release();
    const third = await pool.acquire();
    const waiter = track(pool.acquire());
    const creates = fixture.createCalls;
    const closing = track(pool.close({ timeoutMs: 1000 }));
    const again = pool.close();
    await clock.advance(0);
    expect(waiter.status).toBe('rejected');
    expect((waiter.error as { code: string }).code).toBe('POOLKIT_CLOSED');
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'POOLKIT_CLOSED' });
    expect(() => pool.tryAcquire()).toThrow(expect.objectContaining({ code: 'POOLKIT_CLOSED' }));
    third.release(); // returned during close: destroyed, not kept
    expect(fixture.reasons()).toEqual(['closing']);
    expect(closing.status).toBe('pending');
    expect(pool.stats().state).toBe('closing');
    expect(clock.referencedTimers).toBe(0); // no timer keeps the process alive while closing
    await clock.advance(999);
    expect(closing.status).toBe('pending');
    await clock.advance(1);
    expect(closing.status).toBe('fulfilled');
    expect(fixture.reasons()).toEqual(['closing', 'closing']);
    expect(fixture.createCalls).toBe(creates); // minIdle did not refill during close
    expect(() => held.release()).toThrow(expect.objectContaining({ code: 'POOLKIT_DOUBLE_RELEASE' }));
    expect(again).toBe(pool.close());
    const stats = pool.stats();
    expect(stats.state).toBe('closed');
    expect(stats.created).toBe(stats.destroyed);
    expect(clock.pendingTimers).toBe(0);
  });

  it('resolves only after every destroy settled, bounded by destroyTimeoutMs', async () => {
    const clock = new FakeClock();
    const destroySignals: AbortSignal[] = [];
    const pool = createPool(
      {
        create: () => ({}),
        destroy: (_conn, context) => {
          destroySignals.push(context.signal);
          return new Promise<void>(() => {}); // hangs
        },
      },
      { clock, destroyTimeoutMs: 200 },
    );
    (await pool.acquire()).release();
    const closing = track(pool.close());
    await clock.advance(199);
    expect(closing.status).toBe('pending');
    await clock.advance(1);
    expect(closing.status).toBe('fulfilled');
    expect(destroySignals[0]?.aborted).toBe(true);
  });

  it('destroy() is immediate and [Symbol.asyncDispose] closes', async () => {
    const fixture = testFactory();
    const pool = createPool(fixture.factory);
    const lease = await pool.acquire();
    await pool.destroy();
    expect(fixture.reasons()).toEqual(['closing']);
    expect(() => lease.release()).toThrow(expect.objectContaining({ code: 'POOLKIT_DOUBLE_RELEASE' }));
    const other = createPool(testFactory().factory);
    {
      await using scoped = other;
      (await scoped.acquire()).release();
    }
    expect(other.stats().state).toBe('closed');
  });
});
