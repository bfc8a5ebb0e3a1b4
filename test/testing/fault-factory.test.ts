import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/resource/index.js';
import { createFaultFactory, FakeClock } from '../../src/testing/index.js';

describe('createFaultFactory', () => {
  it('draws latency from a distribution on the given clock', async () => {
    const clock = new FakeClock();
    const factory = createFaultFactory({ clock, latencyMs: [10, 20] });
    let done = false;
    const created = Promise.resolve(factory.create({ signal: new AbortController().signal })).then((resource) => {
      done = true;
      return resource;
    });
    await clock.advance(9);
    expect(done).toBe(false);
    await clock.advance(11);
    expect((await created).id).toBe(1);
  });

  it('fails at the configured rate, reproducibly for a seed', () => {
    const outcomes = (seed: number) => {
      const factory = createFaultFactory({ failureRate: 0.3, seed });
      return Array.from({ length: 200 }, () => {
        try {
          factory.create({ signal: new AbortController().signal });
          return 1;
        } catch {
          return 0;
        }
      });
    };
    const first = outcomes(7);
    const failures = first.filter((ok) => ok === 0).length;
    expect(failures).toBeGreaterThan(35);
    expect(failures).toBeLessThan(85);
    expect(outcomes(7)).toEqual(first);
  });

  it('hangs until the signal aborts, fails after N, refuses for a while', async () => {
    const clock = new FakeClock();
    const hanging = createFaultFactory({ clock, hangRate: 1 });
    const controller = new AbortController();
    const pending = Promise.resolve(hanging.create({ signal: controller.signal }));
    controller.abort(new Error('timeout'));
    await expect(pending).rejects.toThrow('timeout');
    expect(hanging.stats().hangs).toBe(1);

    const limited = createFaultFactory({ failAfter: 2 });
    const signal = new AbortController().signal;
    limited.create({ signal });
    limited.create({ signal });
    expect(() => limited.create({ signal })).toThrow('fault: no more resources');

    const refusing = createFaultFactory({ clock, refuseForMs: 100 });
    expect(() => refusing.create({ signal })).toThrow('fault: connection refused');
    await clock.advance(100);
    expect(refusing.create({ signal })).toMatchObject({ id: 1, alive: true });
  });

  it('kills idle resources: a pool evicts them at once', async () => {
    const clock = new FakeClock();
    const factory = createFaultFactory({ clock });
    const pool = createPool(factory, { clock });
    const leases = [await pool.acquire(), await pool.acquire()];
    for (const lease of leases) lease.release();
    expect(factory.kill(1)).toBe(1);
    expect(pool.stats()).toMatchObject({ idle: 1, destroyedByReason: expect.objectContaining({ died: 1 }) });
    factory.refuseFor(50);
    expect(factory.stats()).toMatchObject({ creates: 2, killed: 1, alive: 1 });
    await pool.close();
    expect(factory.stats().alive).toBe(0);
  });

  it('rejects bad options in the house style', () => {
    expect(() => createFaultFactory({ failureRate: 2 })).toThrow(
      expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION' }),
    );
    expect(() => createFaultFactory({ latencyMs: [5, 1] })).toThrow(expect.objectContaining({ option: 'latencyMs' }));
  });
});
