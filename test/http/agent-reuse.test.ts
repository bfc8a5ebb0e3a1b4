import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { Agent } from '../../src/http/index.js';
import { request, startHttpServer } from './servers.js';

describe('http Agent: keep-alive reuse', () => {
  it('is an http.Agent, reuses one socket for sequential requests and counts them', async () => {
    await using server = await startHttpServer();
    const agent = new Agent();
    expect(agent).toBeInstanceOf(http.Agent);
    const first = await request(agent, server.port, { path: '/1' });
    const second = await request(agent, server.port, { path: '/2' });
    expect(first).toMatchObject({ status: 200, body: 'ok /1', reusedSocket: false });
    expect(second).toMatchObject({ status: 200, body: 'ok /2', reusedSocket: true });
    expect(server.connections).toBe(1);
    const stats = agent.stats();
    expect(stats).toMatchObject({ socketsCreated: 1, requests: 2, reusedSockets: 1, retries: 0, createErrors: 0 });
    expect(stats.origins[`127.0.0.1:${server.port}:`]).toEqual({ free: 1, busy: 0, pending: 0 });
    await agent.close();
  });

  it('works with http.get and a URL, and serves concurrent requests with per-origin busy counts', async () => {
    await using server = await startHttpServer();
    const agent = new Agent({ maxSocketsPerOrigin: 3 });
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get(`http://127.0.0.1:${server.port}/url`, { agent }, (res) => {
          let text = '';
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    expect(body).toBe('ok /url');
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) => request(agent, server.port, { path: `/${i}` })),
    );
    expect(replies.map((reply) => reply.body)).toEqual(Array.from({ length: 12 }, (_, i) => `ok /${i}`));
    // Never more than maxSocketsPerOrigin connections.
    expect(server.connections).toBeLessThanOrEqual(3);
    expect(agent.stats().socketsCreated).toBe(server.connections);
    await agent.close();
  });

  it('lends the most recently freed socket first (LIFO), so extra sockets age out', async () => {
    await using server = await startHttpServer({
      handler: (req, res) => res.end(String(req.socket.remotePort)),
    });
    const agent = new Agent();
    const [a, b] = await Promise.all([request(agent, server.port), request(agent, server.port)]);
    expect(a.body).not.toBe(b.body);
    const next = await request(agent, server.port);
    // The socket freed last (whichever response ended second) serves the next request.
    expect([a.body, b.body]).toContain(next.body);
    const again = await request(agent, server.port);
    expect(again.body).toBe(next.body);
    await agent.close();
  });
});
