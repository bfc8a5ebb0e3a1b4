import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/resource/index.js';
import { FakeClock } from '../../src/testing/index.js';
import { testFactory } from './helpers.js';

describe('leak detection', () => {
  it('reports a lease held past leakDetectionMs once, with the acquire stack, then the late return', async () => {
    const clock = new FakeClock();
    const pool = createPool(testFactory().factory, { clock, leakDetectionMs: 1000 });
    const reports: { code: string; stack: string; heldMs: number }[] = [];
    const returns: number[] = [];
    pool.on('leakDetected', (event) =>
      reports.push({
        code: (event.error as Error & { code: string }).code,
        stack: event.error.stack ?? '',
        heldMs: event.heldMs,
      }),
    );
    pool.on('leakReturned', (event) => returns.push(event.heldMs));
    const leaked = await pool.acquire();
    const fine = await pool.acquire();
    await clock.advance(500);
    fine.release();
    await clock.advance(500);
    expect(reports.length).toBe(1);
    expect(reports[0]?.code).toBe('POOLKIT_LEAK_DETECTED');
    expect(reports[0]?.stack).toContain('leak-detection.test.ts');
    await clock.advance(5000);
    expect(reports.length).toBe(1); // once
    leaked.release();
    expect(returns).toEqual([6000]);
    await pool.close();
  });

  it('is off by default: no timer per lease', async () => {
    const clock = new FakeClock();
    const pool = createPool(testFactory().factory, { clock, idleTimeoutMs: Number.POSITIVE_INFINITY });
    const lease = await pool.acquire();
    expect(clock.pendingTimers).toBe(0);
    lease.release();
    await pool.close();
  });
});
