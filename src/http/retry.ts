/**
 * The one retry an HTTP client may do on its own (as undici and Go's http.Transport do): an
 * idempotent request without a body, sent on a reused keep-alive socket that the server closed
 * before sending any byte of a response. The server closed an idle connection just as the
 * request arrived; it never saw the request, so sending it again on a new connection is safe.
 *
 * The guard sits in front of the socket's `emit` while the request waits for its first response
 * byte. When the socket ends, errors or closes first, the request's own listeners are taken off
 * the dead socket (so it never sees "socket hang up") and the agent sends the request again.
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import type { ClientRequest } from 'node:http';
import type net from 'node:net';

const RETRYABLE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
const REQUEST_EVENTS = ['error', 'data', 'end', 'close', 'drain', 'timeout'] as const;
const protoEmit = EventEmitter.prototype.emit;

/** The internals of `ClientRequest` the retry relies on (stable since Node 12). */
export interface RequestInternals {
  readonly method: string;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
  readonly res?: unknown;
  readonly _header?: unknown;
}

/** True for methods a client may resend on its own (idempotent, sent without a body here). */
export function retryableMethod(method: string): boolean {
  return RETRYABLE_METHODS.has(method);
}

/** Removes the guard, if any. */
export function disarmRetry(socket: net.Socket): void {
  if (Object.hasOwn(socket, 'emit')) delete (socket as { emit?: unknown }).emit;
}

/**
 * Guards `socket` for `request`: when the socket dies before any response byte and the request
 * went out whole with no body, `retry(request)` is called instead of failing the request.
 * `ours` lists the agent's own listeners, which stay attached.
 */
export function armRetry(
  request: ClientRequest,
  socket: net.Socket,
  ours: ReadonlySet<unknown>,
  retry: (request: ClientRequest) => void,
): void {
  const internals = request as unknown as RequestInternals;
  const readBaseline = socket.bytesRead;
  const writtenBaseline = socket.bytesWritten;
  const guarded = function (this: net.Socket, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'error' || event === 'end' || event === 'close') {
      disarmRetry(socket);
      const header = internals._header;
      if (
        socket.bytesRead === readBaseline &&
        !internals.destroyed &&
        internals.res == null &&
        internals.writableEnded &&
        typeof header === 'string' &&
        socket.bytesWritten - writtenBaseline <= Buffer.byteLength(header, 'latin1')
      ) {
        detachRequest(socket, ours);
        retry(request);
      }
    }
    return protoEmit.call(this, event, ...args);
  };
  (socket as { emit: typeof guarded }).emit = guarded;
}

function detachRequest(socket: net.Socket, ours: ReadonlySet<unknown>): void {
  for (const event of REQUEST_EVENTS) {
    for (const listener of socket.listeners(event)) {
      if (!ours.has(listener)) socket.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  (socket as { _httpMessage?: unknown })._httpMessage = null;
}
