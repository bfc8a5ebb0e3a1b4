/**
 * What the agent remembers about each of its sockets, and the two states a socket moves between:
 * free (idle, unreferenced, any byte or close means death) and busy (carrying a request,
 * referenced). A socket flows from its creation to its end with one permanent 'data' listener
 * that only acts while the socket is free, so a request/response cycle costs no listener
 * churn, no pause/resume and no timer (idle limits are checked with the clock when a socket is
 * taken, and the pool's idle sweep closes the forgotten ones).
 *
 * @module
 */
import type net from 'node:net';
import type { Lease } from '../resource/types.js';

/** Per-socket bookkeeping. */
export interface SocketState {
  /** The origin name (`agent.getName()`). */
  readonly name: string;
  /** When it connected, on the agent's clock. */
  readonly createdAt: number;
  /** The lease while a request uses it. */
  lease: Lease<net.Socket> | undefined;
  /** True while idle in the pool. */
  free: boolean;
  /** True once it carried a request. */
  served: boolean;
  /** The socket must not be reused at or after this time (idle limit, server hint). */
  idleDeadline: number;
  /** Set once it closed, reset or misbehaved. */
  dead: boolean;
  /** Tells the pool the socket died (set by `watch`). */
  died: (() => void) | undefined;
  /** The agent's own listeners on the socket (a retry detaches every other one). */
  readonly ours: Set<unknown>;
  /** Retry guard: the request waiting for its first response byte, and the byte counts then. */
  guardRequest: unknown;
  guardBytesRead: number;
  guardBytesWritten: number;
}

/** True when the socket can carry another request. */
export function reusable(socket: net.Socket, state: SocketState): boolean {
  return (
    !state.dead &&
    !socket.destroyed &&
    socket.writable &&
    !socket.readableEnded &&
    socket.readableLength === 0 &&
    socket.writableLength === 0
  );
}

/** Makes a socket free: it no longer keeps the process alive. */
export function enterFree(socket: net.Socket, state: SocketState): void {
  state.free = true;
  socket.unref();
}

/** Hands a free socket to a request. */
export function enterBusy(socket: net.Socket, state: SocketState): void {
  state.free = false;
  socket.ref();
}

// The last header value seen and its limit: one regex per distinct value, not per response.
let lastHeader = '';
let lastLimitMs: number | undefined;

/**
 * The idle limit a `Keep-Alive: timeout=N` response header allows: N seconds less a margin
 * (a quarter, at most one second) for the request's flight time and timer slop. `undefined`
 * when the response has no usable hint. Reads `rawHeaders`, which does not build the lazily
 * computed `headers` object.
 */
export function hintedIdleLimitMs(rawHeaders: readonly string[] | undefined): number | undefined {
  if (rawHeaders === undefined) return undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length !== 10 || name.toLowerCase() !== 'keep-alive') continue;
    const value = rawHeaders[i + 1] ?? '';
    if (value === lastHeader) return lastLimitMs; // servers send the same value every time
    const match = /(?:^|[\s,])timeout=(\d+)/i.exec(value);
    const hintMs = match === null ? undefined : Number(match[1]) * 1000;
    lastHeader = value;
    lastLimitMs = hintMs === undefined ? undefined : hintMs - Math.min(1000, hintMs / 4);
    return lastLimitMs;
  }
  return undefined;
}
