import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/resource/index.js';
import { testFactory } from './helpers.js';

describe('double, foreign and late release', () => {
  it('a second release throws POOLKIT_DOUBLE_RELEASE and the pool stays consistent', async () => {
    const fixture = testFactory();
    const pool = createPool(fixture.factory, { max: 2 });
    const lease = await pool.acquire();
    lease.release();
    expect(() => lease.release()).toThrow(expect.objectContaining({ code: 'POOLKIT_DOUBLE_RELEASE' }));
    // The resource was not put idle twice: two acquires get two different resources.
    const a = await pool.acquire();
    const b = await pool.acquire();
    expect(a.value).not.toBe(b.value);
    expect(pool.stats()).toMatchObject({ idle: 0, borrowed: 2, released: 1 });
    a.release();
    b.release();
    await pool.close();
  });

  it('a stale lease can never release the resource lent to the next holder', async () => {
    const pool = createPool(testFactory().factory, { max: 1 });
    const first = await pool.acquire();
    first.release();
    const second = await pool.acquire();
    expect(second.value).toBe(first.value);
    expect(() => first.release()).toThrow(expect.objectContaining({ code: 'POOLKIT_DOUBLE_RELEASE' }));
    expect(pool.stats().borrowed).toBe(1);
    second.release();
    await pool.close();
  });

  it('release after destroy() or detach() throws; destroy after release rejects', async () => {
    const fixture = testFactory();
    const pool = createPool(fixture.factory);
    const destroyed = await pool.acquire();
    await destroyed.destroy();
    expect(fixture.reasons()).toEqual(['destroyed-by-holder']);
    expect(() => destroyed.release()).toThrow(expect.objectContaining({ code: 'POOLKIT_DOUBLE_RELEASE' }));
    const detached = await pool.acquire();
    const value = detached.detach();
    expect(value).toBe(detached.value);
    expect(() => detached.release()).toThrow(expect.objectContaining({ code: 'POOLKIT_DOUBLE_RELEASE' }));
    expect(pool.stats()).toMatchObject({ detached: 1, borrowed: 0, idle: 0 });
    const released = await pool.acquire();
    released.release();
    await expect(released.destroy()).rejects.toMatchObject({ code: 'POOLKIT_DOUBLE_RELEASE' });
    await pool.close();
    expect(value.destroyed).toBe(false); // detached: the pool forgot it
  });
});
