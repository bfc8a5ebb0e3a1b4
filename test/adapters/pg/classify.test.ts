import { describe, expect, it } from 'vitest';
import { loadDriver } from '../../../src/adapters/load-driver.js';
import { isFatalPgError } from '../../../src/adapters/pg/classify.js';

describe('pg error classification and driver loading', () => {
  it.each([
    [{ code: '57P01', message: 'terminating connection due to administrator command' }, true],
    [{ code: '08006', message: 'connection failure' }, true],
    [{ code: 'ECONNRESET', message: 'read ECONNRESET' }, true],
    [new Error('Connection terminated unexpectedly'), true],
    [new Error('Query read timeout'), true],
    [{ code: '57014', message: 'canceling statement due to statement timeout' }, false],
    [{ code: '23505', message: 'duplicate key value' }, false],
    [{ code: '42601', message: 'syntax error' }, false],
    [new TypeError('user code threw'), false],
    [undefined, false],
    ['a string', false],
  ])('isFatalPgError(%o) is %s', (error, fatal) => {
    expect(isFatalPgError(error)).toBe(fatal);
  });

  it('a missing driver is a DriverMissingError with an install hint', async () => {
    const missing = Object.assign(new Error("Cannot find package 'pg' imported from x"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const error = await loadDriver('pg', () => Promise.reject(missing)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'POOLKIT_DRIVER_MISSING', cause: missing });
    expect((error as Error).message).toContain('npm install pg');
  });

  it('another import failure is rethrown as is', async () => {
    const broken = new SyntaxError('bad module');
    await expect(loadDriver('pg', () => Promise.reject(broken))).rejects.toBe(broken);
  });
});
