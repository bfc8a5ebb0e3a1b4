import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/resource/index.js';
import { FakeClock } from '../../src/testing/index.js';
import { deferred, testFactory, track } from './helpers.js';

describe('abort during validation', () => {
  it('rejects with signal.reason at once; the validated resource goes back to the pool', async () => {
    const clock = new FakeClock();
    const validation = deferred<boolean>();
    let validateSignal: AbortSignal | undefined;
    const fixture = testFactory({
      validate: (_conn, context) => {
        validateSignal = context.signal;
        return validation.promise;
      },
    });
    const pool = createPool(fixture.factory, { clock, validateAfterIdleMs: 100 });
    (await pool.acquire()).release();
    await clock.advance(200);
    const controller = new AbortController();
    const reason = new Error('user navigated away');
    const acquire = track(pool.acquire({ signal: controller.signal }));
    expect(pool.stats().borrowed).toBe(1); // being validated
    controller.abort(reason);
    await clock.advance(0);
    expect(acquire.status).toBe('rejected');
    expect(acquire.error).toBe(reason);
    expect(validateSignal?.aborted).toBe(false); // the caller's abort is not the factory's business
    validation.resolve(true);
    await clock.advance(0);
    expect(pool.stats()).toMatchObject({ idle: 1, borrowed: 0, aborts: 1, validationFailures: 0 });
    await pool.close();
  });

  it('a validation that hangs is aborted at validateTimeoutMs and the resource destroyed', async () => {
    const clock = new FakeClock();
    let validateSignal: AbortSignal | undefined;
    const fixture = testFactory({
      validate: (_conn, context) => {
        validateSignal = context.signal;
        return new Promise<boolean>(() => {});
      },
    });
    const pool = createPool(fixture.factory, { clock, validateAfterIdleMs: 0, validateTimeoutMs: 50 });
    (await pool.acquire()).release();
    await clock.advance(1);
    const acquire = track(pool.acquire());
    await clock.advance(50);
    expect(validateSignal?.aborted).toBe(true);
    expect(fixture.reasons()).toEqual(['validation-failed']);
    await clock.advance(0);
    expect(acquire.status).toBe('fulfilled'); // a fresh resource was created for the same waiter
    await pool.destroy();
  });
});
