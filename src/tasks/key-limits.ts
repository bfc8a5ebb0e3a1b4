/**
 * Per-key concurrency limits (e.g. at most 2 requests per host in a crawler, while the pool runs
 * 50 at once). A task whose key is at its limit is parked on that key's own FIFO and does not
 * block the tasks behind it in the main queue; when a task of that key finishes, the oldest parked
 * one goes back to the front of its lane. Keys with nothing running and nothing parked are
 * forgotten, so the map holds only live keys.
 *
 * @module
 */
import { Deque } from '../internal/deque.js';
import type { TaskRecord } from './task-record.js';

type AnyTask = TaskRecord<unknown, unknown>;

interface KeyState {
  running: number;
  readonly parked: Deque<AnyTask>;
}

/** Running counts and parked tasks per key. */
export class KeyLimits {
  readonly #limit: number;
  readonly #keys = new Map<unknown, KeyState>();
  #parked = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Tasks parked across all keys (they count as queued). */
  get parked(): number {
    return this.#parked;
  }

  /** Keys currently tracked (running or parked tasks). */
  get size(): number {
    return this.#keys.size;
  }

  /** Takes a slot of `task.key`; false when the key is at its limit (park the task then). */
  tryAcquire(task: AnyTask): boolean {
    let state = this.#keys.get(task.key);
    if (state === undefined) {
      state = { running: 0, parked: new Deque<AnyTask>(4) };
      this.#keys.set(task.key, state);
    }
    if (state.running >= this.#limit) return false;
    state.running++;
    return true;
  }

  /** Parks `task` behind the other parked tasks of its key. */
  park(task: AnyTask): void {
    const state = this.#keys.get(task.key) as KeyState;
    task.container = state.parked;
    task.handle = state.parked.push(task);
    this.#parked++;
  }

  /** Removes a parked task in O(1); false when it is not parked. */
  remove(task: AnyTask): boolean {
    const state = this.#keys.get(task.key);
    if (state === undefined || task.container !== state.parked) return false;
    if (!state.parked.remove(task.handle, task)) return false;
    task.container = undefined;
    this.#parked--;
    this.#forgetIfIdle(task.key, state);
    return true;
  }

  /** Frees the slot of a finished task; returns the oldest parked task of its key, to re-queue. */
  release(task: AnyTask): AnyTask | undefined {
    const state = this.#keys.get(task.key) as KeyState;
    state.running--;
    const next = state.parked.shift();
    if (next !== undefined) {
      next.container = undefined;
      this.#parked--;
    } else this.#forgetIfIdle(task.key, state);
    return next;
  }

  /** Every parked task (for destroy); running counts are kept until their tasks report. */
  drain(): AnyTask[] {
    const all: AnyTask[] = [];
    for (const [key, state] of this.#keys) {
      for (const task of state.parked) {
        task.container = undefined;
        all.push(task);
      }
      state.parked.clear();
      this.#forgetIfIdle(key, state);
    }
    this.#parked = 0;
    return all;
  }

  #forgetIfIdle(key: unknown, state: KeyState): void {
    if (state.running === 0 && state.parked.length === 0) this.#keys.delete(key);
  }
}
