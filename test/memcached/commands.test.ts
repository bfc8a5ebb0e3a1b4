import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CacheMissError, NotStoredError } from '../../src/errors.js';
import { createMemcachedClient } from '../../src/memcached/index.js';
import { requireService, services } from '../helpers/services.js';

const up = await requireService('memcached');
const { host, port } = services.memcached;

describe.skipIf(!up)('memcached client: every command against the real server', () => {
  const cache = createMemcachedClient({ servers: [{ host, port }] });
  const prefix = `pk-test:${randomUUID()}:`;
  afterAll(() => cache.close());

  it('set/get round-trips bytes and flags; get of a missing key rejects with CacheMissError', async () => {
    await cache.set(`${prefix}a`, 'héllo', { flags: 0xfffffffe });
    const item = await cache.get(`${prefix}a`);
    expect(item.value.toString()).toBe('héllo');
    expect(item.flags).toBe(0xfffffffe);
    const binary = Uint8Array.from([0, 13, 10, 255, 0]);
    await cache.set(`${prefix}bin`, binary);
    expect([...(await cache.get(`${prefix}bin`)).value]).toEqual([...binary]);
    const miss = await cache.get(`${prefix}missing`).catch((error: unknown) => error);
    expect(miss).toBeInstanceOf(CacheMissError);
    expect((miss as { code: string }).code).toBe('POOLKIT_CACHE_MISS');
  });

  it('getMulti returns the hits only, in one map', async () => {
    await cache.set(`${prefix}m1`, 'one');
    await cache.set(`${prefix}m2`, 'two');
    const found = await cache.getMulti([`${prefix}m1`, `${prefix}nope`, `${prefix}m2`, `${prefix}m1`]);
    expect([...found.keys()].sort()).toEqual([`${prefix}m1`, `${prefix}m2`]);
    expect(found.get(`${prefix}m2`)?.value.toString()).toBe('two');
    expect((await cache.getMulti([])).size).toBe(0);
  });

  it('add stores only new keys and replace only existing ones (NotStoredError otherwise)', async () => {
    await cache.add(`${prefix}add`, 'first');
    await expect(cache.add(`${prefix}add`, 'second')).rejects.toBeInstanceOf(NotStoredError);
    expect((await cache.get(`${prefix}add`)).value.toString()).toBe('first');
    await expect(cache.replace(`${prefix}absent`, 'x')).rejects.toBeInstanceOf(NotStoredError);
    await cache.replace(`${prefix}add`, 'replaced');
    expect((await cache.get(`${prefix}add`)).value.toString()).toBe('replaced');
  });

  it('incr/decr return the new value (decr stops at 0; big deltas as bigint); missing keys reject', async () => {
    await cache.set(`${prefix}n`, '10');
    expect(await cache.incr(`${prefix}n`, 5)).toBe(15);
    expect(await cache.incr(`${prefix}n`)).toBe(16);
    expect(await cache.decr(`${prefix}n`, 100)).toBe(0);
    expect(await cache.incr(`${prefix}n`, 2n ** 40n)).toBe(2 ** 40);
    await expect(cache.incr(`${prefix}no-counter`)).rejects.toBeInstanceOf(CacheMissError);
  });

  it('delete removes a key and rejects with CacheMissError the second time', async () => {
    await cache.set(`${prefix}d`, 'x');
    await cache.delete(`${prefix}d`);
    await expect(cache.get(`${prefix}d`)).rejects.toBeInstanceOf(CacheMissError);
    await expect(cache.delete(`${prefix}d`)).rejects.toBeInstanceOf(CacheMissError);
  });

  it('expiry is passed through: an absolute time in the past expires at once, touch re-arms it', async () => {
    // Above 30 days memcached reads expiry as a Unix time: 2592001 is in January 1970.
    await cache.set(`${prefix}old`, 'x', { expirySeconds: 2_592_001 });
    await expect(cache.get(`${prefix}old`)).rejects.toBeInstanceOf(CacheMissError);
    await cache.set(`${prefix}t`, 'x', { expirySeconds: 3600 });
    await cache.touch(`${prefix}t`, 2_592_001);
    await expect(cache.get(`${prefix}t`)).rejects.toBeInstanceOf(CacheMissError);
    await expect(cache.touch(`${prefix}t`, 10)).rejects.toBeInstanceOf(CacheMissError);
  });

  it('pipelines concurrent calls on one connection and counts them', async () => {
    const keys = Array.from({ length: 200 }, (_, i) => `${prefix}p${i}`);
    await Promise.all(keys.map((key, i) => cache.set(key, String(i))));
    const values = await Promise.all(keys.map((key) => cache.get(key)));
    expect(values.map((item) => item.value.toString())).toEqual(keys.map((_, i) => String(i)));
    const stats = cache.stats();
    expect(stats.sockets.total.created).toBeLessThanOrEqual(2);
    expect(stats.pending).toBe(0);
    expect(stats.hits).toBeGreaterThanOrEqual(200);
  });
});
