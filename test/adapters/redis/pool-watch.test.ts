import { describe, expect, it } from 'vitest';
import { createRedisPool, isFatalRedisError } from '../../../src/adapters/redis/index.js';
import { requireService } from '../../helpers/services.js';
import { clientName, noClientsLeft, redisUrl } from './helpers.js';

const up = await requireService('redis');

describe.skipIf(!up)('redis pool: WATCH', () => {
  it('a WATCHed key changed by another connection aborts EXEC; the connection is kept', async () => {
    const name = clientName('watch');
    const key = `${name}:balance`;
    const pool = createRedisPool({ client: { url: redisUrl, name }, max: 2 });
    await pool.use((redis) => redis.set(key, '10'));
    const error = await pool
      .use(async (redis) => {
        await redis.watch(key);
        await pool.use((other) => other.set(key, '99'));
        return redis.multi().set(key, '11').exec();
      })
      .catch((e: unknown) => e);
    expect((error as Error).constructor.name).toBe('WatchError');
    expect(isFatalRedisError(error)).toBe(false);
    expect(await pool.use((redis) => redis.get(key))).toBe('99');
    expect(pool.stats().created).toBe(2);
    await pool.use((redis) => redis.del(key));
    await pool.close();
    expect(await noClientsLeft(name)).toBe(true);
  });

  it('a WATCH left behind by a throwing callback is cleared before the next borrower', async () => {
    const name = clientName('unwatch');
    const key = `${name}:k`;
    const pool = createRedisPool({ client: { url: redisUrl, name }, max: 1 });
    await expect(
      pool.use(async (redis) => {
        await redis.watch(key);
        throw new Error('gave up');
      }),
    ).rejects.toThrow('gave up');
    // Change the key from outside: with the WATCH still active, the next MULTI would fail.
    await pool.use((redis) => redis.set(key, 'changed'));
    const result = await pool.use((redis) => redis.multi().set(key, 'mine').exec());
    expect(result).toEqual(['OK']);
    await pool.use((redis) => redis.del(key));
    await pool.close();
    expect(await noClientsLeft(name)).toBe(true);
  });
});
