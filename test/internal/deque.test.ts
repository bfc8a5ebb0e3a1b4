import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Deque, type DequeHandle } from '../../src/internal/deque.js';
import { PROPERTY_SEED } from '../helpers/seed.js';

describe('Deque', () => {
  it('is FIFO with push/shift and LIFO with push/pop', () => {
    const deque = new Deque<number>(4);
    for (let i = 0; i < 10; i++) deque.push(i);
    expect(deque.length).toBe(10);
    expect(deque.shift()).toBe(0);
    expect(deque.pop()).toBe(9);
    expect(deque.peekFront()).toBe(1);
    expect(deque.peekBack()).toBe(8);
    expect(deque.toArray()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('returns undefined when empty', () => {
    const deque = new Deque<string>();
    expect(deque.shift()).toBeUndefined();
    expect(deque.pop()).toBeUndefined();
    expect(deque.peekFront()).toBeUndefined();
    expect(deque.peekBack()).toBeUndefined();
  });

  it('removes an entry in the middle by handle and skips the hole', () => {
    const deque = new Deque<string>();
    deque.push('a');
    const b = deque.push('b');
    deque.push('c');
    expect(deque.remove(b, 'b')).toBe(true);
    expect(deque.remove(b, 'b')).toBe(false);
    expect(deque.length).toBe(2);
    expect(deque.shift()).toBe('a');
    expect(deque.shift()).toBe('c');
    expect(deque.length).toBe(0);
  });

  it('never lets a stale handle remove a newer entry at the same position', () => {
    const deque = new Deque<object>();
    const first = {};
    const handle = deque.push(first);
    deque.pop();
    const second = {};
    const again = deque.push(second);
    expect(again).toBe(handle);
    expect(deque.remove(handle, first)).toBe(false);
    expect(deque.length).toBe(1);
  });

  it('keeps handles valid across growth and unshift', () => {
    const deque = new Deque<number>(4);
    const handles: DequeHandle[] = [];
    for (let i = 0; i < 100; i++) handles.push(deque.push(i));
    const front = deque.unshift(-1);
    expect(deque.remove(handles[50] as number, 50)).toBe(true);
    expect(deque.remove(front, -1)).toBe(true);
    expect(deque.length).toBe(99);
    expect(deque.toArray()).toEqual([...Array(100).keys()].filter((i) => i !== 50));
  });

  it('does not grow when holes are at the ends', () => {
    const deque = new Deque<number>(4);
    // A queue whose entries are cancelled at the back as fast as they come must stay small.
    for (let i = 0; i < 10_000; i++) {
      const handle = deque.push(i);
      deque.remove(handle, i);
    }
    expect(deque.length).toBe(0);
    deque.push(1);
    expect(deque.shift()).toBe(1);
  });

  it('matches an array model under random operations (seeded)', () => {
    type Op =
      | { kind: 'push' | 'unshift'; value: number }
      | { kind: 'shift' | 'pop' }
      | { kind: 'remove'; pick: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), value: fc.integer() }),
      fc.record({ kind: fc.constant('unshift' as const), value: fc.integer() }),
      fc.record({ kind: fc.constant('shift' as const) }),
      fc.record({ kind: fc.constant('pop' as const) }),
      fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const deque = new Deque<{ value: number }>(4);
        // Reference model: a plain array of [entry, handle] pairs.
        let model: { entry: { value: number }; handle: DequeHandle }[] = [];
        const everHandles: { entry: { value: number }; handle: DequeHandle }[] = [];
        for (const step of ops) {
          switch (step.kind) {
            case 'push': {
              const entry = { value: step.value };
              const record = { entry, handle: deque.push(entry) };
              model.push(record);
              everHandles.push(record);
              break;
            }
            case 'unshift': {
              const entry = { value: step.value };
              const record = { entry, handle: deque.unshift(entry) };
              model.unshift(record);
              everHandles.push(record);
              break;
            }
            case 'shift':
              expect(deque.shift()).toBe(model.shift()?.entry);
              break;
            case 'pop':
              expect(deque.pop()).toBe(model.pop()?.entry);
              break;
            case 'remove': {
              if (everHandles.length === 0) break;
              // Any handle ever issued: live ones are removed, stale ones must be refused.
              const target = everHandles[step.pick % everHandles.length] as (typeof everHandles)[number];
              const live = model.includes(target);
              expect(deque.remove(target.handle, target.entry)).toBe(live);
              if (live) model = model.filter((item) => item !== target);
              break;
            }
          }
          expect(deque.length).toBe(model.length);
          expect(deque.peekFront()).toBe(model[0]?.entry);
          expect(deque.peekBack()).toBe(model[model.length - 1]?.entry);
        }
        expect(deque.toArray()).toEqual(model.map((item) => item.entry));
      }),
      { seed: PROPERTY_SEED, numRuns: 300 },
    );
  });
});
