/**
 * `ByteBuffer`: a growable byte buffer (Go's `bytes.Buffer`, bytebufferpool's `ByteBuffer`)
 * whose memory comes from a {@link BufferPool} and goes back to it.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { InvalidOptionError } from '../internal/errors.js';
import { expectedMessage } from '../internal/options.js';
import type { BufferPool } from './buffer-pool.js';

/**
 * A growable byte buffer backed by a pool. It takes a buffer of `pool.defaultSize` (the
 * calibrated size, with `calibrate: true`) on first write, grows by doubling through the pool,
 * and `release()` gives its memory back, reporting the length used so the pool can calibrate.
 *
 * @example
 * ```ts
 * const out = new ByteBuffer(pool);
 * out.writeString('HTTP/1.1 200 OK\r\n').write(body);
 * socket.write(out.bytes(), () => out.release());
 * ```
 */
export class ByteBuffer {
  readonly #pool: BufferPool;
  #buffer: Buffer | undefined;
  #length = 0;

  /** @param pool - where memory comes from and goes back to. */
  constructor(pool: BufferPool) {
    this.#pool = pool;
  }

  /** Bytes written since the last reset. */
  get length(): number {
    return this.#length;
  }

  /** Bytes that fit before the next growth (0 before the first write). */
  get capacity(): number {
    return this.#buffer?.length ?? 0;
  }

  /** Appends `bytes`. */
  write(bytes: Uint8Array): this {
    if (!(bytes instanceof Uint8Array)) {
      throw new InvalidOptionError(expectedMessage('bytes', 'a Uint8Array', bytes), { option: 'bytes', value: bytes });
    }
    const buffer = this.#reserve(bytes.length);
    buffer.set(bytes, this.#length);
    this.#length += bytes.length;
    return this;
  }

  /** Appends one byte (0..255; other numbers are taken modulo 256, as typed arrays do). */
  writeByte(byte: number): this {
    const buffer = this.#reserve(1);
    buffer[this.#length++] = byte;
    return this;
  }

  /** Appends `text` encoded as `encoding`. */
  writeString(text: string, encoding: BufferEncoding = 'utf8'): this {
    if (typeof text !== 'string') {
      throw new InvalidOptionError(expectedMessage('text', 'a string', text), { option: 'text', value: text });
    }
    // Worst case first (3 bytes per UTF-16 unit in UTF-8); measure exactly only when it matters.
    const worst = encoding === 'utf8' || encoding === 'utf-8' ? text.length * 3 : Buffer.byteLength(text, encoding);
    const needed = worst <= this.capacity - this.#length ? worst : Buffer.byteLength(text, encoding);
    const buffer = this.#reserve(needed);
    this.#length += buffer.write(text, this.#length, needed, encoding);
    return this;
  }

  /**
   * The bytes written so far, as a view on the pooled memory: valid until the next write,
   * `reset()` or `release()`. Copy it (`Buffer.from(b.bytes())`) to keep it longer.
   */
  bytes(): Buffer {
    const buffer = this.#buffer;
    return buffer === undefined ? Buffer.alloc(0) : buffer.subarray(0, this.#length);
  }

  /** Empties the buffer and keeps its memory. */
  reset(): void {
    this.#length = 0;
  }

  /** Gives the memory back to the pool; the ByteBuffer stays usable and starts empty. */
  release(): void {
    const buffer = this.#buffer;
    if (buffer === undefined) return;
    this.#buffer = undefined;
    const used = this.#length;
    this.#length = 0;
    this.#pool.release(buffer, used);
  }

  /** Makes room for `extra` more bytes and returns the (possibly new) buffer. */
  #reserve(extra: number): Buffer {
    const needed = this.#length + extra;
    const current = this.#buffer;
    if (current !== undefined && needed <= current.length) return current;
    const size = Math.max(needed, current === undefined ? this.#pool.defaultSize : current.length * 2);
    const next = this.#pool.acquireRaw(size);
    if (current !== undefined) {
      current.copy(next, 0, 0, this.#length);
      this.#pool.release(current, this.#length);
    }
    this.#buffer = next;
    return next;
  }
}
