/**
 * One pipelined memcached connection on a pooled socket: commands written in batches (one
 * socket write per tick), replies matched to requests in order. A reply that leaves the stream
 * in step (a hit, a miss, NOT_STORED) keeps the connection; anything that may not (a server or
 * client error) taints it: it takes no new requests and is closed once drained instead of
 * returned to the pool (gomemcache's `condRelease`). Garbage, a timeout or a closed socket fails
 * every request still waiting on it.
 *
 * Single-key gets sent back to back in one tick go out as one multi-key `get k1 k2 ...`: one
 * command for the server to parse and one END instead of one each, and the replies are matched
 * to the callers by key. Only consecutive gets are merged, so a get after a set of the same key
 * in the same tick still sees the set.
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
import {
  concatCommands,
  type EncodedCommand,
  encodeGetMulti,
  GET_FRAME_BYTES,
  ReplyParser,
  type ReplySink,
} from './protocol.js';

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

/** Single-key gets written as one multi-key get; each member keeps its own promise and deadline. */
interface GetGroup {
  readonly kind: typeof GROUP;
  readonly members: Request[];
  readonly items: Map<string, Item>;
}

/** What the reply queue holds: a request, or a group of coalesced gets. */
type Entry = Request | GetGroup;

const GROUP = -1;
/** Most gets merged into one command (the line stays well under memcached's limits). */
const MAX_GROUP = 100;

/** A pipelined connection. */
export class MemcachedConnection implements ReplySink {
  readonly #pooled: PooledSocket;
  readonly #owner: ConnectionOwner;
  /** Written, awaiting replies, in order. */
  readonly #queue = new Deque<Entry>(64);
  readonly #parser: ReplyParser;
  /** Sent this tick, written at the end of it (when consecutive gets are merged). */
  #unsent: Request[] = [];
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

  /** Requests written or queued on this connection, not yet answered (a merged get counts once). */
  get inFlight(): number {
    return this.#queue.length + this.#unsent.length;
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
    this.#unsent.push(request);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      process.nextTick(this.#flush);
    }
  }

  #flush = (): void => {
    this.#flushScheduled = false;
    const unsent = this.#unsent;
    if (this.#closed || unsent.length === 0) return;
    this.#unsent = [];
    const queue = this.#queue;
    const out: EncodedCommand[] = [];
    let bytes = 0;
    for (let index = 0; index < unsent.length; ) {
      const request = unsent[index] as Request;
      let end = index + 1;
      if (request.kind === Kind.Get) {
        while (end < unsent.length && end - index < MAX_GROUP && (unsent[end] as Request).kind === Kind.Get) end++;
      }
      if (end - index === 1) {
        queue.push(request);
        out.push(request.command);
        bytes += request.command.bytes;
      } else {
        const members = unsent.slice(index, end);
        let keyBytes = 0;
        for (const member of members) keyBytes += member.command.bytes - GET_FRAME_BYTES;
        const command = encodeGetMulti(
          members.map((member) => member.key),
          keyBytes,
        );
        queue.push({ kind: GROUP, members, items: new Map() });
        out.push(command);
        bytes += command.bytes;
      }
      index = end;
    }
    // One command of one string part (the common single get) goes out as is, without a copy.
    const only = out.length === 1 ? (out[0] as EncodedCommand).parts : undefined;
    const first = only?.[0];
    this.#pooled.socket.write(
      only !== undefined && only.length === 1 && typeof first === 'string' ? first : concatCommands(out, bytes),
    );
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
    const unsent = this.#unsent;
    this.#unsent = [];
    this.#pooled.markUnusable();
    this.#pooled.release();
    for (let entry = this.#queue.shift(); entry !== undefined; entry = this.#queue.shift()) {
      if (entry.kind === GROUP) for (const member of entry.members) this.#owner.settle(member, error, undefined);
      else this.#owner.settle(entry, error, undefined);
    }
    for (const request of unsent) this.#owner.settle(request, error, undefined);
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
    if (request?.kind === GROUP) request.items.set(key, item);
    else if (request?.kind === Kind.Get && request.result === undefined) request.result = item;
    else if (request?.kind === Kind.GetMulti) (request.result as Map<string, Item>).set(key, item);
    else throw new ProtocolError(`Unexpected VALUE for key ${JSON.stringify(key)}`, { key });
  }

  /** ReplySink: any other line. */
  line(line: string): void {
    const request = this.#queue.peekFront();
    if (request === undefined) throw new ProtocolError(`Unexpected reply with nothing pending: ${line.slice(0, 80)}`);
    if (request.kind === GROUP) this.#groupReply(request, line);
    else {
      const outcome = this.#interpret(request, line); // throws on nonsense: fail() then settles the request
      this.#queue.shift();
      if (outcome instanceof Error) this.#owner.settle(request, outcome, undefined);
      else this.#owner.settle(request, undefined, outcome);
    }
    if (this.inFlight === 0) {
      // (inFlight counts requests sent this tick and not yet written: they keep the connection.)
      if (this.#tainted) {
        this.release(); // condRelease: a connection that saw a server error is closed, not pooled
        this.#owner.closed(this);
      } else this.#owner.idle(this);
    } else this.#owner.replied(this);
  }

  /** The END (or an error line) of a merged get: each member gets its item or a miss. */
  #groupReply(group: GetGroup, line: string): void {
    const first = group.members[0] as Request;
    const error = line === 'END' ? undefined : this.#errorReply(first, line); // throws on nonsense
    this.#queue.shift();
    for (const member of group.members) {
      if (error !== undefined) this.#owner.settle(member, error, undefined);
      else {
        const item = group.items.get(member.key);
        if (item !== undefined) this.#owner.settle(member, undefined, item);
        else this.#owner.settle(member, this.#miss(member), undefined);
      }
    }
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
