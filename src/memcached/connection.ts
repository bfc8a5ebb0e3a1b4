/**
 * One pipelined memcached connection on a pooled socket: commands written in batches (one
 * socket write per tick), replies matched to requests in order. A reply that leaves the stream
 * in step (a hit, a miss, NOT_STORED) keeps the connection; anything that may not (a server or
 * client error) taints it: it takes no new requests and is closed once drained instead of
 * returned to the pool (gomemcache's `condRelease`). Garbage, a timeout or a closed socket fails
 * every request still waiting on it.
 *
 * @module
 */
import type { DeadlineEntry } from '../internal/deadline-heap.js';
import { Deque } from '../internal/deque.js';
import {
  CacheMissError,
  ConnectionClosedError,
  NotStoredError,
  ProtocolError,
  ServerError,
  ValueTooBigError,
} from '../internal/errors.js';
import type { PooledSocket } from '../net/socket-pool.js';
import { concatCommands, type EncodedCommand, ReplyParser, type ReplySink } from './protocol.js';

/** An item read from memcached. */
export interface Item {
  /** The key. */
  readonly key: string;
  /** The value bytes (a private copy). */
  readonly value: Buffer;
  /** The 32-bit flags stored with it. */
  readonly flags: number;
}

/** What a request expects back. */
export enum Kind {
  Get = 0,
  GetMulti = 1,
  Store = 2,
  Delete = 3,
  Arithmetic = 4,
  Touch = 5,
}

/** One call in flight. */
export interface Request {
  readonly kind: Kind;
  /** The (first) key, for error messages. */
  readonly key: string;
  readonly command: EncodedCommand;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** A single get's item, or a multi-get's map. */
  result: Item | Map<string, Item> | undefined;
  deadline: DeadlineEntry<Request> | undefined;
  /** Handle in the server's wait queue while waiting for a connection, else -1. */
  waitHandle: number;
  connection: MemcachedConnection | undefined;
  done: boolean;
}

/** What a connection tells the server it belongs to. */
export interface ConnectionOwner {
  /** A reply arrived: the connection may take waiting requests. */
  replied(connection: MemcachedConnection): void;
  /** Nothing is in flight any more. */
  idle(connection: MemcachedConnection): void;
  /** The connection failed and is gone. */
  closed(connection: MemcachedConnection): void;
  /** Settles a request (clears its deadline, counts it). */
  settle(request: Request, error: unknown, value: unknown): void;
}

/** A pipelined connection. */
export class MemcachedConnection implements ReplySink {
  readonly #pooled: PooledSocket;
  readonly #owner: ConnectionOwner;
  readonly #queue = new Deque<Request>(64);
  readonly #parser: ReplyParser;
  #out: EncodedCommand[] = [];
  #outBytes = 0;
  #flushScheduled = false;
  #tainted = false;
  #closed = false;
  #socketError: unknown;

  constructor(pooled: PooledSocket, owner: ConnectionOwner) {
    this.#pooled = pooled;
    this.#owner = owner;
    this.#parser = new ReplyParser(this);
    const socket = pooled.socket;
    socket.on('data', this.#onData);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
    socket.on('end', this.#onClose);
    socket.resume();
  }

  /** Requests written or queued on this connection, not yet answered. */
  get inFlight(): number {
    return this.#queue.length;
  }

  /** False once tainted or closed: send nothing more. */
  get usable(): boolean {
    return !this.#tainted && !this.#closed;
  }

  /** Whether the socket came from the pool's idle list. */
  get reused(): boolean {
    return this.#pooled.reused;
  }

  /** Queues `request`; it is written with the others of this tick in one socket write. */
  send(request: Request): void {
    request.connection = this;
    this.#queue.push(request);
    this.#out.push(request.command);
    this.#outBytes += request.command.bytes;
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      process.nextTick(this.#flush);
    }
  }

  #flush = (): void => {
    this.#flushScheduled = false;
    if (this.#closed || this.#out.length === 0) return;
    const out = this.#out;
    const only = out.length === 1 ? (out[0] as EncodedCommand) : undefined;
    const first = only?.parts[0];
    const payload =
      only !== undefined && only.parts.length === 1 && typeof first === 'string'
        ? first
        : concatCommands(out, this.#outBytes);
    this.#out = [];
    this.#outBytes = 0;
    this.#pooled.socket.write(payload);
  };

  /** Hands the socket back to the pool (clean and quiet) or closes it (tainted). */
  release(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#detach();
    if (this.#tainted) this.#pooled.markUnusable();
    this.#pooled.release();
  }

  /** Fails every request on this connection with `error` and closes the socket. */
  fail(error: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#detach();
    this.#parser.reset();
    this.#out = [];
    this.#outBytes = 0;
    this.#pooled.markUnusable();
    this.#pooled.release();
    for (let request = this.#queue.shift(); request !== undefined; request = this.#queue.shift()) {
      this.#owner.settle(request, error, undefined);
    }
    this.#owner.closed(this);
  }

  #detach(): void {
    const socket = this.#pooled.socket;
    socket.off('data', this.#onData);
    socket.off('error', this.#onError);
    socket.off('close', this.#onClose);
    socket.off('end', this.#onClose);
  }

  #onData = (chunk: Buffer): void => {
    try {
      this.#parser.feed(chunk);
    } catch (error) {
      this.fail(error);
    }
  };

  #onError = (error: unknown): void => {
    this.#socketError = error;
  };

  #onClose = (): void => {
    const error = new ConnectionClosedError('The memcached server closed the connection', {
      cause: this.#socketError,
      inFlight: this.#queue.length,
    });
    this.fail(error);
  };

  /** ReplySink: a VALUE block. */
  value(key: string, flags: number, data: Buffer): void {
    const request = this.#queue.peekFront();
    const item: Item = { key, value: data, flags };
    if (request?.kind === Kind.Get && request.result === undefined) request.result = item;
    else if (request?.kind === Kind.GetMulti) (request.result as Map<string, Item>).set(key, item);
    else throw new ProtocolError(`Unexpected VALUE for key ${JSON.stringify(key)}`, { key });
  }

  /** ReplySink: any other line. */
  line(line: string): void {
    const request = this.#queue.peekFront();
    if (request === undefined) throw new ProtocolError(`Unexpected reply with nothing pending: ${line.slice(0, 80)}`);
    const outcome = this.#interpret(request, line); // throws on nonsense: fail() then settles the request
    this.#queue.shift();
    if (outcome instanceof Error) this.#owner.settle(request, outcome, undefined);
    else this.#owner.settle(request, undefined, outcome);
    if (this.#queue.length === 0) {
      if (this.#tainted) {
        this.release(); // condRelease: a connection that saw a server error is closed, not pooled
        this.#owner.closed(this);
      } else this.#owner.idle(this);
    } else this.#owner.replied(this);
  }

  /** Maps a reply line to the request's result, or to an error. Throws on a reply that makes no sense. */
  #interpret(request: Request, line: string): unknown {
    switch (request.kind) {
      case Kind.Get:
        if (line === 'END')
          return (
            request.result ?? new CacheMissError(`memcached: cache miss for key ${request.key}`, { key: request.key })
          );
        break;
      case Kind.GetMulti:
        if (line === 'END') return request.result;
        break;
      case Kind.Store:
        if (line === 'STORED') return undefined;
        if (line === 'NOT_STORED' || line === 'EXISTS') {
          return new NotStoredError(`memcached did not store key ${request.key} (${line})`, {
            key: request.key,
            reply: line,
          });
        }
        if (line === 'NOT_FOUND') return this.#miss(request);
        break;
      case Kind.Delete:
        if (line === 'DELETED') return undefined;
        if (line === 'NOT_FOUND') return this.#miss(request);
        break;
      case Kind.Arithmetic: {
        const code = line.charCodeAt(0);
        if (code >= 48 && code <= 57) return Number(line);
        if (line === 'NOT_FOUND') return this.#miss(request);
        break;
      }
      case Kind.Touch:
        if (line === 'TOUCHED') return undefined;
        if (line === 'NOT_FOUND') return this.#miss(request);
        break;
    }
    return this.#errorReply(request, line);
  }

  #miss(request: Request): Error {
    return new CacheMissError(`memcached: cache miss for key ${request.key}`, { key: request.key });
  }

  #errorReply(request: Request, line: string): Error {
    if (line.startsWith('SERVER_ERROR ') && line.includes('too large')) {
      // memcached swallows the data block of a refused item: the stream stays in step.
      return new ValueTooBigError(`memcached refused the value for key ${request.key}: ${line}`, {
        key: request.key,
        reply: line,
      });
    }
    if (line === 'ERROR' || line.startsWith('SERVER_ERROR') || line.startsWith('CLIENT_ERROR')) {
      this.#tainted = true;
      return new ServerError(`memcached replied ${JSON.stringify(line)} to a command on key ${request.key}`, {
        key: request.key,
        reply: line,
      });
    }
    throw new ProtocolError(`Unexpected memcached reply ${JSON.stringify(line.slice(0, 80))}`, { key: request.key });
  }
}
