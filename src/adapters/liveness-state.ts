/**
 * Liveness bookkeeping shared by the driver adapters: each connection has a small state record
 * that the driver's `'error'`/`'end'` listeners mark dead, and the pool's `watch` hook subscribes
 * to it. Also the one way the adapters load their optional driver.
 *
 * @module
 */

/** Per-connection liveness, marked by the adapter's driver listeners. */
export interface LivenessState {
  /** True once the driver reported the connection gone (error, end, terminated backend). */
  dead: boolean;
  /** The error that killed it, if any. */
  error: unknown;
  /** The pool's `dead` callback while the pool watches this connection. */
  onDead: ((error?: unknown) => void) | undefined;
}

/** The part of a driver connection (pg `Client`, mysql2 connection, node-redis client) the adapters listen to. */
export interface DeathEvents {
  /** Subscribes to the connection's `'error'` and `'end'` events. */
  on(event: 'error' | 'end', listener: (error?: Error) => void): unknown;
}

/**
 * Marks `state` dead on the connection's first `'error'` or `'end'`, calls the pool's watcher,
 * and tells `onError` about the first error only (pg emits twice for one death: the 57P01 message,
 * then "Connection terminated unexpectedly"). The `'error'` listener stays for the connection's
 * whole life, so a spontaneous error never crashes the process.
 */
export function listenForDeath<S extends LivenessState>(
  connection: DeathEvents,
  state: S,
  onError: (error: unknown) => void,
): S {
  const die = (error?: unknown) => {
    if (state.dead) return;
    state.dead = true;
    state.error = error;
    state.onDead?.(error);
  };
  connection.on('error', (error) => {
    if (state.dead) return;
    die(error);
    onError(error);
  });
  connection.on('end', () => die());
  return state;
}

/**
 * The resource pool's `watch` hook over a {@link LivenessState}: reports a connection that is
 * already dead at once, otherwise subscribes until the returned function is called.
 */
export function watchLiveness(state: LivenessState, dead: (error?: unknown) => void): (() => void) | undefined {
  if (state.dead) {
    dead(state.error);
    return undefined;
  }
  state.onDead = dead;
  return () => {
    state.onDead = undefined;
  };
}

/**
 * Loads a driver on first use and caches it. A failed load (driver not installed) is not cached,
 * so installing the driver later works without a restart.
 */
export function cachedDriver<D>(load: () => Promise<D>): () => Promise<D> {
  let driver: Promise<D> | undefined;
  return () => {
    driver ??= load().catch((error: unknown) => {
      driver = undefined;
      throw error;
    });
    return driver;
  };
}
