import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/resource/index.js';
import { testFactory } from './helpers.js';

describe('await using and use()', () => {
  it('await using releases on success', async () => {
    const pool = createPool(testFactory().factory);
    {
      await using lease = await pool.acquire();
      expect(pool.stats().borrowed).toBe(1);
      expect(lease.value.id).toBe(1);
    }
    expect(pool.stats()).toMatchObject({ borrowed: 0, idle: 1, released: 1 });
    await pool.close();
  });

  it('await using releases when the block throws', async () => {
    const pool = createPool(testFactory().factory);
    const failing = async () => {
      await using _lease = await pool.acquire();
      throw new Error('boom');
    };
    await expect(failing()).rejects.toThrow('boom');
    expect(pool.stats()).toMatchObject({ borrowed: 0, idle: 1 });
    await pool.close();
  });

  it('await using after an explicit release does not throw', async () => {
    const pool = createPool(testFactory().factory);
    {
      await using lease = await pool.acquire();
      lease.release();
    }
    expect(pool.stats().released).toBe(1);
    await pool.close();
  });

  it('use() releases on success and passes the error to isBroken on throw', async () => {
    const seen: unknown[] = [];
    const fixture = testFactory({
      isBroken: (_conn, error) => {
        seen.push(error);
        return (error as Error).message === 'fatal';
      },
    });
    const pool = createPool(fixture.factory);
    expect(await pool.use((conn) => conn.id * 10)).toBe(10);
    await expect(pool.use(() => Promise.reject(new Error('soft')))).rejects.toThrow('soft');
    expect(pool.stats().idle).toBe(1);
    await expect(
      pool.use(() => {
        throw new Error('fatal');
      }),
    ).rejects.toThrow('fatal');
    expect(fixture.reasons()).toEqual(['broken']);
    expect(seen.map((error) => (error as Error).message)).toEqual(['soft', 'fatal']);
    await pool.close();
  });
});
