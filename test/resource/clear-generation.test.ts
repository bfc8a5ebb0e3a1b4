import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/resource/index.js';
import { testFactory } from './helpers.js';

describe('clear()', () => {
  it('destroys idle resources now and borrowed ones on return (by generation)', async () => {
    const fixture = testFactory();
    const pool = createPool(fixture.factory, { max: 3 });
    const leases = [await pool.acquire(), await pool.acquire(), await pool.acquire()];
    leases[0]?.release();
    leases[1]?.release();
    const generations: number[] = [];
    pool.on('poolCleared', (event) => generations.push(event.generation));
    await pool.clear();
    expect(fixture.reasons()).toEqual(['cleared', 'cleared']);
    expect(generations).toEqual([1]);
    expect(pool.stats()).toMatchObject({ idle: 0, borrowed: 1, generation: 1 });
    const fresh = await pool.acquire();
    expect(fresh.value.id).toBe(4);
    leases[2]?.release();
    expect(fixture.reasons()).toEqual(['cleared', 'cleared', 'cleared']);
    fresh.release();
    expect(pool.stats().idle).toBe(1);
    await pool.close();
  });
});
