/**
 * Liveness of one `pg.Client`: an `'error'` listener attached before `connect()` and kept for the
 * client's whole life (an idle client whose backend is terminated emits `'error'`; with nobody
 * listening that crashes the process, which is what `pg.Pool` does when its user forgot
 * `pool.on('error')`), plus the `'end'` event. The pool's `watch` hook subscribes to it.
 *
 * @module
 */
import type { Client } from 'pg';
import { listenForDeath } from '../liveness-state.js';

/** What is known about one client. */
export interface PgClientState {
  /** True once the client emitted `'error'` or `'end'`, or was destroyed. */
  dead: boolean;
  /** The error that killed it, if any. */
  error: unknown;
  /** The pool's `dead` callback while the client is watched. */
  onDead: ((error?: unknown) => void) | undefined;
}

const states = new WeakMap<Client, PgClientState>();

/** Internals of `pg.Client` used to cut a connection that will not end politely. */
interface PgClientInternals {
  readonly connection?: { readonly stream?: { destroy(): void } };
  readonly _queryable?: boolean;
}

/**
 * Starts tracking `client`; `onError` is told about every spontaneous error (the adapter turns it
 * into the pool's `'error'` event, which never crashes when nobody listens).
 */
export function trackClient(client: Client, onError: (error: unknown, client: Client) => void): PgClientState {
  const state: PgClientState = { dead: false, error: undefined, onDead: undefined };
  states.set(client, state);
  return listenForDeath(client, state, (error) => onError(error, client));
}

/** The tracked state of `client` (a dead placeholder for a client this adapter did not create). */
export function clientState(client: Client): PgClientState {
  return states.get(client) ?? { dead: true, error: undefined, onDead: undefined };
}

/** True when the client can still take queries. */
export function isAlive(client: Client): boolean {
  return !clientState(client).dead && (client as unknown as PgClientInternals)._queryable !== false;
}

/** Destroys the client's socket at once (no Terminate message); pending queries reject. */
export function cutClient(client: Client): void {
  (client as unknown as PgClientInternals).connection?.stream?.destroy();
}

/** Marks the client dead without calling the watcher (the pool is destroying it). */
export function markClosing(client: Client): void {
  const state = clientState(client);
  state.onDead = undefined;
  state.dead = true;
}

/**
 * Runs `text` on `client`; if `signal` aborts first, the socket is cut so the query rejects at
 * once instead of hanging (a black-holed connection never answers).
 */
export async function queryWithSignal(client: Client, text: string, signal: AbortSignal): Promise<void> {
  if (signal.aborted) {
    cutClient(client);
    throw signal.reason;
  }
  const onAbort = () => cutClient(client);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await client.query(text);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
