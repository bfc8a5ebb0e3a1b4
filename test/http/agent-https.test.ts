import https from 'node:https';
import { describe, expect, it } from 'vitest';
import { HttpsAgent } from '../../src/http/index.js';
import { TLS_CERT } from '../net/servers.js';
import { request, startHttpServer } from './servers.js';

describe('HttpsAgent', () => {
  it('is an https.Agent, verifies with connectOptions.ca, and reuses the TLS socket', async () => {
    await using server = await startHttpServer({ tls: true });
    const agent = new HttpsAgent({ connectOptions: { ca: TLS_CERT } });
    expect(agent).toBeInstanceOf(https.Agent);
    const first = await request(agent, server.port, { tls: true, path: '/a' });
    const second = await request(agent, server.port, { tls: true, path: '/b' });
    expect(first).toMatchObject({ body: 'ok /a', reusedSocket: false });
    expect(second).toMatchObject({ body: 'ok /b', reusedSocket: true });
    expect(server.connections).toBe(1);
    await agent.close();
  });

  it('fails the request with the TLS error when the certificate cannot be verified', async () => {
    await using server = await startHttpServer({ tls: true });
    const agent = new HttpsAgent();
    await expect(request(agent, server.port, { tls: true })).rejects.toMatchObject({
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    expect(agent.stats().createErrors).toBe(1);
    await agent.close();
  });
});
