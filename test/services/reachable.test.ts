import { describe, expect, it } from 'vitest';
import { reachable, requireService, services } from '../helpers/services.js';

// The integration suites depend on these servers; this file makes a missing one visible on its own.
describe('integration servers', () => {
  for (const name of Object.keys(services) as (keyof typeof services)[]) {
    it(`${name} answers on ${services[name].host}:${services[name].port} (or the test is skipped off CI)`, async (context) => {
      const up = await requireService(name);
      if (!up) context.skip();
      expect(await reachable(name)).toBe(true);
    });
  }

  it('reports a closed port as unreachable', async () => {
    const original = services.redis.port;
    (services.redis as { port: number }).port = 1; // nothing listens on port 1 here
    try {
      expect(await reachable('redis', 500)).toBe(false);
    } finally {
      (services.redis as { port: number }).port = original;
    }
  });
});
