import { describe, expect, it } from 'vitest';
import { Agent } from '../../src/http/index.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { request, startHttpServer } from './servers.js';

describe('http Agent: free-socket timeout and the server keep-alive hint', () => {
  it('never reuses a socket past the free-socket timeout (default 4000 ms, below the server 5 s)', async () => {
    await using server = await startHttpServer();
    const clock = new FakeClock();
    const agent = new Agent({ clock });
    await request(agent, server.port);
    await clock.advance(3999);
    expect((await request(agent, server.port)).reusedSocket).toBe(true);
    await clock.advance(4000);
    expect((await request(agent, server.port)).reusedSocket).toBe(false);
    expect(agent.stats().socketsCreated).toBe(2);
    await agent.close();
  });

  it('honours Keep-Alive: timeout=N from the server (N s less a margin) instead of giving up reuse', async () => {
    // Node's server announces its keepAliveTimeout: 1 s here.
    await using server = await startHttpServer({ keepAliveTimeoutMs: 1000 });
    const clock = new FakeClock();
    const agent = new Agent({ clock });
    const first = await request(agent, server.port);
    expect(first.headers['keep-alive']).toBe('timeout=1');
    await clock.advance(700);
    // Within 750 ms (1 s less a quarter): reused.
    expect((await request(agent, server.port)).reusedSocket).toBe(true);
    await clock.advance(760);
    expect((await request(agent, server.port)).reusedSocket).toBe(false);
    await agent.close();
  });
});
