/**
 * Key and value checks done before anything is sent, as gomemcache's `legalKey` does: a key is
 * 1 to 250 bytes (UTF-8) with no whitespace or control characters, since the text protocol
 * separates tokens with spaces and ends lines with CRLF.
 *
 * @module
 */
import { BadKeyError, ValueTooBigError } from '../internal/errors.js';
import { invalidOption } from '../internal/options.js';

/** Longest key memcached accepts, in bytes. */
export const MAX_KEY_BYTES = 250;

/**
 * Checks `key` and returns its length in bytes (UTF-8). Throws {@link BadKeyError} (with a
 * `reason` of `type`, `empty`, `too-long` or `control-character`) when memcached would refuse it
 * or, worse, mis-parse the command line.
 */
export function checkKey(key: unknown): number {
  if (typeof key !== 'string') {
    throw new BadKeyError(`Expected a memcached key to be a string, got ${typeof key}`, { key, reason: 'type' });
  }
  const length = key.length;
  if (length === 0) throw new BadKeyError('A memcached key cannot be empty', { key, reason: 'empty' });
  let ascii = true;
  for (let i = 0; i < length; i++) {
    const code = key.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) {
      throw new BadKeyError(
        `A memcached key cannot contain whitespace or control characters (code ${code} at index ${i})`,
        { key, reason: 'control-character', index: i },
      );
    }
    if (code >= 0x80) {
      ascii = false;
      // C1 controls (U+0080..U+009F) are control characters too.
      if (code <= 0x9f) {
        throw new BadKeyError(`A memcached key cannot contain control characters (code ${code} at index ${i})`, {
          key,
          reason: 'control-character',
          index: i,
        });
      }
    }
  }
  const bytes = ascii ? length : Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) {
    throw new BadKeyError(`A memcached key is at most ${MAX_KEY_BYTES} bytes, got ${bytes}`, {
      key,
      reason: 'too-long',
      bytes,
    });
  }
  return bytes;
}

/**
 * Checks that a value can be sent and returns its length in bytes. Throws
 * {@link ValueTooBigError} when it exceeds `maxValueBytes`.
 */
export function valueBytes(value: unknown, maxValueBytes: number): number {
  let bytes: number;
  if (typeof value === 'string') bytes = Buffer.byteLength(value, 'utf8');
  else if (value instanceof Uint8Array) bytes = value.byteLength;
  else invalidOption('value', 'a string or a Uint8Array', value);
  if (bytes > maxValueBytes) {
    throw new ValueTooBigError(`A memcached value is at most ${maxValueBytes} bytes, got ${bytes}`, {
      bytes,
      maxValueBytes,
    });
  }
  return bytes;
}
