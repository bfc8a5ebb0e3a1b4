/**
 * Where a pooled socket connects: a TCP address or a TLS one, and the key it is pooled under.
 * Sockets are shared only between targets with the same key, so the key holds everything that
 * changes which server (or which TLS identity) a socket talks to.
 *
 * @module
 */
import type net from 'node:net';
import type tls from 'node:tls';
import { invalidOption } from '../internal/options.js';

/** A TCP target: `net.connect` options with a required port. */
export interface TcpTarget extends Omit<net.TcpNetConnectOpts, 'port' | 'timeout' | 'signal'> {
  /** Port to connect to. */
  readonly port: number;
  /** Host to connect to. @default 'localhost' */
  readonly host?: string;
  /** Plain TCP. @default false */
  readonly tls?: false;
  /** Pool key; sockets are shared between targets with the same key. @default derived from the address */
  readonly key?: string;
}

/** A TLS target: `tls.connect` options with a required port. */
export interface TlsTarget extends Omit<tls.ConnectionOptions, 'port' | 'timeout' | 'signal' | 'socket'> {
  /** Port to connect to. */
  readonly port: number;
  /** Host to connect to. @default 'localhost' */
  readonly host?: string;
  /** TLS on top of TCP. */
  readonly tls: true;
  /** Pool key; sockets are shared between targets with the same key. @default derived from the address */
  readonly key?: string;
}

/** Where to connect. */
export type SocketTarget = TcpTarget | TlsTarget;

/**
 * The pool key of a target: protocol, host, port, TLS server name and local address, e.g.
 * `tls:example.com:443:example.com`. A target's own `key` wins.
 */
export function targetKey(target: SocketTarget): string {
  if (target.key !== undefined) return target.key;
  const host = target.host ?? 'localhost';
  const localAddress = (target as { readonly localAddress?: string }).localAddress;
  const local = localAddress ? `@${localAddress}` : '';
  if (target.tls) return `tls:${host}:${target.port}:${target.servername ?? host}${local}`;
  return `tcp:${host}:${target.port}${local}`;
}

/** Checks a target, throwing `InvalidOptionError` in the house style. */
export function checkTarget(target: unknown, name = 'target'): asserts target is SocketTarget {
  if (typeof target !== 'object' || target === null) invalidOption(name, 'an object with a `port`', target);
  const { port, host, tls: useTls, key } = target as Record<string, unknown>;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    invalidOption(`${name}.port`, 'an integer between 1 and 65535', port);
  }
  if (host !== undefined && (typeof host !== 'string' || host === '')) {
    invalidOption(`${name}.host`, 'a non-empty string', host);
  }
  if (useTls !== undefined && typeof useTls !== 'boolean') invalidOption(`${name}.tls`, 'a boolean', useTls);
  if (key !== undefined && (typeof key !== 'string' || key === '')) {
    invalidOption(`${name}.key`, 'a non-empty string', key);
  }
}
