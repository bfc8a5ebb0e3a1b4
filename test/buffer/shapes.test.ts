import { describe, expect, it } from 'vitest';
import { BufferPool, ByteBuffer, gcEpoch } from '../../src/buffer/index.js';

gcEpoch.disable();

describe('bpool shapes as configurations (docs/buffer-pool-shapes.md)', () => {
  it('NewBytePool(n, width): n buffers of exactly width bytes', () => {
    const pages = new BufferPool({ minSize: 4096, maxSize: 4096, maxPerClass: 2, eviction: 'none' });
    const held = [pages.acquireRaw(4096), pages.acquireRaw(100), pages.acquireRaw(4096)];
    expect(held.map((b) => b.length)).toEqual([4096, 4096, 4096]);
    for (const b of held) pages.release(b);
    expect(pages.stats()).toMatchObject({ idleBuffers: 2, idleBytes: 8192 });
    const big = pages.acquireRaw(10_000);
    expect(big.length).toBe(10_000);
    pages.release(big);
    expect(pages.stats().idleBuffers).toBe(2);
  });

  it('NewSizedBufferPool(n, alloc): ByteBuffers start at alloc; grown ones are not kept', () => {
    const pool = new BufferPool({ minSize: 1024, maxSize: 1024, maxPerClass: 4 });
    const out = new ByteBuffer(pool);
    out.writeByte(1);
    expect(out.capacity).toBe(1024);
    out.write(Buffer.alloc(3000));
    expect(out.capacity).toBe(3001);
    out.release();
    const stats = pool.stats();
    expect(stats.idleBuffers).toBe(1); // the 1 KiB one it grew out of
    expect(stats.drops.oversize).toBe(1); // the grown one
  });
});
