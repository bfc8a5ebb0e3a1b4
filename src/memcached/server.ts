/**
 * The client's view of one memcached server: the pipelined connections it holds, and the
 * requests waiting for one. Requests go to the first open connection with room in its pipeline;
 * another connection is borrowed from the socket pool only when every open one is full. A
 * connection with nothing in flight across a turn of the event loop goes back to the pool, where
 * idle ones are capped per server (gomemcache's `MaxIdleConns`) and time out.
 *
 * @module
 */
import { Deque } from '../internal/deque.js';
import type { PooledSocket, SocketPool } from '../net/socket-pool.js';
import type { TcpTarget } from '../net/target.js';
import { type ConnectionOwner, MemcachedConnection, type Request } from './connection.js';

/** Limits a server applies. */
export interface ServerLimits {
  readonly maxConnections: number;
  readonly maxPipeline: number;
  readonly connectTimeoutMs: number;
}

/** One server of a client. */
export class MemcachedServer implements ConnectionOwner {
  /** Where it is. */
  readonly target: TcpTarget;
  readonly #pool: SocketPool;
  readonly #limits: ServerLimits;
  readonly #settle: (request: Request, error: unknown, value: unknown) => void;
  readonly #connections: MemcachedConnection[] = [];
  readonly #waiting = new Deque<Request>();
  #connecting = 0;
  #sweepScheduled = false;
  /** Connections opened (fresh or reused from the pool). */
  connectionsAdopted = 0;

  constructor(
    target: TcpTarget,
    pool: SocketPool,
    limits: ServerLimits,
    settle: (request: Request, error: unknown, value: unknown) => void,
  ) {
    this.target = target;
    this.#pool = pool;
    this.#limits = limits;
    this.#settle = settle;
  }

  /** Connections held, requests in flight on them, and requests waiting for one. */
  snapshot(): { connections: number; inFlight: number; waiting: number; connecting: number } {
    let inFlight = 0;
    for (const connection of this.#connections) inFlight += connection.inFlight;
    return {
      connections: this.#connections.length,
      inFlight,
      waiting: this.#waiting.length,
      connecting: this.#connecting,
    };
  }

  /** Sends `request` on a connection with room, or queues it until one has room. Hot path. */
  dispatch(request: Request): void {
    const connections = this.#connections;
    for (let i = 0; i < connections.length; i++) {
      const connection = connections[i] as MemcachedConnection;
      if (connection.inFlight < this.#limits.maxPipeline && connection.usable) {
        connection.send(request);
        return;
      }
    }
    const room = connections.length + this.#connecting < this.#limits.maxConnections;
    if (room && this.#waiting.length === 0) {
      const pooled = this.#pool.tryAcquire(this.target);
      if (pooled !== undefined) {
        this.#adopt(pooled).send(request);
        return;
      }
    }
    request.waitHandle = this.#waiting.push(request);
    // Open another connection only for requests the ones already connecting will not absorb.
    if (room && this.#waiting.length > this.#connecting * this.#limits.maxPipeline) this.#open();
  }

  /** Takes a request that timed out off the wait queue. */
  cancel(request: Request): void {
    if (request.waitHandle >= 0) this.#waiting.remove(request.waitHandle, request);
    request.waitHandle = -1;
  }

  #adopt(pooled: PooledSocket): MemcachedConnection {
    const connection = new MemcachedConnection(pooled, this);
    this.#connections.push(connection);
    this.connectionsAdopted++;
    return connection;
  }

  #open(): void {
    this.#connecting++;
    this.#pool.acquire(this.target, { timeoutMs: this.#limits.connectTimeoutMs }).then(
      (pooled) => {
        this.#connecting--;
        const connection = this.#adopt(pooled);
        this.#drainInto(connection);
        if (connection.inFlight === 0) this.idle(connection);
      },
      (error: unknown) => {
        this.#connecting--;
        // Nobody else can serve the waiting requests: they fail with the connect error now
        // rather than at their deadline (the pool keeps probing the server with backoff).
        if (this.#connections.length === 0 && this.#connecting === 0) this.#failWaiting(error);
      },
    );
  }

  #failWaiting(error: unknown): void {
    for (let request = this.#waiting.shift(); request !== undefined; request = this.#waiting.shift()) {
      request.waitHandle = -1;
      this.#settle(request, error, undefined);
    }
  }

  #drainInto(connection: MemcachedConnection): void {
    const waiting = this.#waiting;
    while (waiting.length > 0 && connection.usable && connection.inFlight < this.#limits.maxPipeline) {
      const request = waiting.shift() as Request;
      request.waitHandle = -1;
      connection.send(request);
    }
  }

  /** ConnectionOwner: a reply came back; feed waiting requests. */
  replied(connection: MemcachedConnection): void {
    if (this.#waiting.length > 0) this.#drainInto(connection);
  }

  /** ConnectionOwner: nothing in flight; return it to the pool if it stays quiet for a turn. */
  idle(connection: MemcachedConnection): void {
    if (this.#waiting.length > 0) {
      this.#drainInto(connection);
      return;
    }
    if (!this.#sweepScheduled) {
      this.#sweepScheduled = true;
      setImmediate(this.#sweep);
    }
  }

  #sweep = (): void => {
    this.#sweepScheduled = false;
    const connections = this.#connections;
    for (let i = connections.length - 1; i >= 0; i--) {
      const connection = connections[i] as MemcachedConnection;
      if (connection.inFlight === 0) {
        connections.splice(i, 1);
        connection.release();
      }
    }
  };

  /** ConnectionOwner: the connection is gone. */
  closed(connection: MemcachedConnection): void {
    const index = this.#connections.indexOf(connection);
    if (index !== -1) this.#connections.splice(index, 1);
    if (this.#waiting.length > 0 && this.#connections.length + this.#connecting === 0) this.#open();
  }

  /** ConnectionOwner: settles through the client. */
  settle(request: Request, error: unknown, value: unknown): void {
    this.#settle(request, error, value);
  }

  /** Fails everything with `error` (client destroyed). */
  destroy(error: unknown): void {
    this.#failWaiting(error);
    for (const connection of [...this.#connections]) connection.fail(error);
    this.#connections.length = 0;
  }

  /** Returns quiet connections to the pool (client closing). */
  releaseIdle(): void {
    this.#sweep();
  }
}
