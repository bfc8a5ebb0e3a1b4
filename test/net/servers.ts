/** Loopback servers the socket pool tests talk to. */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

export const TLS_KEY = readFileSync(new URL('./fixtures/localhost-key.pem', import.meta.url));
export const TLS_CERT = readFileSync(new URL('./fixtures/localhost-cert.pem', import.meta.url));

export interface TestServer extends AsyncDisposable {
  readonly port: number;
  /** Server-side sockets, in accept order. */
  readonly sockets: net.Socket[];
  close(): Promise<void>;
}

/** An echo server (TCP, or TLS with the fixture certificate). */
export async function startEchoServer(options: { tls?: boolean } = {}): Promise<TestServer> {
  const sockets: net.Socket[] = [];
  const onSocket = (socket: net.Socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    socket.pipe(socket);
  };
  const server = options.tls
    ? tls.createServer({ key: TLS_KEY, cert: TLS_CERT }, onSocket)
    : net.createServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  return { port, sockets, close, [Symbol.asyncDispose]: close };
}

/** Writes `text` and resolves with the first `text.length` bytes echoed back. */
export function roundTrip(socket: net.Socket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    const onData = (chunk: Buffer) => {
      received += chunk.toString();
      if (received.length >= text.length) {
        socket.off('data', onData);
        socket.off('error', reject);
        resolve(received);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(text);
  });
}

/** Resolves when `condition()` holds, checking after each turn of the event loop (no fixed delays). */
export async function until(condition: () => boolean, turns = 10_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not reached');
}
