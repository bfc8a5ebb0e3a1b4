import { describe, expect, it } from 'vitest';
import { createRedisPool, isFatalRedisError } from '../../../src/adapters/redis/index.js';
import { requireService } from '../../helpers/services.js';
import { clientName, clients, eventually, killClients, noClientsLeft, redisUrl } from './helpers.js';

const up = await requireService('redis');

describe.skipIf(!up)('redis pool: CLIENT KILL on idle and busy connections', () => {
  it('idle clients killed: evicted as died with no unhandled error, the pool recovers', async () => {
    const name = clientName('kill-idle');
    const pool = createRedisPool({ client: { url: redisUrl, name }, min: 3, max: 3 });
    await pool.pool.ready();
    expect(await eventually(async () => (await clients(name)).length === 3)).toBe(true);
    expect(await killClients(name)).toBe(3);
    expect(await eventually(() => pool.stats().destroyedByReason.died === 3)).toBe(true);
    const replies = await Promise.all(Array.from({ length: 6 }, () => pool.use((redis) => redis.ping())));
    expect(replies).toEqual(Array(6).fill('PONG'));
    await pool.close();
    expect(await noClientsLeft(name)).toBe(true);
  });

  it('clients killed in the middle of BLPOP: those calls fail (fatal), the next ones succeed', async () => {
    const name = clientName('kill-busy');
    const pool = createRedisPool({ client: { url: redisUrl, name }, max: 2 });
    const blocked = Array.from({ length: 2 }, () =>
      pool
        .use((redis) => redis.blPop(`${name}:never`, 30))
        .then(
          () => 'returned',
          (error: unknown) => error,
        ),
    );
    expect(await eventually(async () => (await clients(name)).filter((c) => c.cmd === 'blpop').length === 2)).toBe(
      true,
    );
    expect(await killClients(name, 'blpop')).toBe(2);
    const outcomes = await Promise.all(blocked);
    expect(outcomes.every((outcome) => isFatalRedisError(outcome))).toBe(true);
    expect(await pool.use((redis) => redis.ping())).toBe('PONG');
    const { destroyedByReason } = pool.stats();
    expect(destroyedByReason.broken + destroyedByReason.died).toBe(2);
    await pool.close();
    expect(await noClientsLeft(name)).toBe(true);
  });
});
