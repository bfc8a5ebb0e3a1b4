import { afterEach, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../../src/testing/fault-proxy.js';
import { connect, roundTrip, startEcho } from './fault-proxy-helpers.js';

describe('fault proxy: forwarding and latency', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(latencyMs = 0): Promise<FaultProxy> {
    const echo = await startEcho();
    cleanups.push(echo.close);
    const proxy = await startFaultProxy({ targetPort: echo.port, latencyMs });
    cleanups.push(() => proxy.close());
    return proxy;
  }

  it('forwards bytes both ways and counts connections', async () => {
    const proxy = await setup();
    const socket = await connect(proxy.port);
    expect(await roundTrip(socket, 'hello')).toBe('hello');
    expect(proxy.stats()).toMatchObject({ open: 1, accepted: 1, cut: 0 });
    socket.destroy();
  });

  it('keeps byte order under latency, including a latency change mid-stream', async () => {
    const proxy = await setup(5);
    const socket = await connect(proxy.port);
    socket.write('abc');
    proxy.setLatency(0);
    expect(await roundTrip(socket, 'def', 'abcdef')).toBe('abcdef');
    const many = Array.from({ length: 20 }, (_, index) => String.fromCharCode(97 + index)).join('');
    proxy.setLatency(2);
    let got = '';
    const all = new Promise<string>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        got += chunk.toString();
        if (got.length >= many.length) resolve(got);
      });
    });
    for (const letter of many) socket.write(letter);
    expect(await all).toBe(many);
    socket.destroy();
  });

  it('rejects a bad latency with a TypeError', async () => {
    const proxy = await setup();
    expect(() => proxy.setLatency(-1)).toThrow(TypeError);
    await expect(startFaultProxy({ targetPort: 0 })).rejects.toThrow(/targetPort/);
  });
});
