import { describe, expect, it } from 'vitest';
import { createRedisPool, isFatalRedisError } from '../../../src/adapters/redis/index.js';
import { startFaultProxy } from '../../../src/testing/fault-proxy.js';
import { requireService, services } from '../../helpers/services.js';
import { runLoad } from '../pg/load.js';
import { clientName, noClientsLeft } from './helpers.js';

const up = await requireService('redis');

describe.skipIf(!up)('redis pool behind the fault proxy', () => {
  it('all connections cut mid-run: only in-flight transactions fail, the pool recovers', async () => {
    const name = clientName('cut');
    await using proxy = await startFaultProxy({ targetPort: services.redis.port });
    const pool = createRedisPool({ client: { socket: { host: '127.0.0.1', port: proxy.port }, name }, max: 4 });
    const key = `${name}:n`;
    let cut = 0;
    const { ok, failures } = await runLoad(
      400,
      8,
      () => pool.use((redis) => redis.multi().incr(key).expire(key, 60).exec()),
      (done) => {
        if (done === 100) cut = proxy.cut();
      },
    );
    expect(cut).toBeGreaterThan(0);
    expect(failures.length).toBeLessThanOrEqual(cut);
    expect(failures.every((error) => isFatalRedisError(error))).toBe(true);
    expect(ok).toBe(400 - failures.length);
    await pool.use((redis) => redis.del(key));
    await pool.close();
    expect(await noClientsLeft(name)).toBe(true);
  });

  it('black hole: socketTimeout ends stuck commands, acquire timeout bounds the rest; recovery after', async () => {
    const name = clientName('blackhole');
    await using proxy = await startFaultProxy({ targetPort: services.redis.port });
    const pool = createRedisPool({
      client: { socket: { host: '127.0.0.1', port: proxy.port, socketTimeout: 300, connectTimeout: 300 }, name },
      max: 2,
      acquireTimeoutMs: 800,
      createTimeoutMs: 300,
    });
    await pool.use((redis) => redis.ping());
    proxy.blackhole();
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () =>
        pool
          .use((redis) => redis.ping())
          .then(
            () => 'ok',
            (e: unknown) => e,
          ),
      ),
    );
    for (const outcome of outcomes) {
      const code = (outcome as { code?: string }).code;
      expect(code === 'POOLKIT_ACQUIRE_TIMEOUT' || isFatalRedisError(outcome), String(outcome)).toBe(true);
    }
    proxy.blackhole(false);
    // Recovery goes through the create backoff built up meanwhile: allow it more than acquireTimeoutMs.
    expect(await pool.use((redis) => redis.ping(), { timeoutMs: 10_000 })).toBe('PONG');
    await pool.close();
    expect(await noClientsLeft(name)).toBe(true);
  });

  it('refusing then accepting: acquires time out meanwhile, then the pool reconnects', async () => {
    const name = clientName('refuse');
    await using proxy = await startFaultProxy({ targetPort: services.redis.port });
    const pool = createRedisPool({
      client: { socket: { host: '127.0.0.1', port: proxy.port }, name },
      max: 2,
      acquireTimeoutMs: 400,
    });
    await proxy.refuse();
    await expect(pool.use((redis) => redis.ping())).rejects.toMatchObject({ code: 'POOLKIT_ACQUIRE_TIMEOUT' });
    await proxy.accept();
    // Recovery waits out the create backoff built up meanwhile: allow it more than acquireTimeoutMs.
    expect(await pool.use((redis) => redis.ping(), { timeoutMs: 10_000 })).toBe('PONG');
    await pool.close();
    expect(await noClientsLeft(name)).toBe(true);
  });
});
