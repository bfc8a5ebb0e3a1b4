import { describe, expect, it } from 'vitest';
import { FreeList } from '../../src/object/index.js';

describe('FreeList', () => {
  it('hands back freed objects LIFO and makes new ones when empty', () => {
    let made = 0;
    const list = new FreeList({ create: () => ({ id: made++ }), max: 2 });
    const a = list.alloc();
    const b = list.alloc();
    expect(list.free(a)).toBe(true);
    expect(list.free(b)).toBe(true);
    expect(list.alloc()).toBe(b);
    expect(list.alloc()).toBe(a);
    expect(list.alloc().id).toBe(2);
  });

  it('is bounded: free beyond max keeps nothing', () => {
    const list = new FreeList({ create: () => ({}), max: 1 });
    expect(list.max).toBe(1);
    expect(list.free({})).toBe(true);
    expect(list.free({})).toBe(false);
    expect(list.length).toBe(1);
    list.clear();
    expect(list.length).toBe(0);
  });

  it('defaults max to 64', () => {
    const list = new FreeList({ create: () => 0 });
    for (let i = 0; i < 100; i++) list.free(i);
    expect(list.length).toBe(64);
  });
});
