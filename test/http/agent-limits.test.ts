import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { Agent } from '../../src/http/index.js';
import { until } from '../net/servers.js';
import { request, startHttpServer } from './servers.js';

describe('http Agent: socket caps', () => {
  it('maxSockets caps sockets across origins; requests wait and all complete', async () => {
    await using a = await startHttpServer();
    await using b = await startHttpServer();
    // With a long free-socket timeout: a request must never wait for the other origin's idle sweep
    // (see agent-global-cap.test.ts for the timing of that case).
    const agent = new Agent({ maxSockets: 2, freeSocketTimeoutMs: 30_000 });
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) => request(agent, i % 2 === 0 ? a.port : b.port, { path: `/${i}` })),
    );
    expect(replies.every((reply) => reply.status === 200)).toBe(true);
    // Open at the same time never exceeded two; closed ones were replaced when the other origin needed one.
    expect(agent.stats().socketsCreated - agent.stats().socketsClosed).toBeLessThanOrEqual(2);
    await agent.close();
  });

  it('maxFreeSocketsPerOrigin keeps only that many free sockets after a burst', async () => {
    await using server = await startHttpServer({
      handler: (_req, res) => setImmediate(() => res.end('slow')),
    });
    const agent = new Agent({ maxSocketsPerOrigin: 4, maxFreeSocketsPerOrigin: 1 });
    await Promise.all(Array.from({ length: 8 }, () => request(agent, server.port)));
    const origin = `127.0.0.1:${server.port}:`;
    await until(() => agent.stats().origins[origin]?.busy === 0);
    expect(agent.stats().origins[origin]?.free).toBe(1);
    expect(server.connections).toBeLessThanOrEqual(4);
    await agent.close();
  });

  it('a request destroyed while it waits for a socket does not leak the socket it is later given', async () => {
    await using server = await startHttpServer();
    const agent = new Agent({ maxSocketsPerOrigin: 1 });
    const first = request(agent, server.port);
    const waiting = http.get({ host: '127.0.0.1', port: server.port, agent });
    waiting.on('error', () => {});
    waiting.destroy();
    await first;
    await until(() => agent.stats().origins[`127.0.0.1:${server.port}:`]?.free === 1);
    // The single socket is free again and serves the next request.
    expect((await request(agent, server.port)).reusedSocket).toBe(true);
    await agent.close();
  });
});
