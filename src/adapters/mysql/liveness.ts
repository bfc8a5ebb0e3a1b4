/**
 * Liveness of one mysql2 connection: `'error'` and `'end'` listeners on the core connection for its
 * whole life (mysql2 emits `'error'` on an idle connection the server closed; nobody listening
 * would crash the process), the time it went idle, and the server's `wait_timeout` for it.
 *
 * @module
 */

import { performance } from 'node:perf_hooks';
import type { Connection as CoreConnection } from 'mysql2';
import type { Connection } from 'mysql2/promise';
import { listenForDeath } from '../liveness-state.js';

/** What is known about one connection. */
export interface MysqlConnectionState {
  /** True once the connection emitted `'error'` or `'end'`, or was destroyed. */
  dead: boolean;
  /** The error that killed it, if any. */
  error: unknown;
  /** The pool's `dead` callback while watched. */
  onDead: ((error?: unknown) => void) | undefined;
  /** `performance.now()` when it was last released (or connected). */
  idleSince: number;
  /** The session's `wait_timeout`, in milliseconds (Infinity until known). */
  waitTimeoutMs: number;
}

const states = new WeakMap<object, MysqlConnectionState>();

/** Starts tracking the core connection; `onError` hears every spontaneous death once. */
export function trackConnection(
  core: CoreConnection,
  onError: (error: unknown, core: CoreConnection) => void,
): MysqlConnectionState {
  const state: MysqlConnectionState = {
    dead: false,
    error: undefined,
    onDead: undefined,
    idleSince: performance.now(),
    waitTimeoutMs: Number.POSITIVE_INFINITY,
  };
  states.set(core, state);
  return listenForDeath(core, state, (error) => onError(error, core));
}

/** The callback-API connection under a promise connection (mysql2 keeps it as `.connection`). */
export function coreOf(connection: Connection): CoreConnection {
  return (connection as unknown as { readonly connection: CoreConnection }).connection;
}

/** The state of a pooled promise connection (a dead placeholder for a foreign one). */
export function connectionState(connection: Connection): MysqlConnectionState {
  return (
    states.get(coreOf(connection)) ?? {
      dead: true,
      error: undefined,
      onDead: undefined,
      idleSince: 0,
      waitTimeoutMs: 0,
    }
  );
}

/** True while the connection can take queries. */
export function isAlive(connection: Connection): boolean {
  const core = coreOf(connection) as CoreConnection & { _fatalError?: unknown; _protocolError?: unknown };
  return !connectionState(connection).dead && !core._fatalError && !core._protocolError;
}

/** Destroys the socket at once; pending queries reject. */
export function cutConnection(core: CoreConnection): void {
  core.destroy();
}

/** Marks the connection dead without calling the watcher (the pool is destroying it). */
export function markClosing(connection: Connection): void {
  const state = connectionState(connection);
  state.onDead = undefined;
  state.dead = true;
}

/** Runs `work`; if `signal` aborts first, the socket is cut so it rejects at once. */
export async function withSignal<R>(connection: Connection, signal: AbortSignal, work: () => Promise<R>): Promise<R> {
  if (signal.aborted) {
    cutConnection(coreOf(connection));
    throw signal.reason;
  }
  const onAbort = () => cutConnection(coreOf(connection));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await work();
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
