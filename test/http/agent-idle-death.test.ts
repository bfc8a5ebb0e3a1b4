import type net from 'node:net';
import { describe, expect, it } from 'vitest';
import { Agent } from '../../src/http/index.js';
import { until } from '../net/servers.js';
import { request, startHttpServer } from './servers.js';

describe('http Agent: a free socket the server closes is dropped at once', () => {
  for (const how of ['end', 'reset'] as const) {
    it(`evicts it (server ${how === 'end' ? 'closes' : 'resets'}) with no error; the next request gets a new socket`, async () => {
      const serverSockets: net.Socket[] = [];
      await using server = await startHttpServer({
        handler: (req, res) => {
          serverSockets.push(req.socket);
          res.end('ok');
        },
      });
      const agent = new Agent();
      await request(agent, server.port);
      const origin = `127.0.0.1:${server.port}:`;
      // The socket is freed a tick after the response ends (Node emits 'free' on nextTick).
      await until(() => agent.stats().origins[origin]?.free === 1);
      if (how === 'end') serverSockets[0]?.end();
      else serverSockets[0]?.resetAndDestroy();
      await until(() => agent.stats().socketsClosed === 1);
      expect(agent.stats().origins[origin]?.free ?? 0).toBe(0);
      const next = await request(agent, server.port);
      expect(next).toMatchObject({ status: 200, reusedSocket: false });
      expect(agent.stats().retries).toBe(0);
      await agent.close();
    });
  }

  it('a server announcing Keep-Alive: timeout=0 gets no reuse at all (the socket is closed when freed)', async () => {
    await using server = await startHttpServer({ keepAliveTimeoutMs: 200 });
    const agent = new Agent();
    const reply = await request(agent, server.port);
    expect(reply.headers['keep-alive']).toBe('timeout=0');
    await until(() => agent.stats().socketsClosed === 1);
    expect((await request(agent, server.port)).reusedSocket).toBe(false);
    await agent.close();
  });
});
