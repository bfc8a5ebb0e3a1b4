import type { Client } from 'pg';
import { describe, expect, it } from 'vitest';
import { createPgPool } from '../../../src/adapters/pg/index.js';
import { requireService } from '../../helpers/services.js';
import { appName, backends, eventually, noBackendsLeft, pgConnection } from './helpers.js';

const up = await requireService('postgres');

describe.skipIf(!up)('pg pool: query shortcut, connect/release, pg.Pool events and counters', () => {
  it('serves 64 concurrent queries through 4 connections and leaves none after close', async () => {
    const name = appName('query');
    const pool = createPgPool({ connection: { ...pgConnection, application_name: name }, max: 4 });
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) => pool.query<{ n: number }>('SELECT $1::int AS n', [i])),
    );
    expect(results.map((result) => result.rows[0]?.n)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(pool.totalCount).toBeLessThanOrEqual(4);
    // totalCount includes connections still starting; their backends show their application_name
    // only once the startup packet is read, so wait for the server to agree.
    expect(await eventually(async () => (await backends(name)).length === pool.totalCount)).toBe(true);
    expect(pool.waitingCount).toBe(0);
    await pool.end();
    expect(pool.ended).toBe(true);
    expect(await noBackendsLeft(name)).toBe(true);
  });

  it('connect() lends a client with release(); release(true) destroys it; events carry the client', async () => {
    const name = appName('connect');
    const pool = createPgPool({ connection: { ...pgConnection, application_name: name }, max: 2 });
    const seen: string[] = [];
    const removed: Client[] = [];
    pool.on('connect', () => seen.push('connect'));
    pool.on('acquire', () => seen.push('acquire'));
    pool.on('release', (error) => seen.push(`release:${error === undefined}`));
    pool.on('remove', (client) => removed.push(client));
    const client = await pool.connect();
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    client.release();
    const again = await pool.connect();
    expect(again).toBe(client);
    again.release(true);
    await pool.close();
    // (whether a holder's destroy also emits 'release' is the resource pool's business)
    expect(seen.slice(0, 4)).toEqual(['connect', 'acquire', 'release:true', 'acquire']);
    expect(removed).toEqual([client]);
    expect(await noBackendsLeft(name)).toBe(true);
  });

  it('a statement error is returned to the caller and the connection is kept', async () => {
    const name = appName('stmt-error');
    const pool = createPgPool({ connection: { ...pgConnection, application_name: name }, max: 1 });
    await expect(pool.query('SELECT * FROM no_such_table')).rejects.toMatchObject({ code: '42P01' });
    await expect(pool.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
    expect(pool.stats().created).toBe(1);
    await pool.close();
    expect(await noBackendsLeft(name)).toBe(true);
  });

  it('rejects bad options with typed errors', () => {
    expect(() => createPgPool({ discardOnRelease: 'yes' as unknown as boolean })).toThrow(
      expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION', option: 'discardOnRelease' }),
    );
    expect(() => createPgPool({ connection: 42 as unknown as string })).toThrow(
      expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION', option: 'connection' }),
    );
    expect(() => createPgPool({ driver: {} as never })).toThrow(expect.objectContaining({ option: 'driver' }));
    expect(() => createPgPool({ maxx: 3 } as never)).toThrow(
      expect.objectContaining({ code: 'POOLKIT_UNKNOWN_OPTION' }),
    );
  });
});
