/**
 * Opening one socket with a connect timeout that really aborts: when the timer fires or the
 * signal aborts, the half-open socket is destroyed (no lingering SYN, no late 'connect'), and the
 * promise rejects with `ConnectTimeoutError` or `signal.reason`. For TLS, "connected" means the
 * handshake finished.
 *
 * @module
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Clock } from '../internal/clock.js';
import { abortReason, ConnectTimeoutError } from '../internal/errors.js';
import type { SocketTarget } from './target.js';

/** How {@link connectSocket} opens a socket. */
export interface ConnectSettings {
  /** Give up after this long, in milliseconds (`Infinity` = never). */
  readonly connectTimeoutMs: number;
  /** TCP keepalive probes on the socket. */
  readonly keepAlive: boolean;
  /** Idle time before the first keepalive probe, in milliseconds. */
  readonly keepAliveInitialDelayMs: number;
  /** Disable Nagle's algorithm. */
  readonly noDelay: boolean;
  /** Time source for the timeout. */
  readonly clock: Clock;
}

function ignoreError(): void {}

/** Connects to `target`; resolves with the connected (TLS: handshaken) socket. */
export function connectSocket(
  target: SocketTarget,
  settings: ConnectSettings,
  signal?: AbortSignal,
): Promise<net.Socket> {
  return new Promise<net.Socket>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const { key: _key, tls: useTls, ...options } = target;
    const host = target.host ?? 'localhost';
    const socket: net.Socket = useTls
      ? tls.connect({ ...(options as tls.ConnectionOptions), host, servername: target.servername ?? serverName(host) })
      : net.connect({ ...(options as net.TcpNetConnectOpts), host });
    const readyEvent = useTls ? 'secureConnect' : 'connect';
    let settled = false;
    const finish = (error: unknown): void => {
      if (settled) return;
      settled = true;
      timer?.cancel();
      signal?.removeEventListener('abort', onAbort);
      socket.off(readyEvent, onReady);
      socket.off('error', onError);
      if (error === undefined) {
        socket.setKeepAlive(settings.keepAlive, settings.keepAliveInitialDelayMs);
        socket.setNoDelay(settings.noDelay);
        resolve(socket);
        return;
      }
      socket.on('error', ignoreError); // a late error from the destroyed attempt goes nowhere
      socket.destroy();
      reject(error);
    };
    const onReady = (): void => finish(undefined);
    const onError = (error: Error): void => finish(error);
    const onAbort = (): void => finish(abortReason(signal as AbortSignal));
    socket.once(readyEvent, onReady);
    socket.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      settings.connectTimeoutMs < Number.POSITIVE_INFINITY
        ? settings.clock.setTimer(
            () =>
              finish(
                new ConnectTimeoutError(
                  `Could not connect to ${host}:${target.port} within ${settings.connectTimeoutMs} ms`,
                  { host, port: target.port, timeoutMs: settings.connectTimeoutMs },
                ),
              ),
            settings.connectTimeoutMs,
          )
        : undefined;
  });
}

/** SNI must not be an IP address (RFC 6066). */
function serverName(host: string): string | undefined {
  return net.isIP(host) === 0 ? host : undefined;
}
