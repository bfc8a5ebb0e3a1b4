import { describe, expect, it } from 'vitest';
import { Agent } from '../../src/http/index.js';
import { request, startClosingServer } from './servers.js';

describe('http Agent: a server closing an idle connection just as a request arrives', () => {
  for (const how of ['end', 'reset'] as const) {
    it(`GETs never fail: each is sent again on a new connection (server ${how === 'end' ? 'closes' : 'resets'})`, async () => {
      await using server = await startClosingServer(how);
      const agent = new Agent();
      const outcomes = [];
      for (let i = 0; i < 20; i++)
        outcomes.push(await request(agent, server.port, { path: `/${i}` }).catch((error: Error) => error));
      const failures = outcomes.filter((outcome) => outcome instanceof Error);
      expect(failures).toEqual([]);
      // Every reuse hits the race (the server drops the second request of each connection), so
      // every request but the first was retried once, on a new connection that then served it.
      expect(agent.stats().retries).toBe(19);
      expect(server.requests).toHaveLength(20);
      expect(server.connections).toBe(20);
      await agent.close();
    });
  }

  it('a POST is not retried: the caller sees the failure (it may have been processed)', async () => {
    await using server = await startClosingServer();
    const agent = new Agent();
    await request(agent, server.port, { method: 'POST', body: 'one' });
    const error = await request(agent, server.port, { method: 'POST', body: 'two' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    expect(agent.stats().retries).toBe(0);
    await agent.close();
  });

  it('retryIdempotent: false turns the retry off', async () => {
    await using server = await startClosingServer();
    const agent = new Agent({ retryIdempotent: false });
    await request(agent, server.port);
    await expect(request(agent, server.port)).rejects.toMatchObject({ code: 'ECONNRESET' });
    await agent.close();
  });
});
