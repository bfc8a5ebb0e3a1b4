import { describe, expect, it } from 'vitest';
import { createMemcachedClient } from '../../src/memcached/index.js';
import { memcachedBinaryAvailable, startOwnMemcached } from './memcached-process.js';

const available = await memcachedBinaryAvailable();
if (!available && (process.env.CI === 'true' || process.env.CI === '1')) {
  throw new Error('[CI] the memcached binary is needed for the restart test (bash .ci/services installs it)');
}

describe.skipIf(!available)('memcached client: server killed and restarted mid-test', () => {
  it('calls in flight and during the outage fail with typed errors, none hangs, and the client recovers', async () => {
    await using server = await startOwnMemcached();
    const cache = createMemcachedClient({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 2000 });
    try {
      await cache.set('k', 'before');
      expect((await cache.get('k')).value.toString()).toBe('before');

      // Calls in flight when the server dies, and calls made while it is down: all settle.
      const inFlight = Promise.allSettled(Array.from({ length: 50 }, (_, i) => cache.set(`k${i}`, 'x')));
      await server.kill();
      const during = Promise.allSettled(Array.from({ length: 20 }, () => cache.get('k')));
      const outcomes = [...(await inFlight), ...(await during)];
      const codes = new Set<string>();
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') {
          const error = outcome.reason as { code?: string; cause?: { code?: string } };
          codes.add(error.code ?? error.cause?.code ?? 'untyped');
        }
      }
      // The calls made after the kill cannot succeed (the data is gone with the process).
      expect(outcomes.slice(50).every((outcome) => outcome.status === 'rejected')).toBe(true);
      expect(codes.has('untyped')).toBe(false);
      expect(cache.stats().pending).toBe(0);

      await server.start();
      // Recovery: retry until a call goes through (the reconnect backoff is at most 100 ms).
      let attempts = 0;
      for (;;) {
        attempts++;
        try {
          await cache.set('k', 'after');
          break;
        } catch {
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      expect((await cache.get('k')).value.toString()).toBe('after');
      expect(attempts).toBeGreaterThanOrEqual(1);
      expect(cache.stats().pending).toBe(0);
    } finally {
      await cache.close();
    }
  });
});
