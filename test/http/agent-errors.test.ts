import { describe, expect, it } from 'vitest';
import { ConnectTimeoutError, InvalidOptionError, UnknownOptionError } from '../../src/errors.js';
import { Agent, type AgentOptions, HttpsAgent } from '../../src/http/index.js';
import { startFaultServer } from '../../src/testing/fault-servers.js';
import { request } from './servers.js';

describe('http Agent: bad input and unreachable servers', () => {
  it('rejects bad options with typed errors', () => {
    const bad: AgentOptions[] = [
      { maxSocketsPerOrigin: 0 },
      { maxSockets: 1.5 },
      { maxSocketsPerOrigin: 2, maxFreeSocketsPerOrigin: 3 },
      { freeSocketTimeoutMs: -1 },
      { connectTimeoutMs: 0 },
      { retryIdempotent: 'yes' as never },
      { connectOptions: 'ca' as never },
    ];
    for (const options of bad) expect(() => new Agent(options)).toThrow(InvalidOptionError);
    expect(() => new HttpsAgent({ keepAlive: true } as never)).toThrow(UnknownOptionError);
  });

  it('a refused connection fails the request with ECONNREFUSED (not a hang)', async () => {
    const server = await startFaultServer({ kind: 'blackhole' });
    const port = server.port;
    await server.close();
    const agent = new Agent();
    await expect(request(agent, port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(agent.stats().createErrors).toBe(1);
    await agent.close();
  });

  it('a TLS handshake that never completes fails with ConnectTimeoutError and the attempt is closed', async () => {
    await using server = await startFaultServer({ kind: 'blackhole' });
    const agent = new HttpsAgent({ connectTimeoutMs: 100 });
    const error = await request(agent, server.port, { tls: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectTimeoutError);
    await server.waitForIdle();
    expect(server.open).toBe(0);
    await agent.close();
  });

  it('a server that resets every connection fails the request with a connection error', async () => {
    await using server = await startFaultServer({ kind: 'reset' });
    const agent = new Agent();
    const error = (await request(agent, server.port).catch((caught: unknown) => caught)) as NodeJS.ErrnoException;
    expect(['ECONNRESET', 'EPIPE']).toContain(error.code);
    await agent.close();
  });
});
