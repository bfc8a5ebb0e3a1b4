import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/resource/index.js';
import { FakeClock } from '../../src/testing/index.js';
import { testFactory } from './helpers.js';

describe('saturation then recovery', () => {
  it('serves a burst far above max, then settles back to an idle pool', async () => {
    const clock = new FakeClock();
    const fixture = testFactory();
    const pool = createPool(fixture.factory, { clock, max: 3, acquireTimeoutMs: 60_000 });
    let peak = 0;
    const work = Array.from({ length: 60 }, (_, index) =>
      pool.use(async () => {
        peak = Math.max(peak, pool.stats().borrowed);
        await new Promise<void>((resolve) => clock.setTimer(resolve, 10 + (index % 3)));
        return index;
      }),
    );
    expect(pool.stats().waiting).toBe(57);
    for (let step = 0; step < 40 && pool.stats().waiting + pool.stats().borrowed > 0; step++) await clock.advance(10);
    const results = await Promise.all(work);
    expect(results).toEqual(Array.from({ length: 60 }, (_, index) => index));
    expect(peak).toBe(3);
    expect(pool.stats()).toMatchObject({ idle: 3, borrowed: 0, waiting: 0, created: 3, acquired: 60, timeouts: 0 });
    await pool.close();
  });
});
