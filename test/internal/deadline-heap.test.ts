import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DeadlineEntry, DeadlineHeap } from '../../src/internal/deadline-heap.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { PROPERTY_SEED } from '../helpers/seed.js';

describe('DeadlineHeap', () => {
  it('fires entries in deadline order with one timer for all of them', async () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    const heap = new DeadlineHeap<string>(clock, (value) => fired.push(value));
    heap.add(300, 'c');
    heap.add(100, 'a');
    heap.add(200, 'b');
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(150);
    expect(fired).toEqual(['a']);
    await clock.advance(200);
    expect(fired).toEqual(['a', 'b', 'c']);
    expect(heap.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('does not fire removed entries and removing twice is harmless', async () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    const heap = new DeadlineHeap<string>(clock, (value) => fired.push(value));
    const a = heap.add(100, 'a');
    heap.add(200, 'b');
    expect(heap.remove(a)).toBe(true);
    expect(heap.remove(a)).toBe(false);
    await clock.advance(1000);
    expect(fired).toEqual(['b']);
  });

  it('references its timer only while a keep-alive entry is pending', async () => {
    const clock = new FakeClock();
    const heap = new DeadlineHeap<string>(clock, () => {});
    const housekeeping = heap.add(1000, 'evict-idle');
    expect(clock.referencedTimers).toBe(0);
    const waiter = heap.add(5000, 'acquire', true);
    expect(clock.referencedTimers).toBe(1);
    heap.remove(waiter);
    expect(clock.referencedTimers).toBe(0);
    heap.remove(housekeeping);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps the timer referenced after an earlier housekeeping deadline fires', async () => {
    const clock = new FakeClock();
    const heap = new DeadlineHeap<string>(clock, () => {});
    heap.add(100, 'housekeeping');
    heap.add(500, 'waiter', true);
    await clock.advance(100);
    expect(heap.size).toBe(1);
    expect(clock.referencedTimers).toBe(1);
    await clock.advance(400);
    expect(clock.pendingTimers).toBe(0);
  });

  it('re-arms earlier when a sooner deadline arrives', async () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    const heap = new DeadlineHeap<string>(clock, (value) => fired.push(value));
    heap.add(1000, 'late');
    heap.add(10, 'soon');
    await clock.advance(10);
    expect(fired).toEqual(['soon']);
  });

  it('ignores infinite deadlines', async () => {
    const clock = new FakeClock();
    const heap = new DeadlineHeap<string>(clock, () => {});
    const entry = heap.add(Number.POSITIVE_INFINITY, 'never', true);
    expect(heap.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    expect(heap.remove(entry)).toBe(false);
  });

  it('survives a throwing callback and reports the error asynchronously', async () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    const heap = new DeadlineHeap<string>(clock, (value) => {
      fired.push(value);
      if (value === 'a') throw new Error('listener failed');
    });
    const reported: unknown[] = [];
    const onError = (error: unknown) => reported.push(error);
    process.prependListener('uncaughtException', onError);
    try {
      heap.add(10, 'a');
      heap.add(10, 'b');
      await clock.advance(10);
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(fired).toEqual(['a', 'b']);
    expect(reported).toHaveLength(1);
    expect(heap.size).toBe(0);
  });

  it('matches a sorted-list model under random add/remove/advance (seeded)', async () => {
    type Op =
      | { kind: 'add'; at: number; keepAlive: boolean }
      | { kind: 'remove'; pick: number }
      | { kind: 'advance'; ms: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), at: fc.integer({ min: 0, max: 500 }), keepAlive: fc.boolean() }),
      fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 120 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 80 }), async (ops) => {
        const clock = new FakeClock();
        const fired: number[] = [];
        const heap = new DeadlineHeap<number>(clock, (id) => fired.push(id));
        const entries: { id: number; entry: DeadlineEntry<number>; at: number; keepAlive: boolean }[] = [];
        let live: typeof entries = [];
        let nextId = 0;
        for (const step of ops) {
          if (step.kind === 'add') {
            const at = clock.now() + step.at;
            const record = {
              id: nextId++,
              entry: heap.add(at, nextId - 1, step.keepAlive),
              at,
              keepAlive: step.keepAlive,
            };
            entries.push(record);
            live.push(record);
          } else if (step.kind === 'remove') {
            if (entries.length === 0) continue;
            const target = entries[step.pick % entries.length] as (typeof entries)[number];
            expect(heap.remove(target.entry)).toBe(live.includes(target));
            live = live.filter((record) => record !== target);
          } else {
            const until = clock.now() + step.ms;
            const due = live.filter((record) => record.at <= until).sort((a, b) => a.at - b.at || a.id - b.id);
            fired.length = 0;
            await clock.advance(step.ms);
            // Same set; ties may fire in any order, deadlines never out of order.
            expect([...fired].sort((a, b) => a - b)).toEqual(due.map((record) => record.id).sort((a, b) => a - b));
            const firedAt = fired.map((id) => (entries[id] as (typeof entries)[number]).at);
            expect(firedAt).toEqual([...firedAt].sort((a, b) => a - b));
            live = live.filter((record) => record.at > until);
          }
          expect(heap.size).toBe(live.length);
          expect(clock.pendingTimers).toBe(live.length > 0 ? 1 : 0);
          expect(clock.referencedTimers).toBe(live.some((record) => record.keepAlive) ? 1 : 0);
        }
      }),
      { seed: PROPERTY_SEED, numRuns: 150 },
    );
  });
});
