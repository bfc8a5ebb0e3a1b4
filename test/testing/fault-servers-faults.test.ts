import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import { type Fault, startFaultServer } from '../../src/testing/fault-servers.js';

function connect(port: number): net.Socket {
  const socket = net.connect({ host: '127.0.0.1', port });
  return socket;
}

/** Everything the client sees until its socket closes: bytes and the error code, if any. */
async function drain(socket: net.Socket): Promise<{ data: string; error: string | undefined }> {
  let data = '';
  let error: string | undefined;
  socket.on('data', (chunk: Buffer) => {
    data += chunk.toString();
  });
  socket.on('error', (err: NodeJS.ErrnoException) => {
    error = err.code;
  });
  // Not events.once: it rejects when 'error' fires, and the error is what we want to record.
  await new Promise((resolve) => socket.once('close', resolve));
  return { data, error };
}

describe('fault servers', () => {
  it('blackhole: accepts, swallows bytes, never answers or closes', async () => {
    await using server = await startFaultServer({ kind: 'blackhole' });
    const socket = connect(server.port);
    await once(socket, 'connect');
    socket.write('hello');
    await server.waitForConnections(1);
    // The server counts the bytes it swallowed; the client sees nothing and stays connected.
    let received = 0;
    socket.on('data', () => received++);
    while (server.bytesReceived < 5) await new Promise((resolve) => setImmediate(resolve));
    expect(received).toBe(0);
    expect(socket.destroyed).toBe(false);
    expect(server.open).toBe(1);
    socket.destroy();
    await server.waitForIdle();
    expect(server.open).toBe(0);
  });

  it('reset: the client sees ECONNRESET and no data', async () => {
    await using server = await startFaultServer({ kind: 'reset' });
    const socket = connect(server.port);
    const result = await drain(socket);
    expect(result.data).toBe('');
    expect(result.error).toBe('ECONNRESET');
    expect(server.accepted).toBe(1);
  });

  it('close-after-bytes: reads N bytes, sends the reply, then closes cleanly', async () => {
    await using server = await startFaultServer({ kind: 'close-after-bytes', bytes: 4, reply: 'bye' });
    const socket = connect(server.port);
    socket.write('abcdefgh');
    const result = await drain(socket);
    expect(result).toEqual({ data: 'bye', error: undefined });
    expect(server.bytesReceived).toBe(4);
  });

  it('close-after-bytes with reset: the client gets the reply and then ECONNRESET', async () => {
    await using server = await startFaultServer({ kind: 'close-after-bytes', bytes: 1, reset: true });
    const socket = connect(server.port);
    socket.write('x');
    const result = await drain(socket);
    expect(result.error).toBe('ECONNRESET');
  });

  it('rejects a malformed fault with InvalidOptionError', async () => {
    const bad = [
      { kind: 'nope' },
      { kind: 'close-after-bytes', bytes: -1 },
      { kind: 'slow-accept', delayMs: Number.NaN },
    ] as unknown as Fault[];
    for (const fault of bad) await expect(startFaultServer(fault)).rejects.toBeInstanceOf(InvalidOptionError);
  });
});
