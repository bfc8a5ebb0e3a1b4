/**
 * The one retry an HTTP client may do on its own (as undici and Go's http.Transport do): an
 * idempotent request without a body, sent on a reused keep-alive socket that the server closed
 * before sending any byte of a response. The server closed an idle connection just as the
 * request arrived; it never answered, so sending the request again on a new connection is safe.
 *
 * Every agent socket gets, once, an `emit` of its own that checks a guard: while a retryable
 * request waits for its first response byte, an 'end', 'error' or 'close' takes the request's
 * listeners off the dead socket (so it never sees "socket hang up") and hands the request to the
 * agent to send again. Installed once and never deleted, so the socket's shape stays stable.
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import type { ClientRequest } from 'node:http';
import type net from 'node:net';
import type { SocketState } from './socket-state.js';

const RETRYABLE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
const REQUEST_EVENTS = ['error', 'data', 'end', 'close', 'drain', 'timeout'] as const;
const protoEmit = EventEmitter.prototype.emit;

/** The internals of `ClientRequest` the retry relies on (stable since Node 12). */
interface RequestInternals {
  readonly method: string;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
  readonly res?: unknown;
  readonly _header?: unknown;
}

/** True for methods a client may resend on its own (idempotent, and sent without a body here). */
export function retryableMethod(method: string): boolean {
  return RETRYABLE_METHODS.has(method);
}

/** Starts guarding `socket` for `request`. */
export function armRetry(state: SocketState, socket: net.Socket, request: ClientRequest): void {
  state.guardRequest = request;
  state.guardBytesRead = socket.bytesRead;
  state.guardBytesWritten = socket.bytesWritten;
}

/** Stops guarding (the response started, or the socket was freed). */
export function disarmRetry(state: SocketState): void {
  state.guardRequest = undefined;
}

/** Installs the guarded `emit` on a new socket; `retry` is called with a request to send again. */
export function installRetryGuard(
  socket: net.Socket,
  state: SocketState,
  retry: (request: ClientRequest) => void,
): void {
  // `arguments` rather than a rest parameter: no array allocated per emitted event (hot path).
  const guarded = function (this: net.Socket, event: string | symbol): boolean {
    if (state.guardRequest !== undefined) {
      if (event === 'data')
        state.guardRequest = undefined; // a response byte: no retry any more
      else if (event === 'error' || event === 'end' || event === 'close') {
        const request = state.guardRequest as ClientRequest;
        state.guardRequest = undefined;
        if (eligible(request as unknown as RequestInternals, socket, state)) {
          detachRequest(socket, state.ours);
          retry(request);
        }
      }
    }
    // biome-ignore lint/complexity/noArguments: forwards every argument without copying them
    return Reflect.apply(protoEmit, this, arguments) as boolean;
  };
  (socket as { emit: typeof guarded }).emit = guarded;
}

function eligible(request: RequestInternals, socket: net.Socket, state: SocketState): boolean {
  const header = request._header;
  return (
    socket.bytesRead === state.guardBytesRead &&
    !request.destroyed &&
    request.res == null &&
    request.writableEnded &&
    typeof header === 'string' &&
    socket.bytesWritten - state.guardBytesWritten <= Buffer.byteLength(header, 'latin1')
  );
}

function detachRequest(socket: net.Socket, ours: ReadonlySet<unknown>): void {
  for (const event of REQUEST_EVENTS) {
    for (const listener of socket.listeners(event)) {
      if (!ours.has(listener)) socket.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  (socket as { _httpMessage?: unknown })._httpMessage = null;
}
