/**
 * Loopback TCP servers that misbehave on purpose, for testing clients and pools against the
 * faults real networks produce: a server that accepts and never answers, one that resets every
 * connection at once, one that closes after N bytes, and one that is slow to accept.
 *
 * @module
 */
import net from 'node:net';
import type { Clock, Timer } from '../internal/clock.js';
import { systemClock } from '../internal/clock.js';
import { invalidOption } from '../internal/options.js';

/** Which fault a {@link FaultServer} produces. */
export type Fault =
  /** Accepts connections, reads and discards everything, never answers, never closes. */
  | {
      /** Selects this fault. */
      readonly kind: 'blackhole';
    }
  /** Accepts and resets (RST) every connection at once. */
  | {
      /** Selects this fault. */
      readonly kind: 'reset';
    }
  /**
   * Accepts, reads up to `bytes` bytes, optionally writes `reply`, then closes (`end`) or resets
   * (`reset: true`) the connection.
   */
  | {
      /** Selects this fault. */
      readonly kind: 'close-after-bytes';
      /** Bytes to receive before closing (>= 0; 0 closes right after accepting). */
      readonly bytes: number;
      /** Sent just before closing. @default nothing */
      readonly reply?: string | Uint8Array;
      /** Reset (RST) instead of a clean close (FIN). @default false */
      readonly reset?: boolean;
    }
  /**
   * Accepts at the TCP level but holds each connection silent (paused, nothing sent or read) for
   * `delayMs` milliseconds, then hands it to `onAccept` (default: echo every byte back). A TLS
   * client sees its handshake stall; a protocol with a greeting sees it late.
   */
  | {
      /** Selects this fault. */
      readonly kind: 'slow-accept';
      /** How long each connection is held before it is served, in milliseconds. */
      readonly delayMs: number;
      /** Serves the connection after the delay. @default echo */
      readonly onAccept?: (socket: net.Socket) => void;
    };

/** Options of {@link startFaultServer}. */
export interface FaultServerOptions {
  /** Loopback address to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** Port to listen on; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Time source for `slow-accept` delays. @default systemClock */
  readonly clock?: Clock;
}

/** A running fault server. Close it when done: `await server.close()` or `await using`. */
export interface FaultServer extends AsyncDisposable {
  /** The address it listens on. */
  readonly host: string;
  /** The port it listens on. */
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections currently open on the server side. */
  readonly open: number;
  /** Bytes received so far, over all connections. */
  readonly bytesReceived: number;
  /** Resolves once `count` connections have been accepted in total (at once if already). */
  waitForConnections(count: number): Promise<void>;
  /** Resolves once no connection is open on the server side (at once if none is). */
  waitForIdle(): Promise<void>;
  /** Stops listening and destroys every open connection. Idempotent. */
  close(): Promise<void>;
}

function checkFault(fault: Fault): void {
  if (typeof fault !== 'object' || fault === null) invalidOption('fault', 'an object with a `kind`', fault);
  switch (fault.kind) {
    case 'blackhole':
    case 'reset':
      return;
    case 'close-after-bytes':
      if (!Number.isSafeInteger(fault.bytes) || fault.bytes < 0) {
        invalidOption('fault.bytes', 'an integer >= 0', fault.bytes);
      }
      return;
    case 'slow-accept':
      if (typeof fault.delayMs !== 'number' || !(fault.delayMs >= 0) || !Number.isFinite(fault.delayMs)) {
        invalidOption('fault.delayMs', 'a finite number >= 0', fault.delayMs);
      }
      return;
    default:
      invalidOption(
        'fault.kind',
        'one of `blackhole`, `reset`, `close-after-bytes`, `slow-accept`',
        (fault as { kind: unknown }).kind,
      );
  }
}

/**
 * Starts a fault server on loopback and resolves once it listens.
 *
 * @example
 * ```ts
 * await using server = await startFaultServer({ kind: 'blackhole' });
 * // a client connecting to server.port never gets an answer: its timeout must fire
 * ```
 */
export async function startFaultServer(fault: Fault, options: FaultServerOptions = {}): Promise<FaultServer> {
  checkFault(fault);
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? systemClock;
  const sockets = new Set<net.Socket>();
  const timers = new Set<Timer>();
  const waiters: { count: number; resolve: () => void }[] = [];
  const idleWaiters: (() => void)[] = [];
  let accepted = 0;
  let bytesReceived = 0;

  const serve = (socket: net.Socket): void => {
    switch (fault.kind) {
      case 'blackhole':
        socket.on('data', (chunk: Buffer) => {
          bytesReceived += chunk.length;
        });
        return;
      case 'reset':
        socket.resetAndDestroy();
        return;
      case 'close-after-bytes':
        serveCloseAfter(socket, fault, (n) => {
          bytesReceived += n;
        });
        return;
      case 'slow-accept': {
        socket.pause();
        const timer = clock.setTimer(() => {
          timers.delete(timer);
          if (socket.destroyed) return;
          socket.on('data', (chunk: Buffer) => {
            bytesReceived += chunk.length;
          });
          if (fault.onAccept) fault.onAccept(socket);
          else socket.pipe(socket);
          socket.resume();
        }, fault.delayMs);
        timers.add(timer);
      }
    }
  };

  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => {}); // resets and aborts are the point here, never unhandled
    socket.once('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0) for (const resolve of idleWaiters.splice(0)) resolve();
    });
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i] as { count: number; resolve: () => void };
      if (accepted >= waiter.count) {
        waiters.splice(i, 1);
        waiter.resolve();
      }
    }
    serve(socket);
  });
  server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: options.port ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;
  let closing: Promise<void> | undefined;

  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const timer of timers) timer.cancel();
      timers.clear();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };

  return {
    host,
    port: address.port,
    get accepted() {
      return accepted;
    },
    get open() {
      return sockets.size;
    },
    get bytesReceived() {
      return bytesReceived;
    },
    waitForConnections(count: number): Promise<void> {
      if (accepted >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    waitForIdle(): Promise<void> {
      if (sockets.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

function serveCloseAfter(
  socket: net.Socket,
  fault: Extract<Fault, { kind: 'close-after-bytes' }>,
  count: (bytes: number) => void,
): void {
  let received = 0;
  const finish = (): void => {
    socket.removeAllListeners('data');
    if (fault.reset) {
      if (fault.reply !== undefined) socket.write(fault.reply, () => socket.resetAndDestroy());
      else socket.resetAndDestroy();
      return;
    }
    if (fault.reply !== undefined) socket.end(fault.reply);
    else socket.end();
  };
  if (fault.bytes === 0) {
    finish();
    return;
  }
  socket.on('data', (chunk: Buffer) => {
    const take = Math.min(chunk.length, fault.bytes - received);
    received += take;
    count(take);
    if (received >= fault.bytes) finish();
  });
}
