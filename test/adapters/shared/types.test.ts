import type { Client, QueryResult } from 'pg';
import { describe, expectTypeOf, it } from 'vitest';
import { createMysqlPool, type MysqlPool } from '../../../src/adapters/mysql/index.js';
import { createPgPool, type PgPool, type PgPoolClient } from '../../../src/adapters/pg/index.js';
import { createRedisPool, type RedisClient, type RedisPool } from '../../../src/adapters/redis/index.js';
import type { Lease } from '../../../src/resource/index.js';

describe('adapter types', () => {
  it('pg pool', () => {
    expectTypeOf(createPgPool).returns.toEqualTypeOf<PgPool>();
    expectTypeOf<PgPool['query']>().returns.toEqualTypeOf<Promise<QueryResult<import('pg').QueryResultRow>>>();
    expectTypeOf<PgPool['connect']>().returns.toEqualTypeOf<Promise<PgPoolClient>>();
    expectTypeOf<PgPool['acquire']>().returns.toEqualTypeOf<Promise<Lease<Client>>>();
    expectTypeOf<PgPoolClient['release']>().parameter(0).toEqualTypeOf<Error | boolean | undefined>();
    // @ts-expect-error pg.Pool's name; poolkit uses idleTimeoutMs (never called: a type check only)
    expectTypeOf(() => createPgPool({ idleTimeoutMillis: 1 })).toBeFunction();
  });

  it('mysql and redis pools', () => {
    expectTypeOf(createMysqlPool).returns.toEqualTypeOf<MysqlPool>();
    expectTypeOf(createRedisPool).returns.toEqualTypeOf<RedisPool>();
    expectTypeOf<RedisPool['use']>().parameter(0).parameter(0).toEqualTypeOf<RedisClient>();
    // @ts-expect-error mysql2's name; poolkit uses max (never called: a type check only)
    expectTypeOf(() => createMysqlPool({ connectionLimit: 3 })).toBeFunction();
  });
});
