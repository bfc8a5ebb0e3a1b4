import { describe, expect, it } from 'vitest';
import { AdapterLease, releaseAfterReset } from '../../../src/adapters/adapter-lease.js';
import { createPool } from '../../../src/resource/index.js';

function pool() {
  let next = 0;
  return createPool(
    {
      create: () => ({ id: next++ }),
      isBroken: (_value, error) => (error as { code?: string })?.code === 'POOLKIT_CONNECTION_CLOSED',
    },
    { max: 1 },
  );
}

describe('adapter reset on release', () => {
  it('a synchronous true keeps the resource, false destroys it as broken', async () => {
    const p = pool();
    const first = await p.acquire();
    releaseAfterReset(first, () => true, 1000);
    const again = await p.acquire();
    expect(again.value).toBe(first.value);
    releaseAfterReset(again, () => false, 1000);
    const fresh = await p.acquire();
    expect(fresh.value).not.toBe(first.value);
    expect(p.stats().destroyedByReason.broken).toBe(1);
    fresh.release();
    await p.close();
  });

  it('an async reset gets a signal only when it asks, and its rejection destroys the resource', async () => {
    const p = pool();
    let signal: AbortSignal | undefined;
    const lease = await p.acquire();
    releaseAfterReset(
      lease,
      async (_value, context) => {
        signal = context.signal;
        throw new Error('ROLLBACK failed');
      },
      1000,
    );
    const next = await p.acquire();
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(next.value).not.toBe(lease.value);
    next.release();
    await p.close();
  });

  it('AdapterLease: a second release, or destroy after release, throws POOLKIT_DOUBLE_RELEASE; await using releases', async () => {
    const p = pool();
    const lease = new AdapterLease(await p.acquire(), () => true, 1000);
    lease.release();
    expect(() => lease.release()).toThrow(expect.objectContaining({ code: 'POOLKIT_DOUBLE_RELEASE' }));
    expect(() => lease.destroy()).toThrow(expect.objectContaining({ code: 'POOLKIT_DOUBLE_RELEASE' }));
    {
      await using scoped = new AdapterLease(await p.acquire(), () => true, 1000);
      expect(scoped.value).toEqual({ id: 0 });
    }
    expect(p.stats().idle).toBe(1);
    await p.close();
  });
});
