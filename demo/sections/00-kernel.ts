/**
 * The kernel every pool stands on: a deque that stays O(1) where `Array.prototype.shift` is
 * O(n), and one timer per pool for any number of deadlines.
 */
import { systemClock } from '../../dist/internal/clock.js';
import { type DeadlineEntry, DeadlineHeap } from '../../dist/internal/deadline-heap.js';
import { Deque } from '../../dist/internal/deque.js';
import { ms, perSecond } from '../section.js';

export const title = 'kernel: the wait queue and the deadline timer under every pool';

export async function run(out: (line?: string) => void): Promise<void> {
  const depth = 100_000;
  const operations = 100_000;
  const timeQueue = (make: () => { push(x: number): unknown; shift(): number | undefined }) => {
    const queue = make();
    for (let i = 0; i < depth; i++) queue.push(i);
    const start = performance.now();
    for (let i = 0; i < operations; i++) {
      queue.push(i);
      queue.shift();
    }
    return performance.now() - start;
  };
  const dequeMs = timeQueue(() => new Deque<number>());
  const arrayMs = timeQueue(() => [] as number[]);
  out(`100k waiters queued, then 100k more served FIFO one by one:`);
  out(`  poolkit Deque         ${ms(dequeMs).padStart(9)}  (${perSecond(operations, dequeMs)})`);
  out(
    `  Array#push + shift    ${ms(arrayMs).padStart(9)}  (${perSecond(operations, arrayMs)})  ${(arrayMs / dequeMs).toFixed(0)}x slower`,
  );

  const waiters = 10_000;
  const heap = new DeadlineHeap<number>(systemClock, () => {});
  const before = process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
  const entries: DeadlineEntry<number>[] = [];
  for (let i = 0; i < waiters; i++) entries.push(heap.add(systemClock.now() + 30_000 + i, i, true));
  const during = process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length - before;
  for (const entry of entries) heap.remove(entry);
  const after = process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length - before;
  out(
    `${waiters.toLocaleString()} waiters with a 30 s deadline each hold ${during} timer(s) (a setTimeout each would hold ${waiters.toLocaleString()});`,
  );
  out(
    `once they are served the pool holds ${after} referenced timer(s), so an idle pool never keeps the process alive.`,
  );
}
