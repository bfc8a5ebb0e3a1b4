/**
 * The memcached text protocol: command encoders and an incremental reply parser. The parser is
 * context-free: it splits the byte stream into reply lines and `VALUE` blocks (whose length the
 * header gives) and hands them to a {@link ReplySink}; the connection decides what a line means
 * for the request at the head of its pipeline.
 *
 * Reference: memcached's `doc/protocol.txt`.
 *
 * @module
 */
import { ProtocolError } from '../internal/errors.js';

/** Storage commands of the text protocol. */
export type StoreCommand = 'set' | 'add' | 'replace';

/** Receives what the parser finds, in stream order. */
export interface ReplySink {
  /** A `VALUE <key> <flags> <bytes>` header and its data block (a private copy). */
  value(key: string, flags: number, data: Buffer): void;
  /** Any other reply line, without its CRLF (`END`, `STORED`, `NOT_FOUND`, `42`, `SERVER_ERROR ...`). */
  line(line: string): void;
}

const CR = 13;
const LF = 10;
/** Longest reply line accepted, in bytes; a longer one means the stream is not memcached. */
const MAX_LINE_BYTES = 8192;
const VALUE_PREFIX = Buffer.from('VALUE ');

/** Incremental parser of memcached text replies. Throws {@link ProtocolError} on garbage. */
export class ReplyParser {
  readonly #sink: ReplySink;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  // While a VALUE data block is awaited: its header and the bytes needed (data + CRLF).
  #key = '';
  #flags = 0;
  #dataBytes = -1;

  constructor(sink: ReplySink) {
    this.#sink = sink;
  }

  /** Bytes held back waiting for the rest of a line or block. */
  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  /** Drops any partial reply (the connection is gone). */
  reset(): void {
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#dataBytes = -1;
  }

  /** Parses `chunk`, calling the sink for every complete reply line or value. Hot path. */
  feed(chunk: Buffer): void {
    let buffer = chunk;
    if (this.#pendingBytes > 0) {
      const total = this.#pendingBytes + chunk.length;
      // Waiting for a large data block: collect chunks and concatenate once, not per chunk.
      if (this.#dataBytes >= 0 && total < this.#dataBytes + 2) {
        this.#pending.push(chunk);
        this.#pendingBytes = total;
        return;
      }
      this.#pending.push(chunk);
      buffer = Buffer.concat(this.#pending, total);
      this.#pending = [];
      this.#pendingBytes = 0;
    }
    const length = buffer.length;
    let position = 0;
    while (position < length) {
      if (this.#dataBytes >= 0) {
        const end = position + this.#dataBytes;
        if (end + 2 > length) break;
        if (buffer[end] !== CR || buffer[end + 1] !== LF) {
          throw new ProtocolError('memcached data block is not followed by CRLF', { key: this.#key });
        }
        const data = Buffer.allocUnsafe(this.#dataBytes);
        buffer.copy(data, 0, position, end);
        this.#dataBytes = -1;
        position = end + 2;
        this.#sink.value(this.#key, this.#flags, data);
        continue;
      }
      const newline = buffer.indexOf(LF, position);
      if (newline === -1) {
        if (length - position > MAX_LINE_BYTES) throw new ProtocolError('memcached reply line too long');
        break;
      }
      if (newline === position || buffer[newline - 1] !== CR) {
        throw new ProtocolError('memcached reply line does not end with CRLF', {
          line: buffer.toString('latin1', position, Math.min(newline, position + 80)),
        });
      }
      const lineEnd = newline - 1;
      if (buffer[position] === 86 && buffer.compare(VALUE_PREFIX, 0, 6, position, position + 6) === 0) {
        this.#valueHeader(buffer.toString('utf8', position + 6, lineEnd));
      } else {
        this.#sink.line(buffer.toString('latin1', position, lineEnd));
      }
      position = newline + 1;
    }
    if (position < length) {
      this.#pending.push(position === 0 ? buffer : buffer.subarray(position));
      this.#pendingBytes = length - position;
    }
  }

  #valueHeader(header: string): void {
    const parts = header.split(' ');
    const key = parts[0] ?? '';
    const flags = Number(parts[1]);
    const bytes = Number(parts[2]);
    if (parts.length < 3 || key === '' || !Number.isSafeInteger(flags) || !Number.isSafeInteger(bytes) || bytes < 0) {
      throw new ProtocolError(`Malformed memcached VALUE line: ${JSON.stringify(header.slice(0, 80))}`);
    }
    this.#key = key;
    this.#flags = flags;
    this.#dataBytes = bytes;
  }
}

/** A command ready to write: its parts and their total length in bytes. */
export interface EncodedCommand {
  /** Strings are written as UTF-8. */
  readonly parts: readonly (string | Uint8Array)[];
  /** Exact byte length of all parts. */
  readonly bytes: number;
}

/** Bytes of `get <key>\r\n` around the key: `get ` and CRLF. */
export const GET_FRAME_BYTES = 6;

/** `get <key>\r\n`; `keyBytes` is the key's UTF-8 length. */
export function encodeGet(key: string, keyBytes: number): EncodedCommand {
  return { parts: [`get ${key}\r\n`], bytes: keyBytes + GET_FRAME_BYTES };
}

/** `get <k1> <k2> ...\r\n`. */
export function encodeGetMulti(keys: readonly string[], keyBytes: number): EncodedCommand {
  return { parts: [`get ${keys.join(' ')}\r\n`], bytes: 4 + keyBytes + keys.length - 1 + 2 };
}

/** `<set|add|replace> <key> <flags> <exptime> <bytes>\r\n<data>\r\n`. */
export function encodeStore(
  command: StoreCommand,
  key: string,
  keyBytes: number,
  value: string | Uint8Array,
  valueBytes: number,
  flags: number,
  expirySeconds: number,
): EncodedCommand {
  const header = `${command} ${key} ${flags} ${expirySeconds} ${valueBytes}\r\n`;
  const headerBytes = header.length - key.length + keyBytes;
  return { parts: [header, value, '\r\n'], bytes: headerBytes + valueBytes + 2 };
}

/** `delete <key>\r\n`. */
export function encodeDelete(key: string, keyBytes: number): EncodedCommand {
  return { parts: [`delete ${key}\r\n`], bytes: keyBytes + 9 };
}

/** `<incr|decr> <key> <delta>\r\n`. */
export function encodeArithmetic(
  command: 'incr' | 'decr',
  key: string,
  keyBytes: number,
  delta: bigint,
): EncodedCommand {
  const line = `${command} ${key} ${delta}\r\n`;
  return { parts: [line], bytes: line.length - key.length + keyBytes };
}

/** `touch <key> <exptime>\r\n`. */
export function encodeTouch(key: string, keyBytes: number, expirySeconds: number): EncodedCommand {
  const line = `touch ${key} ${expirySeconds}\r\n`;
  return { parts: [line], bytes: line.length - key.length + keyBytes };
}

/** Writes commands into one buffer, so a batch costs one socket write. */
export function concatCommands(commands: readonly EncodedCommand[], totalBytes: number): Buffer {
  const out = Buffer.allocUnsafe(totalBytes);
  let offset = 0;
  for (const command of commands) {
    for (const part of command.parts) {
      if (typeof part === 'string') offset += out.write(part, offset, 'utf8');
      else {
        out.set(part, offset);
        offset += part.byteLength;
      }
    }
  }
  if (offset !== totalBytes) throw new ProtocolError(`Encoded ${offset} bytes, expected ${totalBytes}`);
  return out;
}
