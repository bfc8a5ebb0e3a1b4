import { describe, expect, it } from 'vitest';
import { basicPool, closeAndCheck } from './helpers.js';

describe('errors thrown in a worker', () => {
  it('keep name, message, stack, code, cause and custom fields', async () => {
    const pool = basicPool();
    const error = (await pool
      .run('fail', { message: 'out of range', code: 'E_RANGE' })
      .catch((e: unknown) => e)) as RangeError & {
      code: string;
      extra: unknown;
    };
    expect(error).toBeInstanceOf(RangeError);
    expect(error.name).toBe('RangeError');
    expect(error.message).toBe('out of range');
    expect(error.code).toBe('E_RANGE');
    expect(error.extra).toEqual({ detail: 42 });
    expect(error.stack).toContain('fixtures/basic.js');
    expect(error.cause).toBeInstanceOf(TypeError);
    expect((error.cause as Error).message).toBe('inner cause');
    await closeAndCheck(pool);
  });

  it('keep the name of a custom class and pass non-errors through', async () => {
    const pool = basicPool();
    const custom = (await pool.run('failWithCustomClass').catch((e: unknown) => e)) as Error;
    expect(custom).toBeInstanceOf(Error);
    expect(custom.name).toBe('ValidationError');
    expect(custom.message).toBe('bad input');
    await expect(pool.run('throwString')).rejects.toBe('plain string');
    expect(pool.stats().failed).toBe(2);
    await closeAndCheck(pool);
  });
});
