import { describe, expect, it } from 'vitest';
import { createPool, type DestroyReason, type FactoryContext } from '../../src/resource/index.js';
import { FakeClock } from '../../src/testing/index.js';

// The context's signal is created on first read (an AbortController per factory call is costly):
// a hook that reads it late must still see the abort, and destroy must still get its reason.
describe('factory call contexts', () => {
  it('hand a hook that reads signal only after the timeout an already-aborted signal', async () => {
    const clock = new FakeClock();
    const contexts: FactoryContext[] = [];
    const pool = createPool(
      {
        create: (context) => {
          contexts.push(context); // keeps the context, does not read signal yet
          return new Promise<object>(() => {});
        },
      },
      { clock, createTimeoutMs: 50, acquireTimeoutMs: 1_000, maxConcurrentCreates: 1 },
    );
    const pending = pool.acquire().catch((error: unknown) => error);
    await clock.advance(50);
    const late = contexts[0] as FactoryContext;
    expect(late.signal.aborted).toBe(true);
    expect((late.signal.reason as { code: string }).code).toBe('POOLKIT_CREATE_TIMEOUT');
    await clock.advance(1_000);
    expect(((await pending) as { code: string }).code).toBe('POOLKIT_ACQUIRE_TIMEOUT');
    await pool.destroy();
  });

  it('give destroy its reason and a live signal', async () => {
    const clock = new FakeClock();
    const seen: { reason: DestroyReason; aborted: boolean }[] = [];
    const pool = createPool(
      {
        create: () => ({}),
        destroy: (_resource, context) => {
          seen.push({ reason: context.reason, aborted: context.signal.aborted });
        },
      },
      { clock },
    );
    const lease = await pool.acquire();
    await lease.destroy();
    expect(seen).toEqual([{ reason: 'destroyed-by-holder', aborted: false }]);
    await pool.close();
  });
});
