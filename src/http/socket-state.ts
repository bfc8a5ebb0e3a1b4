/**
 * What the agent remembers about each of its sockets, and the two transitions a socket goes
 * through: free (idle, watched for death, unreferenced, closed by its own idle timer) and busy
 * (handed to a request: referenced, not flowing until the request's parser listens).
 *
 * @module
 */
import type net from 'node:net';
import type { Lease } from '../resource/types.js';

/** Per-socket bookkeeping. */
export interface SocketState {
  /** When it connected, on the agent's clock. */
  readonly createdAt: number;
  /** The lease while a request uses it. */
  lease: Lease<net.Socket> | undefined;
  /** The socket must not be reused at or after this time (idle limit, server hint). */
  idleDeadline: number;
  /** How long it may stay free this time, in milliseconds. */
  idleLimitMs: number;
  /** Set once it closed, reset or misbehaved. */
  dead: boolean;
  /** Tells the pool the socket died (set by `watch`). */
  died: (() => void) | undefined;
  /** The listener that treats any byte arriving while free as death. */
  onIdleData: (() => void) | undefined;
  /** The agent's own listeners on the socket (a retry detaches every other one). */
  readonly ours: Set<unknown>;
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

/** Makes a socket free: idle timer armed, flowing into a death detector, unreferenced. */
export function enterFree(socket: net.Socket, state: SocketState): void {
  socket.setTimeout(state.idleLimitMs);
  socket.unref();
  if (state.onIdleData === undefined) {
    const onIdleData = (): void => {
      state.dead = true;
      state.died?.();
    };
    state.onIdleData = onIdleData;
    state.ours.add(onIdleData);
    socket.on('data', onIdleData);
  }
  socket.resume();
}

/** Hands a free socket to a request. */
export function enterBusy(socket: net.Socket, state: SocketState): void {
  if (state.onIdleData !== undefined) {
    socket.off('data', state.onIdleData);
    state.ours.delete(state.onIdleData);
    state.onIdleData = undefined;
  }
  socket.setTimeout(0);
  socket.pause();
  // No mode yet, as a fresh socket: the request's 'data' listener starts the flow.
  (socket as { readableFlowing: boolean | null }).readableFlowing = null;
  socket.ref();
}

/**
 * The idle limit a `Keep-Alive: timeout=N` response header allows: N seconds less a margin
 * (a quarter, at most one second) for the request's flight time and timer slop. `undefined`
 * when there is no usable hint.
 */
export function hintedIdleLimitMs(header: unknown): number | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /(?:^|[\s,])timeout=(\d+)/i.exec(header);
  if (match === null) return undefined;
  const hintMs = Number(match[1]) * 1000;
  return hintMs - Math.min(1000, hintMs / 4);
}
