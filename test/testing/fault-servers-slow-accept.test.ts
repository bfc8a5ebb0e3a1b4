import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { startFaultServer } from '../../src/testing/fault-servers.js';

describe('slow-accept fault server', () => {
  it('holds a connection silent until the delay passes, then serves it (echo)', async () => {
    const clock = new FakeClock();
    await using server = await startFaultServer({ kind: 'slow-accept', delayMs: 5000 }, { clock });
    const socket = net.connect({ host: '127.0.0.1', port: server.port });
    await once(socket, 'connect');
    await server.waitForConnections(1);
    const chunks: string[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    socket.write('ping');
    await clock.advance(4999);
    expect(chunks).toEqual([]);
    await clock.advance(1);
    if (chunks.length === 0) await once(socket, 'data');
    expect(chunks.join('')).toBe('ping');
    socket.destroy();
  });

  it('close() cancels pending delays and destroys held connections', async () => {
    const clock = new FakeClock();
    const server = await startFaultServer({ kind: 'slow-accept', delayMs: 1000 }, { clock });
    const socket = net.connect({ host: '127.0.0.1', port: server.port });
    socket.on('error', () => {});
    await server.waitForConnections(1);
    expect(clock.pendingTimers).toBe(1);
    const closed = once(socket, 'close');
    await server.close();
    await closed;
    expect(clock.pendingTimers).toBe(0);
    expect(server.open).toBe(0);
  });
});
