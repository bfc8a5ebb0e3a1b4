import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKeyedPool } from '../../src/resource/index.js';
import { fuzzPool } from '../../src/testing/fuzz.js';
import { FakeClock } from '../../src/testing/index.js';
import { PROPERTY_SEED } from '../helpers/seed.js';
import { testFactory } from './helpers.js';

describe('model-based fuzz (DESIGN section 5 invariants after every step)', () => {
  it('holds over a thousand seeded runs with faults (latency, failures, hangs, deaths, refusals)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
        const report = await fuzzPool({ runs: 1, steps: 40, seed });
        expect(report.runs).toBe(1);
      }),
      { seed: PROPERTY_SEED, numRuns: 1000 },
    );
  }, 60_000);

  it('holds with a tiny pool and no idle floor (max 1, minIdle 0)', async () => {
    const report = await fuzzPool({ runs: 150, steps: 40, seed: PROPERTY_SEED, poolOptions: { max: 1, minIdle: 0 } });
    expect(report.acquires).toBeGreaterThan(150);
  }, 60_000);

  it('keyed pools keep their global cap under random traffic', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), holdMs: fc.integer({ min: 0, max: 30 }) }), {
          maxLength: 40,
        }),
        async (requests) => {
          const clock = new FakeClock();
          const pool = createKeyedPool((_key: string) => testFactory().factory, {
            clock,
            maxPerKey: 2,
            max: 3,
            maxIdle: 2,
            acquireTimeoutMs: 100_000,
          });
          let peak = 0;
          const done = requests.map((request) =>
            pool.use(request.key, async () => {
              const total = pool.stats().total;
              peak = Math.max(peak, total.borrowed + total.idle + total.creating);
              await new Promise<void>((resolve) => clock.setTimer(resolve, request.holdMs));
            }),
          );
          for (let turn = 0; turn < 200 && pool.stats().total.borrowed + pool.stats().total.waiting > 0; turn++) {
            await clock.advance(10);
          }
          await Promise.all(done);
          expect(peak).toBeLessThanOrEqual(3);
          await pool.close();
          const total = pool.stats().total;
          expect(total.created).toBe(total.destroyed);
        },
      ),
      { seed: PROPERTY_SEED, numRuns: 60 },
    );
  }, 60_000);
});
