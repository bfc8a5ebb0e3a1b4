import { describe, expect, it } from 'vitest';
import { createKeyedPool, createPool } from '../../src/resource/index.js';
import { testFactory } from './helpers.js';

describe('options and arguments', () => {
  const factory = testFactory().factory;

  it('rejects unknown keys and bad values in the house style', () => {
    expect(() => createPool(factory, { maxx: 1 } as never)).toThrow(
      expect.objectContaining({ code: 'POOLKIT_UNKNOWN_OPTION', option: 'maxx' }),
    );
    expect(() => createPool(factory, { max: 0 })).toThrow('Expected `max` to be an integer >= 1, got `0` (number)');
    expect(() => createPool(factory, { min: 5, max: 2 })).toThrow(expect.objectContaining({ option: 'min' }));
    expect(() => createPool(factory, { acquireTimeoutMs: -1 })).toThrow(
      expect.objectContaining({ option: 'acquireTimeoutMs' }),
    );
    expect(() => createPool(factory, { createBackoff: { initialMs: 100, maxMs: 10 } })).toThrow(
      expect.objectContaining({ option: 'createBackoff.initialMs' }),
    );
    expect(() => createPool(factory, { idleOrder: 'random' as never })).toThrow(
      expect.objectContaining({ option: 'idleOrder' }),
    );
    expect(() => createPool({} as never)).toThrow(expect.objectContaining({ option: 'factory.create' }));
    expect(() => createPool({ create: () => 1, destroy: 5 } as never)).toThrow(
      expect.objectContaining({ option: 'factory.destroy' }),
    );
    expect(() => createKeyedPool(5 as never)).toThrow(expect.objectContaining({ option: 'factoryForKey' }));
    expect(() => createKeyedPool(() => factory, { maxPerKey: 0 })).toThrow(
      expect.objectContaining({ option: 'maxPerKey' }),
    );
  });

  it('never mutates the caller options object', () => {
    const options = Object.freeze({ max: 3, createBackoff: Object.freeze({ initialMs: 5 }) });
    const pool = createPool(factory, options);
    expect(pool.stats().max).toBe(3);
    void pool.destroy();
  });

  it('validates acquire, resize and close arguments', async () => {
    const pool = createPool(factory, { max: 2 });
    await expect(pool.acquire({ timeoutMs: -5 })).rejects.toMatchObject({
      code: 'POOLKIT_INVALID_OPTION',
      option: 'timeoutMs',
    });
    await expect(pool.acquire({ signal: {} as AbortSignal })).rejects.toMatchObject({ option: 'signal' });
    await expect(pool.use(5 as never)).rejects.toMatchObject({ option: 'fn' });
    expect(() => pool.resize({ max: 0 })).toThrow(expect.objectContaining({ option: 'max' }));
    expect(() => pool.resize({ min: 3 })).toThrow(expect.objectContaining({ option: 'min' }));
    expect(() => pool.close({ timeoutMs: -1 } as never)).toThrow(expect.objectContaining({ option: 'timeoutMs' }));
    await pool.close();
  });

  it('resize() grows and shrinks (extra idle resources trimmed)', async () => {
    const fixture = testFactory();
    const pool = createPool(fixture.factory, { max: 4 });
    const leases = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire(), pool.acquire()]);
    for (const lease of leases) lease.release();
    pool.resize({ max: 2 });
    expect(pool.stats()).toMatchObject({ max: 2, idle: 2 });
    expect(fixture.reasons()).toEqual(['trimmed', 'trimmed']);
    pool.resize({ min: 1, max: 6 });
    expect(pool.stats()).toMatchObject({ min: 1, max: 6 });
    await pool.close();
  });

  it('an already-aborted signal rejects with its reason at once', async () => {
    const pool = createPool(factory);
    const controller = new AbortController();
    const reason = new Error('already');
    controller.abort(reason);
    await expect(pool.acquire({ signal: controller.signal })).rejects.toBe(reason);
    expect(pool.stats().aborts).toBe(1);
    await pool.close();
  });
});
