import { describe, expect, it } from 'vitest';
import { createPool, type DestroyReason } from '../../src/resource/index.js';
import { createFaultFactory, FakeClock } from '../../src/testing/index.js';

describe('stats agree with the event log', () => {
  it('counts every create, acquire, release, failure and destroy the events reported', async () => {
    const clock = new FakeClock();
    const factory = createFaultFactory({ clock, latencyMs: [1, 20], failureRate: 0.2, seed: 11 });
    const pool = createPool(factory, { clock, max: 3, acquireTimeoutMs: 100, idleTimeoutMs: 50 });
    const log = {
      created: 0,
      createFailed: 0,
      started: 0,
      succeeded: 0,
      failed: 0,
      released: 0,
      destroyed: new Map<DestroyReason, number>(),
    };
    pool.on('resourceCreated', () => log.created++);
    pool.on('resourceCreateFailed', () => log.createFailed++);
    pool.on('acquireStarted', () => log.started++);
    pool.on('acquireSucceeded', () => log.succeeded++);
    pool.on('acquireFailed', () => log.failed++);
    pool.on('released', () => log.released++);
    pool.on('resourceDestroyed', (event) =>
      log.destroyed.set(event.reason, (log.destroyed.get(event.reason) ?? 0) + 1),
    );
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      work.push(
        pool
          .acquire()
          .then(async (lease) => {
            await new Promise<void>((resolve) => clock.setTimer(resolve, i % 7));
            if (i % 5 === 0) await lease.destroy();
            else lease.release(i % 3 === 0 ? { error: new Error('x') } : undefined);
          })
          .catch(() => undefined),
      );
      if (i % 4 === 0) factory.kill(1);
      await clock.advance(3);
    }
    await clock.advance(500);
    await Promise.all(work);
    await pool.close();
    const stats = pool.stats();
    expect(stats.created).toBe(log.created);
    expect(stats.createFailures).toBe(log.createFailed);
    expect(stats.acquired).toBe(log.succeeded);
    expect(stats.timeouts + stats.aborts + stats.rejected).toBe(log.failed);
    expect(log.started).toBe(40);
    expect(log.succeeded + log.failed).toBe(40);
    expect(stats.released).toBe(log.released + stats.destroyedByReason['destroyed-by-holder']);
    let destroyed = 0;
    for (const [reason, count] of log.destroyed) {
      expect(stats.destroyedByReason[reason]).toBe(count);
      destroyed += count;
    }
    expect(stats.destroyed).toBe(destroyed);
    expect(stats.created).toBe(stats.destroyed);
    expect(stats.createFailures).toBeGreaterThan(0);
    expect(log.destroyed.get('died') ?? 0).toBeGreaterThan(0); // killed resources were retired as dead
  });

  it('stats() is a plain snapshot object', async () => {
    const pool = createPool({ create: () => ({}) });
    const before = pool.stats();
    (await pool.acquire()).release();
    expect(before.acquired).toBe(0);
    expect(pool.stats().acquired).toBe(1);
    expect(Object.getPrototypeOf(before)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(before))).toEqual(before);
    await pool.close();
  });
});
