/**
 * The socket bookkeeping behind {@link Agent} and {@link HttpsAgent}: Node's `http.Agent` keeps
 * `sockets`/`freeSockets`/`requests` lists itself; this engine replaces them with the keyed
 * resource pool (one sub-pool per origin name, as `agent.getName()` computes it). A request gets
 * a socket through `pool.acquire(name)`; the socket's `'free'` event (emitted by the HTTP client
 * when a keep-alive response ends) releases it; a socket the server closes, resets or times out
 * is destroyed. Ideas from Node's `_http_agent.js` (`addRequest`, `'free'`, `keepSocketAlive`),
 * agentkeepalive (free-socket timeout, TTL, counters) and Go's http.Transport (idle conns).
 *
 * @module
 */
import type { ClientRequest } from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { abortReason, ConnectTimeoutError } from '../internal/errors.js';
import { createKeyedPool } from '../resource/index.js';
import type { Factory, KeyedPool, Lease } from '../resource/types.js';
import type { ResolvedAgentOptions } from './options.js';
import { armRetry, disarmRetry, installRetryGuard, retryableMethod } from './retry.js';
import { enterBusy, enterFree, hintedIdleLimitMs, reusable, type SocketState } from './socket-state.js';

/** The parts of `http.Agent` the engine calls back into. */
export interface AgentHost {
  createConnection(
    options: Record<string, unknown>,
    callback?: (error: Error | null, socket: net.Socket) => void,
  ): unknown;
  getName(options: Record<string, unknown>): string;
  readonly options: Record<string, unknown>;
}

/** Free, busy and waiting counts of one origin. */
export interface OriginStats {
  /** Idle keep-alive sockets. */
  readonly free: number;
  /** Sockets carrying a request (or connecting for one). */
  readonly busy: number;
  /** Requests waiting for a socket. */
  readonly pending: number;
}

/** A snapshot of an agent's counters (agentkeepalive's, plus retries) and per-origin gauges. */
export interface AgentStats {
  /** Sockets connected. */
  readonly socketsCreated: number;
  /** Connects that failed or timed out. */
  readonly createErrors: number;
  /** Sockets closed, for any reason. */
  readonly socketsClosed: number;
  /** Free sockets closed for idling past their limit (free-socket timeout or server hint). */
  readonly socketsTimedOut: number;
  /** Requests handed to the agent. */
  readonly requests: number;
  /** Requests given a socket that served an earlier request. */
  readonly reusedSockets: number;
  /** Idempotent requests sent again after their reused socket closed before any response byte. */
  readonly retries: number;
  /** Per origin name (`agent.getName()`): free, busy and pending. */
  readonly origins: Readonly<Record<string, OriginStats>>;
}

type Request = ClientRequest & { reusedSocket?: boolean; timeout?: number; shouldKeepAlive?: boolean };
const IGNORE_ERROR = (): void => {};

/** Pool-backed socket management for one agent. */
export class AgentEngine {
  readonly #host: AgentHost;
  readonly #options: ResolvedAgentOptions;
  readonly #pool: KeyedPool<string, net.Socket>;
  readonly #connectOptions = new Map<string, Record<string, unknown>>();
  readonly #states = new WeakMap<net.Socket, SocketState>();
  readonly #tls: boolean;
  #created = 0;
  #createErrors = 0;
  #closed = 0;
  #timedOut = 0;
  #requests = 0;
  #reused = 0;
  #retries = 0;

  /** `tls`: the host is an `https.Agent` (SNI names are computed as Node does). */
  constructor(host: AgentHost, options: ResolvedAgentOptions, tls: boolean) {
    this.#tls = tls;
    this.#host = host;
    this.#options = options;
    this.#pool = createKeyedPool<string, net.Socket>((name) => this.#factory(name), {
      maxPerKey: options.maxSocketsPerOrigin,
      maxIdlePerKey: options.maxFreeSocketsPerOrigin,
      max: options.maxSockets,
      acquireTimeoutMs: options.socketWaitTimeoutMs,
      createTimeoutMs: options.connectTimeoutMs + 1000, // ours fires first, with ConnectTimeoutError
      idleTimeoutMs: options.freeSocketTimeoutMs + 1000, // each socket's own idle timer fires first
      maxLifetimeMs: options.socketTtlMs,
      validateAfterIdleMs: Number.POSITIVE_INFINITY, // checked on take, synchronously
      idleOrder: 'lifo',
      failFast: true,
      createBackoff: { initialMs: 10, maxMs: 1000 },
      clock: options.clock,
      name: options.name,
    });
  }

  /** `http.Agent#addRequest`: finds or makes a socket for `request` and hands it over. */
  addRequest(request: ClientRequest, requestOptions: Record<string, unknown>): void {
    const options: Record<string, unknown> = { __proto__: null, ...requestOptions, ...this.#host.options };
    if (options.socketPath) options.path = options.socketPath;
    if (this.#tls && !options.servername && options.servername !== '') {
      options.servername = serverName(options, request);
    }
    const name = this.#host.getName(options);
    if (!this.#connectOptions.has(name)) this.#connectOptions.set(name, options);
    this.#requests++;
    const lease = this.#take(name);
    if (lease !== undefined) this.#assign(request as Request, lease);
    else this.#wait(request as Request, name, false);
  }

  /** An idle socket that is still good, now, or undefined. Hot path. */
  #take(name: string): Lease<net.Socket> | undefined {
    for (;;) {
      const lease = this.#pool.tryAcquire(name);
      if (lease === undefined || this.#fresh(lease)) return lease;
    }
  }

  /** False (and the socket destroyed) when a socket from the idle list must not be used. */
  #fresh(lease: Lease<net.Socket>): boolean {
    const socket = lease.value;
    const state = this.#states.get(socket) as SocketState;
    if (reusable(socket, state) && this.#options.clock.now() < state.idleDeadline) return true;
    if (!state.dead) this.#timedOut++; // alive but past its idle limit
    state.dead = true;
    void lease.destroy();
    return false;
  }

  #wait(request: Request, name: string, retry: boolean): void {
    this.#pool.acquire(name).then(
      (lease) => {
        if (!this.#fresh(lease)) this.#wait(request, name, retry);
        else if (retry) this.#resend(request, lease);
        else this.#assign(request, lease);
      },
      (error: unknown) => {
        const cause = (error as { code?: unknown; cause?: unknown }).code === 'POOLKIT_CREATE_FAILED';
        const reported = cause ? ((error as { cause?: unknown }).cause ?? error) : error;
        if (retry) request.destroy(reported as Error);
        else
          (request as unknown as { onSocket(socket: undefined, error: unknown): void }).onSocket(undefined, reported);
      },
    );
  }

  #assign(request: Request, lease: Lease<net.Socket>): void {
    const socket = lease.value;
    const state = this.#states.get(socket) as SocketState;
    state.lease = lease;
    const reused = state.served;
    state.served = true;
    enterBusy(socket, state);
    if (reused) {
      this.#reused++;
      request.reusedSocket = true;
      if (this.#options.retryIdempotent && retryableMethod(request.method)) armRetry(state, socket, request);
    }
    request.onSocket(socket);
    if (request.timeout !== undefined) socket.setTimeout(request.timeout);
  }

  #retry(request: Request, state: SocketState): void {
    this.#retries++;
    // The server drops idle connections: the other idle ones of this origin are suspect too.
    void this.#pool.clear(state.name);
    this.#wait(request, state.name, true);
  }

  /** Sends the request's head again on a new socket and rebinds the request to it. */
  #resend(request: Request, lease: Lease<net.Socket>): void {
    if (request.destroyed) {
      lease.release();
      return;
    }
    const socket = lease.value;
    const state = this.#states.get(socket) as SocketState;
    state.lease = lease;
    state.served = true;
    enterBusy(socket, state);
    socket.write((request as unknown as { _header: string })._header, 'latin1');
    request.onSocket(socket);
  }

  #factory(name: string): Factory<net.Socket> {
    return {
      create: async ({ signal }) => {
        const options = this.#connectOptions.get(name) as Record<string, unknown>;
        let socket: net.Socket;
        try {
          socket = await this.#connect({ ...options, _agentKey: name }, signal);
        } catch (error) {
          this.#createErrors++;
          throw error;
        }
        this.#created++;
        this.#adopt(socket, name);
        return socket;
      },
      destroy: (socket) => {
        socket.destroy();
      },
      isBroken: () => true,
      watch: (socket, dead) => {
        const state = this.#states.get(socket) as SocketState;
        state.died = () => dead();
        return () => {
          state.died = undefined;
        };
      },
    };
  }

  /** Listeners a socket keeps for life: free, close, end, data (while free), timeout, agentRemove, error. */
  #adopt(socket: net.Socket, name: string): void {
    const now = this.#options.clock.now();
    const state: SocketState = {
      name,
      createdAt: now,
      lease: undefined,
      free: false,
      served: false,
      idleDeadline: now + this.#options.freeSocketTimeoutMs,
      dead: false,
      died: undefined,
      ours: new Set(),
      guardRequest: undefined,
      guardBytesRead: 0,
      guardBytesWritten: 0,
    };
    this.#states.set(socket, state);
    const die = (): void => {
      state.dead = true;
      state.died?.();
    };
    const onData = (): void => {
      if (state.free) die(); // bytes nobody asked for: the stream is out of step
    };
    const onClose = (): void => {
      this.#closed++;
      die();
      const lease = state.lease;
      state.lease = undefined;
      if (lease !== undefined) void lease.destroy();
    };
    const onTimeout = (): void => {
      if (state.free) die(); // a request's timeout while busy is the request's business
    };
    const onAgentRemove = (): void => {
      // An upgraded connection (WebSocket, CONNECT) leaves the pool for good.
      const lease = state.lease;
      state.lease = undefined;
      for (const [event, listener] of listeners) socket.off(event, listener);
      lease?.detach();
    };
    const listeners: [string, (...args: unknown[]) => void][] = [
      ['free', () => this.#free(socket, state)],
      ['close', onClose],
      ['end', die],
      ['data', onData],
      ['timeout', onTimeout],
      ['agentRemove', onAgentRemove],
      ['error', IGNORE_ERROR],
    ];
    for (const [event, listener] of listeners) {
      socket.on(event, listener);
      state.ours.add(listener);
    }
    installRetryGuard(socket, state, (request) => this.#retry(request as Request, state));
    enterFree(socket, state);
  }

  /** The HTTP client finished a keep-alive exchange: return the socket, unless it must not be reused. */
  #free(socket: net.Socket, state: SocketState): void {
    const lease = state.lease;
    if (lease === undefined) return;
    state.lease = undefined;
    disarmRetry(state);
    const request = (socket as { _httpMessage?: Request | null })._httpMessage;
    (socket as { _httpMessage?: unknown })._httpMessage = null;
    if (socket.timeout) socket.setTimeout(0); // the request's timeout does not apply to a free socket
    let limit = this.#options.freeSocketTimeoutMs;
    const response = (request as { res?: { rawHeaders?: string[] } } | null | undefined)?.res;
    const hinted = hintedIdleLimitMs(response?.rawHeaders);
    if (hinted !== undefined && hinted < limit) limit = hinted;
    const now = this.#options.clock.now();
    if (
      request?.shouldKeepAlive === false ||
      limit <= 0 ||
      now - state.createdAt >= this.#options.socketTtlMs ||
      !reusable(socket, state)
    ) {
      void lease.destroy();
      return;
    }
    state.idleDeadline = now + limit;
    // Checked here rather than in a factory `reset` hook: no factory call per request.
    enterFree(socket, state);
    lease.release();
  }

  #connect(options: Record<string, unknown>, signal: AbortSignal): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      let settled = false;
      let socket: net.Socket | undefined;
      const finish = (error: unknown): void => {
        if (settled) return;
        settled = true;
        timer.cancel();
        signal.removeEventListener('abort', onAbort);
        if (socket !== undefined) socket.off('error', finish);
        if (error === undefined && socket !== undefined) {
          socket.setKeepAlive(true, this.#options.keepAliveInitialDelayMs);
          socket.setNoDelay(true);
          resolve(socket);
          return;
        }
        socket?.on('error', IGNORE_ERROR);
        socket?.destroy();
        reject(error);
      };
      const onAbort = (): void => finish(abortReason(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      const timeoutMs = this.#options.connectTimeoutMs;
      const timer = this.#options.clock.setTimer(() => {
        const where = `${String(options.host ?? 'localhost')}:${String(options.port ?? '')}`;
        finish(new ConnectTimeoutError(`Could not connect to ${where} within ${timeoutMs} ms`, { timeoutMs }));
      }, timeoutMs);
      const attach = (created: net.Socket): void => {
        socket = created;
        created.once('error', finish);
        if (created instanceof tls.TLSSocket) {
          if ((created as { _secureEstablished?: boolean })._secureEstablished) finish(undefined);
          else created.once('secureConnect', () => finish(undefined));
        } else if (created.connecting) created.once('connect', () => finish(undefined));
        else finish(undefined);
      };
      try {
        const created = this.#host.createConnection(options, (error, late) => {
          if (error) finish(error);
          else if (socket === undefined) attach(late);
        });
        if (created instanceof net.Socket) attach(created);
      } catch (error) {
        finish(error);
      }
    });
  }

  /** Counters and per-origin gauges. */
  stats(): AgentStats {
    const pool = this.#pool.stats();
    const origins: Record<string, OriginStats> = {};
    for (const [name, stats] of pool.perKey) {
      origins[name] = { free: stats.idle, busy: stats.borrowed + stats.creating, pending: stats.waiting };
    }
    return {
      socketsCreated: this.#created,
      createErrors: this.#createErrors,
      socketsClosed: this.#closed,
      socketsTimedOut: this.#timedOut + pool.total.destroyedByReason['idle-timeout'],
      requests: this.#requests,
      reusedSockets: this.#reused,
      retries: this.#retries,
      origins,
    };
  }

  /** Closes free sockets now and the rest when their requests end (or after `timeoutMs`). */
  close(timeoutMs: number): Promise<void> {
    return this.#pool.close({ timeoutMs });
  }

  /** Closes every socket now, busy ones included. */
  destroy(): Promise<void> {
    return this.#pool.destroy();
  }
}

/** SNI name as Node's agent computes it: the Host header's host, never an IP address. */
function serverName(options: Record<string, unknown>, request: ClientRequest): string {
  let name = String(options.host ?? '');
  const hostHeader = request.getHeader('host');
  if (typeof hostHeader === 'string') {
    if (hostHeader.startsWith('[')) {
      const end = hostHeader.indexOf(']');
      name = end === -1 ? hostHeader : hostHeader.slice(1, end);
    } else name = hostHeader.split(':', 1)[0] as string;
  }
  return net.isIP(name) ? '' : name;
}
