import { describe, expect, it } from 'vitest';
import { BUFFER_DROP_REASONS, BufferPool, gcEpoch } from '../../src/buffer/index.js';
import { DoubleReleaseError, ForeignReleaseError } from '../../src/errors.js';

gcEpoch.disable();

type Case = [kind: string, make: (pool: BufferPool, other: BufferPool) => Uint8Array];

const foreignKinds: Case[] = [
  ['foreign', () => Buffer.allocUnsafeSlow(1024)],
  ['foreign', () => new Uint8Array(1024)],
  ['foreign', (_pool, other) => other.acquire(1024)],
  ['slab', () => Buffer.allocUnsafe(100)],
  ['wrong-class', (pool) => pool.acquireRaw(4096).subarray(1024)],
  ['wrong-class', (pool) => Buffer.from(pool.acquireRaw(4096).buffer, 0, 4096)],
  [
    'wrong-class',
    (pool) => {
      const lent = pool.acquireRaw(2048);
      structuredClone(lent.buffer, { transfer: [lent.buffer as ArrayBuffer] }); // memory moved away: detached
      return lent;
    },
  ],
  [
    'double',
    (pool) => {
      const lent = pool.acquire(1000);
      pool.release(lent);
      return lent;
    },
  ],
];

describe('BufferPool ownership', () => {
  it.each(foreignKinds)('drops and counts a %s release by default, keeping nothing', (kind, make) => {
    const pool = new BufferPool({ minSize: 1024 });
    const other = new BufferPool({ minSize: 1024 });
    const buffer = make(pool, other);
    const before = pool.stats();
    pool.release(buffer);
    const after = pool.stats();
    expect(after.drops[kind as 'foreign']).toBe(before.drops[kind as 'foreign'] + 1);
    expect(after.idleBuffers).toBe(before.idleBuffers);
    expect(after.inUseBuffers).toBe(before.inUseBuffers);
  });

  it.each(foreignKinds)('rejects a %s release with a typed error in debug mode', (kind, make) => {
    const pool = new BufferPool({ minSize: 1024, debug: {} });
    const other = new BufferPool({ minSize: 1024 });
    const buffer = make(pool, other);
    const ErrorClass = kind === 'double' ? DoubleReleaseError : ForeignReleaseError;
    expect(() => pool.release(buffer)).toThrow(ErrorClass);
    expect(() => pool.release(buffer)).toThrow(expect.objectContaining({ reason: kind }));
  });

  it('in debug mode catches a stale view released after its memory was lent again', () => {
    const pool = new BufferPool({ minSize: 1024, debug: {} });
    const first = pool.acquire(500);
    pool.release(first);
    const second = pool.acquire(600);
    expect(second.buffer).toBe(first.buffer);
    expect(() => pool.release(first)).toThrow(DoubleReleaseError);
    pool.release(second);
    expect(pool.stats().idleBuffers).toBe(1);
  });

  it('rejects a value that is not a Uint8Array as foreign, and ignores null and undefined', () => {
    const pool = new BufferPool();
    pool.release({} as Uint8Array);
    pool.release(null);
    pool.release(undefined);
    expect(pool.stats().drops.foreign).toBe(1);
    expect(BUFFER_DROP_REASONS.reduce((sum, reason) => sum + pool.stats().drops[reason], 0)).toBe(1);
  });
});
