import { describe, expect, expectTypeOf, it } from 'vitest';
import { BufferPool, ByteBuffer, SharedBufferPool } from '../../src/buffer/index.js';
import { FreeList, gcEpoch, ObjectPool, type ObjectPoolStats } from '../../src/object/index.js';

gcEpoch.disable();

class Point {
  x = 0;
}

describe('public types of the object and buffer families', () => {
  it('infers T from create and R from use', async () => {
    const pool = new ObjectPool({ create: () => new Point() });
    expectTypeOf(pool.acquire()).toEqualTypeOf<Point>();
    expectTypeOf(pool.use((p) => p.x)).toEqualTypeOf<number>();
    expectTypeOf(pool.use(async (p) => String(p.x))).toEqualTypeOf<Promise<string>>();
    expectTypeOf(pool.stats()).toEqualTypeOf<ObjectPoolStats>();
    expectTypeOf(pool.release).parameter(0).toEqualTypeOf<Point | null | undefined>();
    expectTypeOf(new FreeList({ create: () => 1 }).alloc()).toEqualTypeOf<number>();
    expect(await pool.use(async (p) => p.x + 1)).toBe(1);
  });

  it('types the buffer family with Node Buffers and numeric slots', () => {
    const pool = new BufferPool();
    expectTypeOf(pool.acquire(10)).toEqualTypeOf<Buffer>();
    expectTypeOf(pool.acquireRaw(10)).toEqualTypeOf<Buffer>();
    expectTypeOf(new ByteBuffer(pool).writeString('a')).toEqualTypeOf<ByteBuffer>();
    const shared = new SharedBufferPool({ slotSize: 8, slotCount: 1 });
    expectTypeOf(shared.acquire()).toEqualTypeOf<number>();
    expectTypeOf(shared.view(0)).toEqualTypeOf<Uint8Array>();
    expect(pool.acquire(10).length).toBe(10);
  });
});
