import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/resource/index.js';
import { FakeClock } from '../../src/testing/index.js';
import { testFactory, track } from './helpers.js';

describe('a create that rejects at once', () => {
  it('rejects the acquire at its deadline with the create error as cause, rate-limited by backoff', async () => {
    const clock = new FakeClock();
    const boom = new Error('ECONNREFUSED');
    const fixture = testFactory({ failCreate: () => boom });
    const pool = createPool(fixture.factory, {
      clock,
      acquireTimeoutMs: 1000,
      createBackoff: { initialMs: 10, maxMs: 200 },
    });
    const failures: number[] = [];
    pool.on('resourceCreateFailed', (event) => failures.push(event.backoffMs));
    const acquire = track(pool.acquire());
    await clock.advance(999);
    expect(acquire.status).toBe('pending');
    // Backoff 10, 20, 40, 80, 160, 200... (halved at most by jitter): far fewer than one create per ms.
    expect(fixture.createCalls).toBeGreaterThan(3);
    expect(fixture.createCalls).toBeLessThan(25);
    for (const backoff of failures) expect(backoff).toBeLessThanOrEqual(200);
    await clock.advance(1);
    expect(acquire.status).toBe('rejected');
    const error = acquire.error as Error & {
      code: string;
      phase: string;
      cause: unknown;
      stats: { createFailures: number };
    };
    expect(error.code).toBe('POOLKIT_ACQUIRE_TIMEOUT');
    expect(error.phase).toBe('create');
    expect(error.cause).toBe(boom);
    expect(error.stats.createFailures).toBe(fixture.createCalls);
    await pool.close();
  });

  it('keeps the event loop running (a real timer fires while creates keep failing)', async () => {
    // generic-pool spins forever in this situation (DESIGN section 11); here a real setImmediate still runs.
    const fixture = testFactory({ failCreate: () => new Error('down') });
    const pool = createPool(fixture.factory, { acquireTimeoutMs: 50, createBackoff: { initialMs: 1, maxMs: 2 } });
    const acquire = pool.acquire();
    let turns = 0;
    await new Promise<void>((resolve) => {
      const spin = () => {
        turns++;
        if (turns < 5) setImmediate(spin);
        else resolve();
      };
      setImmediate(spin);
    });
    expect(turns).toBe(5);
    await expect(acquire).rejects.toMatchObject({ code: 'POOLKIT_ACQUIRE_TIMEOUT' });
    await pool.destroy();
  });
});
