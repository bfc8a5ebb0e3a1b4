import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/resource/index.js';
import { FakeClock } from '../../src/testing/index.js';
import { testFactory } from './helpers.js';

async function lightLoad(idleOrder: 'lifo' | 'fifo') {
  const clock = new FakeClock();
  const fixture = testFactory();
  const pool = createPool(fixture.factory, { clock, max: 5, idleTimeoutMs: 1000, idleOrder });
  const burst = await Promise.all(Array.from({ length: 5 }, () => pool.acquire()));
  for (const lease of burst) lease.release();
  // Light load afterwards: one borrow every 100 ms for 3 s.
  for (let t = 0; t < 3000; t += 100) {
    (await pool.acquire()).release();
    await clock.advance(100);
  }
  const stats = pool.stats();
  await pool.close();
  return stats;
}

describe('idle order', () => {
  it('LIFO lets the pool shrink under light load (the unused resources time out)', async () => {
    const stats = await lightLoad('lifo');
    expect(stats.idle).toBe(1);
    expect(stats.destroyedByReason['idle-timeout']).toBe(4);
  });

  it('FIFO keeps every resource warm (for contrast)', async () => {
    const stats = await lightLoad('fifo');
    expect(stats.idle).toBe(5);
    expect(stats.destroyedByReason['idle-timeout']).toBe(0);
  });
});
