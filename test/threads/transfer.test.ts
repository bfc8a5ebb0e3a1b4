import { describe, expect, it } from 'vitest';
import { findTransferables } from '../../src/threads/transfer.js';
import { basicPool, closeAndCheck } from './helpers.js';

describe('transfer', () => {
  it('moves listed buffers instead of copying them', async () => {
    const pool = basicPool();
    const bytes = new Uint8Array(1024).fill(7);
    expect(await pool.run('byteLength', bytes, { transfer: [bytes.buffer] })).toBe(1024);
    expect(bytes.byteLength).toBe(0); // detached on this side
    await closeAndCheck(pool);
  });

  it("'auto' moves top-level ArrayBuffers only", async () => {
    const pool = basicPool();
    const bytes = new Uint8Array(64);
    expect(await pool.run('byteLength', bytes, { transfer: 'auto' })).toBe(64);
    expect(bytes.byteLength).toBe(0);
    const kept = new Uint8Array(32);
    expect(await pool.run('byteLength', kept)).toBe(32);
    expect(kept.byteLength).toBe(32); // copied, not moved
    await closeAndCheck(pool);
  });

  it('finds buffers at the top level, skipping slices of a larger buffer', () => {
    const whole = new ArrayBuffer(8);
    const slab = new ArrayBuffer(16);
    expect(findTransferables(whole)).toEqual([whole]);
    expect(findTransferables({ a: new Uint8Array(whole), b: new Uint8Array(slab, 0, 4), c: 1 })).toEqual([whole]);
    expect(findTransferables([whole, whole])).toEqual([whole]);
    expect(findTransferables({ deep: { buffer: whole } })).toEqual([]);
  });
});
