import { describe, expect, it } from 'vitest';
import { createPgFactory } from '../../../src/adapters/pg/factory.js';
import { requireService } from '../../helpers/services.js';
import { appName, backends, noBackendsLeft, pgConnection } from './helpers.js';

const up = await requireService('postgres');
const context = () => ({ signal: new AbortController().signal });

describe.skipIf(!up)('pg factory: connect, session settings, destroy', () => {
  it('connects with application_name and statement_timeout passed through, and destroy ends the backend', async () => {
    const name = appName('connect');
    const factory = createPgFactory({
      connection: { ...pgConnection, application_name: name, statement_timeout: 1234 },
    });
    const client = await factory.create(context());
    expect(await backends(name)).toHaveLength(1);
    const { rows } = await client.query<{ statement_timeout: string }>('SHOW statement_timeout');
    expect(rows[0]?.statement_timeout).toBe('1234ms');
    await factory.destroy?.(client, { ...context(), reason: 'closing' });
    expect(await noBackendsLeft(name)).toBe(true);
  });

  it('a statement_timeout cancel is not fatal: the connection stays usable', async () => {
    const name = appName('stmt-timeout');
    const factory = createPgFactory({ connection: { ...pgConnection, application_name: name, statement_timeout: 50 } });
    const client = await factory.create(context());
    const error = await client.query('SELECT pg_sleep(5)').catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('57014');
    expect(factory.isBroken?.(client, error)).toBe(false);
    expect(await factory.validate?.(client, context())).toBe(true);
    await factory.destroy?.(client, { ...context(), reason: 'closing' });
    expect(await noBackendsLeft(name)).toBe(true);
  });

  it('a refused connection rejects create with the driver error', async () => {
    const factory = createPgFactory({ connection: { ...pgConnection, port: 1 } });
    await expect(factory.create(context())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
