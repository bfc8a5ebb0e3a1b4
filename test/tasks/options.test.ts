import { describe, expect, it } from 'vitest';
import { createTaskPool, InvalidOptionError, UnknownOptionError } from '../../src/index.js';

describe('TaskPool: option validation', () => {
  it('validates constructor options in the house style and rejects unknown keys', () => {
    expect(() => createTaskPool({ concurrency: 0 })).toThrow(InvalidOptionError);
    expect(() => createTaskPool({ concurrency: 0 })).toThrow(
      'Expected `concurrency` to be an integer >= 1 or Infinity, got `0` (number)',
    );
    expect(() => createTaskPool({ maxQueued: -1 })).toThrow(/maxQueued/);
    expect(() => createTaskPool({ timeoutMs: Number.NaN })).toThrow(/timeoutMs/);
    expect(() => createTaskPool({ detectDeadlock: 'yes' as never })).toThrow(/detectDeadlock/);
    expect(() => createTaskPool({ concurency: 2 } as never)).toThrow(UnknownOptionError);
    expect(createTaskPool().concurrency).toBe(10);
    expect(createTaskPool({ concurrency: Number.POSITIVE_INFINITY }).concurrency).toBe(Number.POSITIVE_INFINITY);
  });

  it('does not mutate or keep the caller options object', () => {
    const options = { concurrency: 2 };
    const pool = createTaskPool(options);
    options.concurrency = 100;
    expect(pool.concurrency).toBe(2);
  });

  it('validates run options per call, synchronously, with typed errors', () => {
    const pool = createTaskPool();
    const fn = async () => 1;
    expect(() => pool.run('nope' as never)).toThrow(/`fn` to be a function/);
    expect(() => pool.run(fn, { timeoutMs: -1 })).toThrow(InvalidOptionError);
    expect(() => pool.run(fn, { queueTimeoutMs: Number.NaN })).toThrow(/queueTimeoutMs/);
    expect(() => pool.run(fn, { priority: Number.POSITIVE_INFINITY })).toThrow(/priority/);
    expect(() => pool.run(fn, { signal: {} as never })).toThrow(/AbortSignal/);
    expect(() => pool.run(fn, { deadline: 'soon' as never })).toThrow(/deadline/);
    expect(() => pool.run(fn, { timeout: 5 } as never)).toThrow(UnknownOptionError);
    expect(() => pool.run(fn, null as never)).toThrow(/options/);
    expect(pool.stats().submitted).toBe(0); // nothing was admitted
  });
});
