/**
 * Kernel suite: the two structures every pool leans on.
 * - deque-100k: 100k entries queued, then served FIFO, then a steady state of push+shift with
 *   100k waiting: poolkit's ring-buffer deque against a plain array with `shift()`.
 * - deadlines-10k: 10k waiters each register a 30 s deadline and are served (cancelled) before
 *   it: one heap with one timer against one `setTimeout`/`clearTimeout` per waiter.
 */
import { systemClock } from '../dist/internal/clock.js';
import { type DeadlineEntry, DeadlineHeap } from '../dist/internal/deadline-heap.js';
import { Deque } from '../dist/internal/deque.js';
import { defineSuite } from './harness.js';

const QUEUED = 100_000;
const STEADY = 200_000;
const WAITERS = 10_000;
let sink = 0;

export default defineSuite({
  name: 'kernel',
  cases: [
    {
      name: 'deque-100k',
      description: `fill to ${QUEUED.toLocaleString()}, ${STEADY.toLocaleString()} push+shift at that depth, drain; ops = push+shift pairs`,
      impls: {
        poolkit: {
          run() {
            const queue = new Deque<{ id: number }>();
            for (let i = 0; i < QUEUED; i++) queue.push({ id: i });
            for (let i = 0; i < STEADY; i++) {
              queue.push({ id: i });
              sink += (queue.shift() as { id: number }).id;
            }
            while (queue.length > 0) sink += (queue.shift() as { id: number }).id;
            return QUEUED + STEADY;
          },
        },
        'array-shift': {
          run() {
            const queue: { id: number }[] = [];
            for (let i = 0; i < QUEUED; i++) queue.push({ id: i });
            for (let i = 0; i < STEADY; i++) {
              queue.push({ id: i });
              sink += (queue.shift() as { id: number }).id;
            }
            while (queue.length > 0) sink += (queue.shift() as { id: number }).id;
            return QUEUED + STEADY;
          },
        },
      },
    },
    {
      name: 'deadlines-10k',
      description: `${WAITERS.toLocaleString()} waiters register a 30 s deadline, then all are served first; ops = register+cancel pairs`,
      impls: {
        poolkit: {
          run() {
            const heap = new DeadlineHeap<number>(systemClock, () => {});
            const entries: DeadlineEntry<number>[] = new Array(WAITERS);
            const now = systemClock.now();
            for (let i = 0; i < WAITERS; i++) entries[i] = heap.add(now + 30_000, i, true);
            for (let i = 0; i < WAITERS; i++) heap.remove(entries[i] as DeadlineEntry<number>);
            return WAITERS;
          },
        },
        'setTimeout-each': {
          run() {
            const timers: NodeJS.Timeout[] = new Array(WAITERS);
            for (let i = 0; i < WAITERS; i++) timers[i] = setTimeout(() => {}, 30_000);
            for (let i = 0; i < WAITERS; i++) clearTimeout(timers[i]);
            return WAITERS;
          },
        },
      },
      rounds: 15,
    },
  ],
});

process.on('exit', () => {
  if (sink === 0.5) console.log(sink); // keep `sink` observable so loops are not optimised away
});
