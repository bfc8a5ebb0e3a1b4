/** Loopback HTTP servers and a small request helper for the agent tests. */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { TLS_CERT, TLS_KEY } from '../net/servers.js';

export interface HttpTestServer extends AsyncDisposable {
  readonly port: number;
  /** Connections accepted. */
  connections: number;
  close(): Promise<void>;
}

/** A Node HTTP(S) server answering `ok <path>`; `keepAliveTimeout` as Node's default unless given. */
export async function startHttpServer(
  options: { tls?: boolean; keepAliveTimeoutMs?: number; handler?: http.RequestListener } = {},
): Promise<HttpTestServer> {
  const handler: http.RequestListener = options.handler ?? ((req, res) => res.end(`ok ${req.url}`));
  const server = options.tls
    ? https.createServer({ key: TLS_KEY, cert: TLS_CERT }, handler)
    : http.createServer(handler);
  if (options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = options.keepAliveTimeoutMs;
  const result = { port: 0, connections: 0 } as HttpTestServer;
  server.on(options.tls ? 'secureConnection' : 'connection', () => result.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return Object.assign(result, {
    port: (server.address() as net.AddressInfo).port,
    close,
    [Symbol.asyncDispose]: close,
  });
}

/**
 * A raw HTTP/1.1 server that answers the first request on each connection with a keep-alive
 * response (no Keep-Alive header: it does not announce any timeout), then closes the connection
 * the moment the next request arrives, unanswered: the race of a server closing an idle
 * connection just as a request comes in, made deterministic.
 */
export async function startClosingServer(
  how: 'end' | 'reset' = 'end',
): Promise<HttpTestServer & { requests: string[] }> {
  const requests: string[] = [];
  const sockets = new Set<net.Socket>();
  const result = { port: 0, connections: 0, requests } as HttpTestServer & { requests: string[] };
  const server = net.createServer((socket) => {
    result.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let served = 0;
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = buffered.slice(0, end);
      buffered = '';
      if (served++ > 0) {
        if (how === 'reset') socket.resetAndDestroy();
        else socket.destroy();
        return;
      }
      requests.push(head.split('\r\n')[0] as string);
      const body = 'fresh';
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n${body}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return Object.assign(result, {
    port: (server.address() as net.AddressInfo).port,
    close,
    [Symbol.asyncDispose]: close,
  });
}

export interface Reply {
  readonly status: number;
  readonly body: string;
  readonly reusedSocket: boolean;
  readonly headers: http.IncomingHttpHeaders;
}

/** One request through `agent`; resolves with the reply or rejects with the request's error. */
export function request(
  agent: http.Agent,
  port: number,
  options: { path?: string; method?: string; body?: string; tls?: boolean } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const send = options.tls ? https.request : http.request;
    const req = send(
      {
        host: '127.0.0.1',
        port,
        path: options.path ?? '/',
        method: options.method ?? 'GET',
        agent,
        servername: 'localhost',
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, reusedSocket: req.reusedSocket, headers: res.headers }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
