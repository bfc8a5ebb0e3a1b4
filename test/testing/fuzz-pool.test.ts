import { describe, expect, it } from 'vitest';
import type { Factory } from '../../src/resource/index.js';
import { FuzzFailure, fuzzPool } from '../../src/testing/index.js';

describe('fuzzPool on a user factory', () => {
  it('passes for a well-behaved factory and reports what it did', async () => {
    let id = 0;
    const report = await fuzzPool({
      factory: ({ clock }) => ({
        create: () => new Promise<{ id: number }>((resolve) => clock.setTimer(() => resolve({ id: ++id }), 5)),
        destroy: () => {},
      }),
      runs: 20,
      steps: 40,
      seed: 3,
    });
    expect(report).toMatchObject({ runs: 20, steps: 40, firstSeed: 3 });
    expect(report.acquires).toBeGreaterThan(0);
  });

  it('fails with a reproducible FuzzFailure when the factory hands out the same object twice', async () => {
    const shared = { id: 1 };
    const broken: Factory<{ id: number }> = { create: () => shared };
    const run = fuzzPool({ factory: () => broken, runs: 30, steps: 40, seed: 5, poolOptions: { max: 3 } });
    await expect(run).rejects.toBeInstanceOf(FuzzFailure);
    const failure = (await run.catch((error: unknown) => error)) as FuzzFailure;
    expect(failure.message).toContain('two holders');
    expect(failure.trace.length).toBeGreaterThan(0);
    expect(typeof failure.seed).toBe('number');
  });
});
