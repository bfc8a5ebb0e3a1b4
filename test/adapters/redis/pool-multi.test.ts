import { describe, expect, it } from 'vitest';
import { createRedisPool, isFatalRedisError } from '../../../src/adapters/redis/index.js';
import { startFaultProxy } from '../../../src/testing/fault-proxy.js';
import { requireService, services } from '../../helpers/services.js';
import { clientName, eventually, noClientsLeft, redisUrl } from './helpers.js';

const up = await requireService('redis');

describe.skipIf(!up)('redis pool: multi(build) pipelines MULTI/EXEC blocks on shared connections', () => {
  it('runs 200 concurrent blocks on at most max connections, each atomic and in order', async () => {
    const name = clientName('multi');
    const key = `${name}:counter`;
    const pool = createRedisPool({ client: { url: redisUrl, name }, max: 2 });
    const replies = await Promise.all(
      Array.from({ length: 200 }, () => pool.multi((tx) => tx.incr(key).incr(key).expire(key, 60))),
    );
    // Each block's two INCRs are adjacent (MULTI/EXEC is atomic): second = first + 1.
    for (const reply of replies) expect(Number(reply[1])).toBe(Number(reply[0]) + 1);
    const firsts = replies.map((reply) => Number(reply[0])).sort((a, b) => a - b);
    expect(firsts).toEqual(Array.from({ length: 200 }, (_, i) => 2 * i + 1));
    const stats = pool.stats();
    expect(stats.created).toBeLessThanOrEqual(2);
    expect(stats.borrowed).toBe(0); // every shared connection went back
    expect(await pool.use((redis) => redis.get(key))).toBe('400');
    await pool.use((redis) => redis.del(key));
    await pool.close();
    expect(await noClientsLeft(name)).toBe(true);
  });

  it('a build that throws, or a block the server refuses, rejects and gives the connection back', async () => {
    const name = clientName('multi-errors');
    const pool = createRedisPool({ client: { url: redisUrl, name }, max: 1 });
    await expect(
      pool.multi(() => {
        throw new Error('no block today');
      }),
    ).rejects.toThrow('no block today');
    // A wrong-type command fails inside EXEC: node-redis rejects the block; the connection is fine.
    await pool.use((redis) => redis.set(`${name}:s`, 'text'));
    await expect(pool.multi((tx) => tx.incr(`${name}:s`))).rejects.toBeDefined();
    expect(pool.stats().borrowed).toBe(0);
    expect(pool.stats().destroyed).toBe(0);
    expect(await pool.multi((tx) => tx.ping())).toEqual(['PONG']);
    await pool.use((redis) => redis.del(`${name}:s`));
    await pool.close();
  });

  it('rejects a build that is not a function with POOLKIT_INVALID_OPTION', async () => {
    const pool = createRedisPool({ client: { url: redisUrl }, max: 1 });
    await expect(pool.multi('INCR x' as never)).rejects.toMatchObject({ code: 'POOLKIT_INVALID_OPTION' });
    await pool.close();
  });

  it('a shared connection cut with blocks in flight: they reject, it is destroyed, the next block runs', async () => {
    const name = clientName('multi-cut');
    await using proxy = await startFaultProxy({ targetPort: services.redis.port });
    const pool = createRedisPool({ client: { socket: { host: '127.0.0.1', port: proxy.port }, name }, max: 1 });
    expect(await pool.multi((tx) => tx.ping())).toEqual(['PONG']);
    proxy.blackhole(); // the blocks below go out and get no reply: all five in flight on one connection
    const inFlight = Array.from({ length: 5 }, () =>
      pool
        .multi((tx) => tx.ping())
        .then(
          () => 'done',
          (error: unknown) => (isFatalRedisError(error) ? 'failed' : error),
        ),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    proxy.blackhole(false);
    expect(proxy.cut()).toBe(1);
    expect(await Promise.all(inFlight)).toEqual(Array(5).fill('failed'));
    expect(await eventually(() => pool.stats().borrowed === 0)).toBe(true);
    expect(await pool.multi((tx) => tx.ping())).toEqual(['PONG']);
    expect(pool.stats().created).toBe(2);
    await pool.close();
    expect(await noClientsLeft(name)).toBe(true);
  });

  it('destroy() with blocks in flight: they settle with the connection error, never a release error', async () => {
    const name = clientName('multi-destroy');
    await using proxy = await startFaultProxy({ targetPort: services.redis.port });
    const pool = createRedisPool({ client: { socket: { host: '127.0.0.1', port: proxy.port }, name }, max: 1 });
    expect(await pool.multi((tx) => tx.ping())).toEqual(['PONG']);
    proxy.blackhole(); // the blocks stay in flight until destroy() closes their connection
    const inFlight = Array.from({ length: 3 }, () =>
      pool
        .multi((tx) => tx.ping())
        .then(
          () => 'resolved',
          (error: unknown) => error,
        ),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await pool.destroy();
    for (const outcome of await Promise.all(inFlight)) {
      expect(outcome).toBeInstanceOf(Error);
      expect((outcome as { code?: string }).code).not.toBe('POOLKIT_DOUBLE_RELEASE');
    }
  });
});
