/**
 * A pool of TCP and TLS sockets keyed by address, on the keyed resource pool: fatih/pool's
 * semantics (a pooled socket's `release()` returns it, `markUnusable()` makes release close it)
 * with per-address idle caps like gomemcache's `freeconn` and http.Transport's
 * `MaxIdleConnsPerHost`.
 *
 * Liveness: an idle socket is kept flowing with a listener that treats any event as death: the
 * server closing it (FIN), resetting it, or sending unsolicited bytes (the stream is out of step)
 * evicts it at once, with no unhandled 'error'. A socket in use belongs to its holder; if it died
 * meanwhile, release closes it instead of pooling it. Idle sockets are unreferenced, so an idle
 * pool never keeps the process alive.
 *
 * @module
 */
import type net from 'node:net';
import { ClosedError } from '../internal/errors.js';
import { createKeyedPool } from '../resource/index.js';
import type { AcquireOptions, Factory, KeyedPool, KeyedPoolStats, Lease } from '../resource/types.js';
import { connectSocket } from './connect.js';
import { type ResolvedSocketPoolOptions, resolveSocketPoolOptions, type SocketPoolOptions } from './options.js';
import { checkTarget, type SocketTarget, targetKey } from './target.js';

/** A socket lent by a {@link SocketPool}. Give it back exactly once: `release()`, `destroy()` or `detach()`. */
export interface PooledSocket<S extends net.Socket = net.Socket> {
  /** The connected socket (a `tls.TLSSocket` for TLS targets). Not flowing until you attach a 'data' listener. */
  readonly socket: S;
  /** The pool key of its address. */
  readonly key: string;
  /** True when the socket served an earlier holder (it came from the idle list). */
  readonly reused: boolean;
  /** True once {@link PooledSocket.markUnusable} was called. */
  readonly unusable: boolean;
  /**
   * Returns the socket to the pool. It is closed instead when it was marked unusable, has died,
   * has unread bytes, or the pool is over its idle caps. Remove your listeners first.
   */
  release(): void;
  /** Makes `release()` close the socket (fatih/pool's `MarkUnusable`). */
  markUnusable(): void;
  /** Closes the socket and frees its slot. */
  destroy(): Promise<void>;
  /** Takes the socket out of the pool for good; its slot is freed. */
  detach(): S;
}

/** Counters and gauges of a {@link SocketPool}: the keyed pool's stats, per address key. */
export type SocketPoolStats = KeyedPoolStats<string>;

/** A pool of sockets keyed by address. Create one with {@link createSocketPool}. */
export interface SocketPool extends AsyncDisposable {
  /** Borrows a connected socket to `target` (default: the pool's target), connecting if needed. */
  acquire(target?: SocketTarget, options?: AcquireOptions): Promise<PooledSocket>;
  /** An idle socket to `target` right now, or `undefined`; never connects. */
  tryAcquire(target?: SocketTarget): PooledSocket | undefined;
  /** Global and per-address stats. */
  stats(): SocketPoolStats;
  /** Closes idle sockets of one target (or all); sockets in use are closed on release. */
  clear(target?: SocketTarget): Promise<void>;
  /** Graceful close: waits for sockets in use up to `timeoutMs`, then closes everything. Idempotent. */
  close(options?: { readonly timeoutMs?: number }): Promise<void>;
  /** Closes every socket now, including those in use. Idempotent. */
  destroy(): Promise<void>;
}

/** Per-socket bookkeeping kept outside the socket object. */
interface SocketState {
  uses: number;
  unusable: boolean;
  dead: boolean;
  onIdleData: ((chunk: Buffer) => void) | undefined;
}

const states = new WeakMap<net.Socket, SocketState>();

function ignoreError(): void {}

/** A socket can go back to the idle list only if it is open both ways with nothing unread. */
function reusable(socket: net.Socket, state: SocketState): boolean {
  return (
    !state.unusable &&
    !state.dead &&
    !socket.destroyed &&
    socket.writable &&
    !socket.readableEnded &&
    socket.readableLength === 0 &&
    socket.writableLength === 0
  );
}

/** Puts an idle socket in flowing mode with a listener that treats any byte as death. */
function enterIdle(socket: net.Socket, state: SocketState, dead: () => void): void {
  socket.setTimeout(0);
  socket.unref();
  const onIdleData = (): void => {
    state.dead = true;
    dead();
  };
  state.onIdleData = onIdleData;
  socket.on('data', onIdleData);
  socket.resume();
}

/** Hands an idle socket to a holder: not flowing, referenced, none of the pool's data listeners. */
function leaveIdle(socket: net.Socket, state: SocketState): void {
  if (state.onIdleData !== undefined) {
    socket.off('data', state.onIdleData);
    state.onIdleData = undefined;
  }
  socket.pause();
  // Back to "no mode yet", as a fresh socket: the holder's first 'data' listener starts the flow.
  (socket as { readableFlowing: boolean | null }).readableFlowing = null;
  socket.ref();
}

class SocketPoolEngine implements SocketPool {
  readonly #options: ResolvedSocketPoolOptions;
  readonly #defaultTarget: SocketTarget | undefined;
  readonly #targets = new Map<string, SocketTarget>();
  readonly #deadCallbacks = new WeakMap<net.Socket, () => void>();
  readonly #pool: KeyedPool<string, net.Socket>;
  #closed = false;

  constructor(target: SocketTarget | undefined, options: ResolvedSocketPoolOptions) {
    this.#defaultTarget = target;
    this.#options = options;
    this.#pool = createKeyedPool<string, net.Socket>((key) => this.#factory(key), {
      maxPerKey: options.maxPerAddress,
      maxIdlePerKey: options.maxIdlePerAddress,
      max: options.max,
      maxIdle: options.maxIdle,
      acquireTimeoutMs: options.acquireTimeoutMs,
      // The connect timeout is ours (it raises ConnectTimeoutError); the pool's is a backstop.
      createTimeoutMs: options.connectTimeoutMs + 1000,
      idleTimeoutMs: options.idleTimeoutMs,
      maxLifetimeMs: options.maxLifetimeMs,
      validateAfterIdleMs: 0,
      idleOrder: 'lifo',
      failFast: options.failFast,
      createBackoff: options.connectBackoff,
      clock: options.clock,
      name: options.name,
    });
  }

  #factory(key: string): Factory<net.Socket> {
    const options = this.#options;
    return {
      create: async ({ signal }) => {
        const target = this.#targets.get(key) as SocketTarget;
        const socket = await connectSocket(target, options, signal);
        socket.on('error', ignoreError); // the holder may listen too; the pool never crashes the process
        const state: SocketState = { uses: 0, unusable: false, dead: false, onIdleData: undefined };
        states.set(socket, state);
        // Idle until someone takes it: watched for death and not keeping the process alive.
        enterIdle(socket, state, () => this.#deadCallbacks.get(socket)?.());
        return socket;
      },
      destroy: (socket) => {
        socket.destroy();
      },
      validate: (socket) => reusable(socket, states.get(socket) as SocketState),
      reset: (socket) => {
        const state = states.get(socket) as SocketState;
        if (!reusable(socket, state)) return false;
        enterIdle(socket, state, () => this.#deadCallbacks.get(socket)?.());
        return true;
      },
      isBroken: () => true,
      watch: (socket, dead) => {
        const state = states.get(socket) as SocketState;
        const onDeath = (error?: unknown): void => {
          state.dead = true;
          dead(error);
        };
        const onEnd = (): void => onDeath();
        const onClose = (): void => onDeath();
        this.#deadCallbacks.set(socket, () => onDeath());
        socket.on('error', onDeath);
        socket.on('end', onEnd);
        socket.on('close', onClose);
        return () => {
          socket.off('error', onDeath);
          socket.off('end', onEnd);
          socket.off('close', onClose);
          this.#deadCallbacks.delete(socket);
        };
      },
    };
  }

  #resolve(target: SocketTarget | undefined): string {
    if (this.#closed) throw new ClosedError(`Socket pool "${this.#options.name}" is closed`);
    const chosen = target ?? this.#defaultTarget;
    if (chosen === undefined) throw new TypeError('createSocketPool() was given no target: pass one to acquire()');
    if (target !== undefined) checkTarget(target);
    const key = targetKey(chosen);
    if (!this.#targets.has(key)) this.#targets.set(key, chosen);
    return key;
  }

  async acquire(target?: SocketTarget, options?: AcquireOptions): Promise<PooledSocket> {
    const key = this.#resolve(target);
    return this.#wrap(key, await this.#pool.acquire(key, options));
  }

  tryAcquire(target?: SocketTarget): PooledSocket | undefined {
    const key = this.#resolve(target);
    const lease = this.#pool.tryAcquire(key);
    return lease === undefined ? undefined : this.#wrap(key, lease);
  }

  #wrap(key: string, lease: Lease<net.Socket>): PooledSocket {
    const socket = lease.value;
    const state = states.get(socket) as SocketState;
    leaveIdle(socket, state);
    const reused = state.uses++ > 0;
    state.unusable = false;
    return {
      socket,
      key,
      reused,
      get unusable() {
        return state.unusable;
      },
      release: () => {
        if (state.unusable) {
          void lease.destroy();
          return;
        }
        lease.release();
      },
      markUnusable: () => {
        state.unusable = true;
      },
      destroy: () => lease.destroy(),
      detach: () => {
        socket.off('error', ignoreError);
        return lease.detach();
      },
    };
  }

  stats(): SocketPoolStats {
    return this.#pool.stats();
  }

  clear(target?: SocketTarget): Promise<void> {
    if (target === undefined) return this.#pool.clear();
    checkTarget(target);
    return this.#pool.clear(targetKey(target));
  }

  close(options?: { readonly timeoutMs?: number }): Promise<void> {
    this.#closed = true;
    return this.#pool.close(options);
  }

  destroy(): Promise<void> {
    this.#closed = true;
    return this.#pool.destroy();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Creates a socket pool. `target` is the default address (`{ host, port }`, or TLS options with
 * `tls: true`); `acquire(otherTarget)` reaches any other address through the same pool.
 *
 * @example
 * ```ts
 * const pool = createSocketPool({ host: '127.0.0.1', port: 6379 }, { maxIdlePerAddress: 2 });
 * const conn = await pool.acquire();
 * conn.socket.write('PING\r\n');
 * // ... read the reply, then:
 * conn.release(); // or conn.markUnusable(); conn.release(); when the stream is out of step
 * ```
 */
export function createSocketPool(target?: SocketTarget, options?: SocketPoolOptions): SocketPool {
  if (target !== undefined) checkTarget(target);
  return new SocketPoolEngine(target, resolveSocketPoolOptions(options));
}
