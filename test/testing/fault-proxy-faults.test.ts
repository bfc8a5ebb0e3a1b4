import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../../src/testing/fault-proxy.js';
import { connect, roundTrip, startEcho } from './fault-proxy-helpers.js';

const closeOf = (socket: net.Socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()));

describe('fault proxy: cut, black hole, refuse', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(): Promise<{ proxy: FaultProxy; upstreams: () => number }> {
    const echo = await startEcho();
    cleanups.push(echo.close);
    const proxy = await startFaultProxy({ targetPort: echo.port });
    cleanups.push(() => proxy.close());
    return { proxy, upstreams: () => echo.sockets.size };
  }

  it('cut() resets every open connection on both sides', async () => {
    const { proxy, upstreams } = await setup();
    const a = await connect(proxy.port);
    const b = await connect(proxy.port);
    await roundTrip(a, 'x');
    await roundTrip(b, 'y');
    expect(upstreams()).toBe(2);
    a.on('error', () => {});
    b.on('error', () => {});
    const closed = Promise.all([closeOf(a), closeOf(b)]);
    expect(proxy.cut()).toBe(2);
    await closed;
    expect(proxy.stats()).toMatchObject({ open: 0, cut: 2 });
  });

  it('blackhole() swallows bytes but keeps sockets open; new connections are held silent', async () => {
    const { proxy } = await setup();
    const socket = await connect(proxy.port);
    await roundTrip(socket, 'before');
    proxy.blackhole();
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    socket.write('lost');
    const silent = await connect(proxy.port);
    silent.write('also lost');
    // Wait until the proxy has seen (and dropped) both writes; no timer involved.
    for (let i = 0; i < 1000 && proxy.stats().droppedBytes < 13; i++) await new Promise((r) => setImmediate(r));
    expect(proxy.stats().droppedBytes).toBe(13);
    expect(received).toBe(0);
    expect(socket.destroyed).toBe(false);
    proxy.blackhole(false);
    const fresh = await connect(proxy.port);
    expect(await roundTrip(fresh, 'after')).toBe('after');
    for (const s of [socket, silent, fresh]) s.destroy();
  });

  it('refuse() makes connects fail with ECONNREFUSED, accept() listens again on the same port', async () => {
    const { proxy } = await setup();
    const port = proxy.port;
    const kept = await connect(port);
    await proxy.refuse();
    const refused = net.connect({ host: '127.0.0.1', port });
    const [error] = (await once(refused, 'error').catch((e: unknown) => [e])) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNREFUSED');
    expect(await roundTrip(kept, 'still up')).toBe('still up');
    await proxy.accept();
    expect(proxy.port).toBe(port);
    const back = await connect(port);
    expect(await roundTrip(back, 'back')).toBe('back');
    kept.destroy();
    back.destroy();
  });

  it('close() cuts everything and is idempotent', async () => {
    const { proxy } = await setup();
    const socket = await connect(proxy.port);
    socket.on('error', () => {});
    const closed = closeOf(socket);
    await proxy.close();
    await proxy.close();
    await closed;
    expect(proxy.stats().open).toBe(0);
  });
});
