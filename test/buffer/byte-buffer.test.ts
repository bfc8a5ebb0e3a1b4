import { describe, expect, it } from 'vitest';
import { BufferPool, ByteBuffer, gcEpoch } from '../../src/buffer/index.js';

gcEpoch.disable();

describe('ByteBuffer', () => {
  it('appends bytes, strings and single bytes, growing through the pool', () => {
    const pool = new BufferPool({ minSize: 16, classesPerDoubling: 1 });
    const out = new ByteBuffer(pool);
    expect(out.bytes().length).toBe(0);
    out.writeString('héllo ').write(Buffer.from('world')).writeByte(0x21);
    expect(out.bytes().toString()).toBe('héllo world!');
    expect(out.length).toBe(13);
    out.write(Buffer.alloc(100, 0x61));
    expect(out.length).toBe(113);
    expect(out.capacity).toBe(128);
    expect(out.bytes().subarray(0, 13).toString()).toBe('héllo world!');
    // the grown-out-of buffers went back to the pool
    expect(pool.stats().inUseBuffers).toBe(1);
    expect(pool.stats().idleBuffers).toBeGreaterThan(0);
  });

  it('writes other encodings exactly', () => {
    const pool = new BufferPool({ minSize: 16 });
    const out = new ByteBuffer(pool);
    out.writeString('00ff10', 'hex').writeString('aGk=', 'base64');
    expect([...out.bytes()]).toEqual([0x00, 0xff, 0x10, 0x68, 0x69]);
  });

  it('reset keeps the memory; release returns it and the ByteBuffer starts over', () => {
    const pool = new BufferPool({ minSize: 64 });
    const out = new ByteBuffer(pool);
    out.writeString('abc');
    const memory = out.bytes().buffer;
    out.reset();
    expect(out.length).toBe(0);
    out.writeString('xyz');
    expect(out.bytes().buffer).toBe(memory);
    out.release();
    expect(out.capacity).toBe(0);
    expect(pool.stats()).toMatchObject({ inUseBuffers: 0, idleBuffers: 1 });
    out.release(); // idempotent
    out.writeString('again');
    expect(out.bytes().buffer).toBe(memory); // drawn from the pool again
  });

  it('a long UTF-8 string that needs exact measuring still fits', () => {
    const pool = new BufferPool({ minSize: 16 });
    const out = new ByteBuffer(pool);
    const text = '€'.repeat(1000);
    out.writeString(text);
    expect(out.length).toBe(3000);
    expect(out.bytes().toString()).toBe(text);
  });
});
