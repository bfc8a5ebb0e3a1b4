import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/resource/index.js';
import { FakeClock } from '../../src/testing/index.js';
import { testFactory } from './helpers.js';

describe('a resource that dies on its own', () => {
  it('is evicted at once when idle, without any unhandled error (pg-pool crashes here)', async () => {
    const clock = new FakeClock();
    const fixture = testFactory({ watch: true });
    const pool = createPool(fixture.factory, { clock });
    const lease = await pool.acquire();
    const conn = lease.value;
    lease.release();
    expect(pool.stats().idle).toBe(1);
    conn.kill?.(new Error('server closed the connection'));
    expect(pool.stats().idle).toBe(0);
    expect(fixture.reasons()).toEqual(['died']);
    expect(conn.kill).toBeUndefined(); // the watcher was detached before destroy
    const next = await pool.acquire();
    expect(next.value).not.toBe(conn);
    next.release();
    await pool.close();
  });

  it('is destroyed on release when it died while leased', async () => {
    const fixture = testFactory({ watch: true });
    const pool = createPool(fixture.factory);
    const lease = await pool.acquire();
    lease.value.kill?.();
    expect(fixture.reasons()).toEqual([]);
    lease.release();
    expect(fixture.reasons()).toEqual(['died']);
    expect(pool.stats().idle).toBe(0);
    await pool.close();
  });

  it('a death reported twice or after destroy is ignored', async () => {
    const fixture = testFactory({ watch: true });
    const pool = createPool(fixture.factory);
    const lease = await pool.acquire();
    const kill = lease.value.kill;
    lease.release();
    kill?.();
    kill?.();
    expect(fixture.reasons()).toEqual(['died']);
    expect(pool.stats().destroyed).toBe(1);
    await pool.close();
  });
});
