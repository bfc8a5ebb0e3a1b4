import { describe, expect, it } from 'vitest';
import { Agent } from '../../src/http/index.js';
import { request, startHttpServer } from './servers.js';

describe('http Agent: the global cap across origins', () => {
  it('a request to a new origin evicts the least recently used free socket at once', async () => {
    await using a = await startHttpServer();
    await using b = await startHttpServer();
    const agent = new Agent({ maxSockets: 2, freeSocketTimeoutMs: 30_000 });
    await Promise.all([request(agent, a.port), request(agent, a.port)]);
    const started = performance.now();
    const reply = await request(agent, b.port);
    const tookMs = performance.now() - started;
    expect(reply.status).toBe(200);
    expect(tookMs).toBeLessThan(1000); // not the 30 s free-socket timeout
    expect(agent.stats().socketsClosed).toBeGreaterThanOrEqual(1);
    await agent.close();
  });

  it('a request waiting on the global cap gets a slot as soon as another origin frees a socket', async () => {
    await using a = await startHttpServer({ handler: (_req, res) => setTimeout(() => res.end('slow'), 100) });
    await using b = await startHttpServer();
    const agent = new Agent({ maxSockets: 2, freeSocketTimeoutMs: 30_000 });
    const first = [request(agent, a.port), request(agent, a.port)];
    const started = performance.now();
    const reply = await request(agent, b.port); // both sockets are busy on origin a
    const tookMs = performance.now() - started;
    expect(reply.status).toBe(200);
    expect(tookMs).toBeLessThan(1000); // about the 100 ms of a's replies, not the 30 s free-socket timeout
    await Promise.all(first);
    await agent.close();
  });

  it('alternating origins under a cap of 2 all complete without waiting for idle sweeps', async () => {
    await using a = await startHttpServer();
    await using b = await startHttpServer();
    const agent = new Agent({ maxSockets: 2, freeSocketTimeoutMs: 30_000 });
    for (let round = 0; round < 5; round++) {
      const started = performance.now();
      const replies = await Promise.all(
        Array.from({ length: 10 }, (_, i) => request(agent, i % 2 === 0 ? a.port : b.port, { path: `/${i}` })),
      );
      expect(replies.every((reply) => reply.status === 200)).toBe(true);
      expect(performance.now() - started).toBeLessThan(1000);
      const { socketsCreated, socketsClosed } = agent.stats();
      expect(socketsCreated - socketsClosed).toBeLessThanOrEqual(2);
    }
    await agent.close();
  });
});
