import { describe, expect, it } from 'vitest';
import { createKeyedPool, type KeyedPoolOptions } from '../../src/resource/index.js';
import { FakeClock } from '../../src/testing/index.js';
import { testFactory, track } from './helpers.js';

/** A keyed pool whose per-key test factories are kept, to check what each key destroyed. */
function keyedWithFixtures(options: KeyedPoolOptions) {
  const fixtures = new Map<string, ReturnType<typeof testFactory>>();
  const pool = createKeyedPool((key: string) => {
    const fixture = testFactory();
    fixtures.set(key, fixture);
    return fixture.factory;
  }, options);
  return { pool, fixtures };
}

describe('keyed pool limits', () => {
  it('enforces maxPerKey and the global max', async () => {
    const clock = new FakeClock();
    const { pool, fixtures } = keyedWithFixtures({ clock, maxPerKey: 2, max: 3, acquireTimeoutMs: 100 });
    const a1 = await pool.acquire('a');
    const a2 = await pool.acquire('a');
    const a3 = track(pool.acquire('a'));
    const b1 = await pool.acquire('b');
    const b2 = track(pool.acquire('b'));
    await clock.advance(1);
    expect(a3.status).toBe('pending'); // per-key cap
    expect(b2.status).toBe('pending'); // global cap
    expect(pool.stats().total.borrowed).toBe(3);
    expect(pool.stats().keys).toBe(2);
    a1.release();
    await clock.advance(1);
    // 'b' was blocked on the global cap before a3 queued on its key: b gets the turn (the released 'a' resource is evicted).
    expect(b2.status).toBe('fulfilled');
    expect(a3.status).toBe('pending');
    expect(fixtures.get('a')?.reasons()).toEqual(['evicted']);
    b1.release();
    await clock.advance(1);
    expect(a3.status).toBe('fulfilled');
    a2.release();
    (a3.value as { release(): void }).release();
    (b2.value as { release(): void }).release();
    const stats = pool.stats();
    expect(stats.total.created - stats.total.destroyed).toBeLessThanOrEqual(3);
    await pool.close();
    expect(pool.stats().total.created).toBe(pool.stats().total.destroyed);
  });

  it('evicts the least recently used idle resource across keys when the global maxIdle binds', async () => {
    const clock = new FakeClock();
    const { pool, fixtures } = keyedWithFixtures({ clock, maxIdle: 2 });
    for (const key of ['a', 'b', 'c']) {
      const lease = await pool.acquire(key);
      await clock.advance(10);
      lease.release();
    }
    expect(fixtures.get('a')?.reasons()).toEqual(['evicted']);
    expect(fixtures.get('b')?.reasons()).toEqual([]);
    expect(pool.stats().total.idle).toBe(2);
    await pool.close();
  });

  it('removes empty sub-pools and keeps their counters in the totals', async () => {
    const clock = new FakeClock();
    const pool = createKeyedPool((_key: string) => testFactory().factory, { clock, idleTimeoutMs: 1000 });
    const lease = await pool.acquire('x');
    lease.release();
    expect(pool.stats().keys).toBe(1);
    await clock.advance(1000);
    expect(pool.stats().keys).toBe(0);
    expect(pool.stats().total.created).toBe(1);
    expect(pool.stats().total.destroyedByReason['idle-timeout']).toBe(1);
    await pool.close();
  });

  it('forwards events with the key and rejects after close', async () => {
    const pool = createKeyedPool((_key: string) => testFactory().factory);
    const keys: string[] = [];
    pool.on('acquireSucceeded', (event) => keys.push(event.key));
    await pool.use('k1', () => undefined);
    await pool.use('k2', () => undefined);
    expect(keys).toEqual(['k1', 'k2']);
    await pool.close();
    await expect(pool.acquire('k1')).rejects.toMatchObject({ code: 'POOLKIT_CLOSED' });
  });

  it('a key served by its own release no longer blocks the global turn of another key', async () => {
    const clock = new FakeClock();
    const { pool, fixtures } = keyedWithFixtures({
      clock,
      maxPerKey: 10,
      max: 2,
      acquireTimeoutMs: 60_000,
      idleTimeoutMs: 30_000,
    });
    const a1 = await pool.acquire('a');
    const a2 = await pool.acquire('a');
    const a3 = track(pool.acquire('a')); // 'a' blocks on the global cap
    await clock.advance(1);
    a1.release(); // serves a3: 'a' has no unmet demand left
    await clock.advance(1);
    expect(a3.status).toBe('fulfilled');
    const b1 = track(pool.acquire('b')); // 'b' blocks behind the stale entry of 'a'
    await clock.advance(1);
    expect(b1.status).toBe('pending');
    a2.release(); // must go to 'b' (evicted and re-created), not sit idle until the idle timeout
    await clock.advance(1);
    expect(b1.status).toBe('fulfilled');
    expect(fixtures.get('a')?.reasons()).toEqual(['evicted']);
    (a3.value as { release(): void }).release();
    (b1.value as { release(): void }).release();
    await pool.close();
  });

  it('keys trading a global slot do not evict resources created for their own waiters', async () => {
    const clock = new FakeClock();
    const { pool } = keyedWithFixtures({ clock, maxPerKey: 10, max: 1, acquireTimeoutMs: 60_000 });
    const a1 = await pool.acquire('a');
    const a2 = track(pool.acquire('a'));
    const b1 = track(pool.acquire('b'));
    await clock.advance(1);
    a1.release(); // yields to 'b' (blocked with demand); 'a' stays blocked for a2
    await clock.advance(1);
    expect(b1.status).toBe('fulfilled'); // b's fresh resource served b, though 'a' was blocked too
    expect(a2.status).toBe('pending');
    (b1.value as { release(): void }).release();
    await clock.advance(1);
    expect(a2.status).toBe('fulfilled');
    expect(pool.stats().total.created).toBe(3);
    (a2.value as { release(): void }).release();
    await pool.close();
  });
});
