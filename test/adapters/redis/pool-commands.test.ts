import { describe, expect, it } from 'vitest';
import { createRedisPool } from '../../../src/adapters/redis/index.js';
import { requireService } from '../../helpers/services.js';
import { clientName, clients, noClientsLeft, redisUrl } from './helpers.js';

const up = await requireService('redis');

describe.skipIf(!up)('redis pool: MULTI/EXEC, blocking commands, subscriber clients', () => {
  it('32 callers run MULTI INCR EXPIRE EXEC through 4 connections; none left after close', async () => {
    const name = clientName('multi');
    const key = `${name}:counter`;
    const pool = createRedisPool({ client: { url: redisUrl, name }, max: 4 });
    await Promise.all(
      Array.from({ length: 32 }, () => pool.use((redis) => redis.multi().incr(key).expire(key, 60).exec())),
    );
    expect(await pool.use((redis) => redis.get(key))).toBe('32');
    expect((await clients(name)).length).toBeLessThanOrEqual(4);
    await pool.use((redis) => redis.del(key));
    await pool.close();
    expect(await noClientsLeft(name)).toBe(true);
  });

  it('a BLPOP holds its own connection while another caller pushes on another one', async () => {
    const name = clientName('blpop');
    const list = `${name}:jobs`;
    const pool = createRedisPool({ client: { url: redisUrl, name }, max: 2 });
    const popped = pool.use((redis) => redis.blPop(list, 5));
    await pool.use((redis) => redis.rPush(list, 'job-1'));
    expect(await popped).toEqual({ key: list, element: 'job-1' });
    expect(pool.stats().created).toBe(2);
    await pool.close();
    expect(await noClientsLeft(name)).toBe(true);
  });

  it('a client left in subscriber mode is destroyed on release, never lent again', async () => {
    const name = clientName('pubsub');
    const pool = createRedisPool({ client: { url: redisUrl, name }, max: 1 });
    const subscribed = await pool.use(async (redis) => {
      await redis.subscribe(`${name}:channel`, () => {});
      return redis;
    });
    const next = await pool.use((redis) => redis);
    expect(next).not.toBe(subscribed);
    expect(await pool.use((redis) => redis.ping())).toBe('PONG');
    await pool.close();
    expect(await noClientsLeft(name)).toBe(true);
  });

  it('rejects bad options with typed errors', () => {
    expect(() => createRedisPool({ client: 'redis://x' as never })).toThrow(
      expect.objectContaining({ code: 'POOLKIT_INVALID_OPTION', option: 'client' }),
    );
    expect(() => createRedisPool({ url: 'redis://x' } as never)).toThrow(
      expect.objectContaining({ code: 'POOLKIT_UNKNOWN_OPTION' }),
    );
  });
});
