import { describe, expect, it } from 'vitest';
import { createPgPool } from '../../../src/adapters/pg/index.js';
import { requireService } from '../../helpers/services.js';
import { appName, backends, eventually, noBackendsLeft, pgConnection } from './helpers.js';

const up = await requireService('postgres');

describe.skipIf(!up)('pg pool: destroy() with queries in flight', () => {
  it('the in-flight query rejects with the connection error, never a release error or an uncaught one', async () => {
    const name = appName('destroy');
    const pool = createPgPool({ connection: { ...pgConnection, application_name: name }, max: 1 });
    const inFlight = pool.query('SELECT pg_sleep(5)').then(
      () => 'resolved',
      (error: unknown) => error,
    );
    expect(await eventually(async () => (await backends(name, 'active')).length === 1, 2000)).toBe(true);
    await pool.destroy();
    const outcome = await inFlight;
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as { code?: string }).code).not.toBe('POOLKIT_DOUBLE_RELEASE');
    expect(await noBackendsLeft(name)).toBe(true);
  });
});
