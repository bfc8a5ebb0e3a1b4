import { describe, expect, it } from 'vitest';
import { createPgFactory } from '../../../src/adapters/pg/factory.js';
import { requireService } from '../../helpers/services.js';
import { appName, noBackendsLeft, pgConnection } from './helpers.js';

const up = await requireService('postgres');
const context = () => ({ signal: new AbortController().signal });

describe.skipIf(!up)('pg factory: reset on release', () => {
  it('rolls back a transaction left open (and a failed one) before the next borrower', async () => {
    const name = appName('reset-tx');
    const factory = createPgFactory({ connection: { ...pgConnection, application_name: name } });
    const client = await factory.create(context());
    await client.query('BEGIN');
    await client.query('CREATE TEMP TABLE t_reset (x int)');
    expect(client.getTransactionStatus()).toBe('T');
    expect(await factory.reset?.(client, context())).toBe(true);
    expect(client.getTransactionStatus()).toBe('I');
    await expect(client.query('SELECT * FROM t_reset')).rejects.toMatchObject({ code: '42P01' });
    await client.query('BEGIN');
    await client.query('SELECT 1/0').catch(() => {});
    // pg rejects on the ErrorResponse, before the ReadyForQuery that carries status 'E' may have
    // been read; a second statement is sent only after it, so once that one fails the first
    // ReadyForQuery (and its 'E') has been processed.
    await expect(client.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
    expect(client.getTransactionStatus()).toBe('E');
    expect(await factory.reset?.(client, context())).toBe(true);
    expect((await client.query('SELECT 1 AS one')).rows[0]).toEqual({ one: 1 });
    await factory.destroy?.(client, { ...context(), reason: 'closing' });
    expect(await noBackendsLeft(name)).toBe(true);
  });

  it('discardOnRelease drops session state (SET); without it the state stays', async () => {
    const name = appName('reset-discard');
    const discarding = createPgFactory({
      connection: { ...pgConnection, application_name: name },
      discardOnRelease: true,
    });
    const keeping = createPgFactory({ connection: { ...pgConnection, application_name: name } });
    for (const [factory, kept] of [
      [discarding, false],
      [keeping, true],
    ] as const) {
      const client = await factory.create(context());
      await client.query("SET timezone = 'Pacific/Chatham'");
      expect(await factory.reset?.(client, context())).toBe(true);
      const { rows } = await client.query<{ TimeZone: string }>('SHOW TIME ZONE');
      expect(rows[0]?.TimeZone === 'Pacific/Chatham').toBe(kept);
      await factory.destroy?.(client, { ...context(), reason: 'closing' });
    }
    expect(await noBackendsLeft(name)).toBe(true);
  });
});
