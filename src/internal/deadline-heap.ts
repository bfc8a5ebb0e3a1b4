/**
 * Any number of deadlines behind one timer per owner: a binary min-heap ordered by deadline,
 * with the single timer armed for the earliest one. The timer is referenced while at least one
 * entry was added with `keepAlive` (a caller is waiting: `await pool.acquire()` must not let the
 * process exit before its deadline) and unreferenced when only housekeeping is due (an idle pool
 * never keeps a process alive).
 *
 * Entries carry their heap index, so removal is O(log n) and needs no search.
 *
 * @module
 */
import type { Clock, Timer } from './clock.js';
import { isClock, MAX_TIMER_DELAY_MS } from './clock.js';
import { invalidOption } from './options.js';
import { reportAsync } from './report.js';

/** A deadline registered in a {@link DeadlineHeap}; pass it back to `remove()`. */
export interface DeadlineEntry<T> {
  /** Absolute time on the owner's clock. */
  readonly deadline: number;
  /** The owner's payload, handed to the expiry callback. */
  readonly value: T;
  /** Whether this entry keeps the process alive while pending. */
  readonly keepAlive: boolean;
}

interface Node<T> extends DeadlineEntry<T> {
  index: number; // position in the heap array, -1 once removed or fired
}

/** Min-heap of deadlines with one (re-armed) timer. */
export class DeadlineHeap<T> {
  readonly #clock: Clock;
  readonly #onExpire: (value: T, entry: DeadlineEntry<T>) => void;
  readonly #heap: Node<T>[] = [];
  #timer: Timer | undefined;
  #armedAt = Number.POSITIVE_INFINITY;
  #keepAliveCount = 0;
  #referenced = false;
  #firing = false;

  /**
   * @param clock - source of time and timers.
   * @param onExpire - called once for each entry whose deadline passed, earliest first. A throw
   *   is reported asynchronously and does not disturb the heap.
   */
  constructor(clock: Clock, onExpire: (value: T, entry: DeadlineEntry<T>) => void) {
    if (!isClock(clock)) invalidOption('clock', 'a Clock (an object with now() and setTimer())', clock);
    if (typeof onExpire !== 'function') invalidOption('onExpire', 'a function', onExpire);
    this.#clock = clock;
    this.#onExpire = onExpire;
  }

  /** Number of pending deadlines. */
  get size(): number {
    return this.#heap.length;
  }

  /** Number of pending deadlines that keep the process alive. */
  get keepAliveCount(): number {
    return this.#keepAliveCount;
  }

  /** The earliest pending deadline, or `Infinity`. */
  get nextDeadline(): number {
    return this.#heap[0]?.deadline ?? Number.POSITIVE_INFINITY;
  }

  /**
   * Registers `value` to expire at `deadline` (absolute, on the owner's clock). A non-finite
   * deadline is never registered and the returned entry is inert.
   */
  add(deadline: number, value: T, keepAlive = false): DeadlineEntry<T> {
    if (typeof deadline !== 'number' || Number.isNaN(deadline)) invalidOption('deadline', 'a number', deadline);
    const node: Node<T> = { deadline, value, keepAlive, index: -1 };
    if (!(deadline < Number.POSITIVE_INFINITY)) return node;
    const heap = this.#heap;
    node.index = heap.length;
    heap.push(node);
    this.#siftUp(node.index);
    if (keepAlive) this.#keepAliveCount++;
    if (!this.#firing) this.#schedule();
    return node;
  }

  /** Cancels an entry. Returns false when it already fired or was removed. */
  remove(entry: DeadlineEntry<T>): boolean {
    const node = entry as Node<T>;
    const index = node.index;
    if (index < 0) return false;
    const heap = this.#heap;
    const last = heap.pop() as Node<T>;
    if (last !== node) {
      heap[index] = last;
      last.index = index;
      if (index > 0 && last.deadline < (heap[(index - 1) >> 1] as Node<T>).deadline) this.#siftUp(index);
      else this.#siftDown(index);
    }
    node.index = -1;
    if (node.keepAlive) this.#keepAliveCount--;
    if (!this.#firing) this.#schedule();
    return true;
  }

  /** Drops every entry without calling back and cancels the timer. */
  clear(): void {
    for (const node of this.#heap) node.index = -1;
    this.#heap.length = 0;
    this.#keepAliveCount = 0;
    this.#disarm();
  }

  #fire = (): void => {
    this.#timer = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    this.#referenced = false;
    const now = this.#clock.now();
    const heap = this.#heap;
    this.#firing = true;
    try {
      while (heap.length > 0 && (heap[0] as Node<T>).deadline <= now) {
        const node = heap[0] as Node<T>;
        this.remove(node);
        try {
          this.#onExpire(node.value, node);
        } catch (error) {
          reportAsync(error);
        }
      }
    } finally {
      this.#firing = false;
    }
    this.#schedule();
  };

  #schedule(): void {
    const heap = this.#heap;
    if (heap.length === 0) {
      this.#disarm();
      return;
    }
    const earliest = (heap[0] as Node<T>).deadline;
    if (this.#timer === undefined || earliest < this.#armedAt) {
      this.#timer?.cancel();
      const delay = Math.min(Math.max(0, Math.ceil(earliest - this.#clock.now())), MAX_TIMER_DELAY_MS);
      this.#timer = this.#clock.setTimer(this.#fire, delay);
      this.#armedAt = earliest;
      this.#referenced = false;
    }
    // A timer armed for a deadline that was removed fires early, finds nothing due and re-arms:
    // cheaper than re-arming on every removal.
    const wantRef = this.#keepAliveCount > 0;
    if (wantRef !== this.#referenced) {
      this.#referenced = wantRef;
      if (wantRef) this.#timer.ref();
      else this.#timer.unref();
    }
  }

  #disarm(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    this.#referenced = false;
  }

  #siftUp(start: number): void {
    const heap = this.#heap;
    const node = heap[start] as Node<T>;
    let index = start;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex] as Node<T>;
      if (parent.deadline <= node.deadline) break;
      heap[index] = parent;
      parent.index = index;
      index = parentIndex;
    }
    heap[index] = node;
    node.index = index;
  }

  #siftDown(start: number): void {
    const heap = this.#heap;
    const length = heap.length;
    const node = heap[start] as Node<T>;
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && (heap[right] as Node<T>).deadline < (heap[left] as Node<T>).deadline) child = right;
      const childNode = heap[child] as Node<T>;
      if (childNode.deadline >= node.deadline) break;
      heap[index] = childNode;
      childNode.index = index;
      index = child;
    }
    heap[index] = node;
    node.index = index;
  }
}
