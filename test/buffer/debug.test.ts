import { describe, expect, it } from 'vitest';
import { BufferPool, gcEpoch } from '../../src/buffer/index.js';

gcEpoch.disable();

describe('BufferPool debug block', () => {
  it('poisons released memory with the debug byte (0xde by default)', () => {
    const pool = new BufferPool({ minSize: 1024, debug: {} });
    const buf = pool.acquire(1024);
    buf.fill(1);
    pool.release(buf);
    expect(buf.every((byte) => byte === 0xde)).toBe(true);
    const custom = new BufferPool({ minSize: 1024, debug: { poison: 0x42 } });
    const other = custom.acquire(10);
    custom.release(other);
    expect(other[0]).toBe(0x42);
    const off = new BufferPool({ minSize: 1024, debug: { poison: false } });
    const kept = off.acquire(10);
    kept.fill(5);
    off.release(kept);
    expect(kept[0]).toBe(5);
  });

  it('drops every release at dropRate 1', () => {
    const pool = new BufferPool({ debug: { dropRate: 1 } });
    for (let i = 0; i < 5; i++) pool.release(pool.acquire(100));
    expect(pool.stats()).toMatchObject({ idleBuffers: 0, misses: 5 });
    expect(pool.stats().drops.debug).toBe(5);
  });
});
