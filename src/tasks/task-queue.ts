/**
 * The queue of waiting tasks: one ring-buffer lane per distinct priority (FIFO inside a lane),
 * lanes kept sorted, and aging. With aging, a waiting task's effective priority is its priority
 * plus one per `agingMs` waited; the next task is the lane head with the highest effective
 * priority (the older one on a tie). Only lane heads need comparing, since inside a lane the head
 * is the oldest. With a single lane (the common case: no priorities) this is a plain deque.
 * Removal of a cancelled task is O(1) (deque holes), unlike p-queue's linear scan per abort.
 *
 * The fast lane: a task submitted with no options to a pool without a queue timeout can never be
 * removed individually, so it is queued as four flat slots (enqueue time, payload, resolve,
 * reject) in the default lane instead of a task object; the object is made when it starts. That
 * halves the memory of a deep queue, which is what a burst of 100k `run()` calls costs in GC.
 * FIFO order across fast and ordinary entries is kept since both live in the same lane.
 *
 * @module
 */
import { Deque } from '../internal/deque.js';
import type { TaskRecord } from './task-record.js';

type AnyTask = TaskRecord<unknown, unknown>;
type Entry = AnyTask | unknown;

/** Turns a fast-lane entry into a task when it leaves the queue. */
export type Materialize = (
  payload: unknown,
  resolve: (value: unknown) => void,
  reject: (error: unknown) => void,
  enqueuedAt: number,
) => AnyTask;

/** One priority's FIFO lane. */
export interface Lane {
  readonly priority: number;
  readonly tasks: Deque<Entry>;
}

/** Priority lanes with aging; O(1) push/shift/remove with one lane, O(lanes) shift otherwise. */
export class TaskQueue {
  readonly #agingMs: number;
  /** Non-empty and default lanes, sorted by descending priority. */
  readonly #lanes: Lane[] = [];
  readonly #byPriority = new Map<number, Lane>();
  readonly #defaultLane: Lane;
  readonly #materialize: Materialize;
  #length = 0;

  constructor(agingMs: number, materialize: Materialize) {
    this.#agingMs = agingMs;
    this.#materialize = materialize;
    this.#defaultLane = this.#lane(0);
  }

  /** Queues a fast-lane task (priority 0, no options) as flat slots, no object. */
  pushFast(payload: unknown, resolve: (value: unknown) => void, reject: (error: unknown) => void, now: number): void {
    const tasks = this.#defaultLane.tasks;
    tasks.push(now);
    tasks.push(payload);
    tasks.push(resolve);
    tasks.push(reject);
    this.#length++;
  }

  /** Tasks waiting. */
  get length(): number {
    return this.#length;
  }

  /** True when shift() needs the current time (several lanes and aging on). */
  get needsTime(): boolean {
    return this.#lanes.length > 1 && this.#agingMs < Number.POSITIVE_INFINITY;
  }

  /** Appends `task` to its priority's lane. */
  push(task: AnyTask): void {
    const lane = task.priority === 0 ? this.#defaultLane : this.#lane(task.priority);
    task.container = lane;
    task.handle = lane.tasks.push(task);
    this.#length++;
  }

  /** Puts `task` back at the front of its lane (a task released from key parking). */
  unshift(task: AnyTask): void {
    const lane = task.priority === 0 ? this.#defaultLane : this.#lane(task.priority);
    task.container = lane;
    task.handle = lane.tasks.unshift(task);
    this.#length++;
  }

  /** Removes a queued task in O(1); false when it is not in this queue. */
  remove(task: AnyTask): boolean {
    const lane = task.container as Lane | undefined;
    if (lane === undefined || lane.tasks === undefined || !lane.tasks.remove(task.handle, task)) return false;
    task.container = undefined;
    this.#length--;
    if (lane.tasks.length === 0 && lane !== this.#defaultLane) this.#dropLane(lane);
    return true;
  }

  /** Removes and returns the next task to run; `now` matters only when `needsTime`. */
  shift(now: number): AnyTask | undefined {
    if (this.#length === 0) return undefined;
    const lanes = this.#lanes;
    let best = this.#defaultLane;
    if (lanes.length > 1) best = this.#pick(now);
    const task = this.#take(best.tasks);
    this.#length--;
    if (best.tasks.length === 0 && best !== this.#defaultLane) this.#dropLane(best);
    return task;
  }

  #take(tasks: Deque<Entry>): AnyTask {
    const front = tasks.shift();
    if (typeof front === 'number') {
      const payload = tasks.shift();
      const resolve = tasks.shift() as (value: unknown) => void;
      const reject = tasks.shift() as (error: unknown) => void;
      return this.#materialize(payload, resolve, reject, front);
    }
    const task = front as AnyTask;
    task.container = undefined;
    return task;
  }

  /** Every waiting task, lane by lane (for destroy). */
  drain(): AnyTask[] {
    const all: AnyTask[] = [];
    for (const lane of this.#lanes) {
      while (lane.tasks.length !== 0) all.push(this.#take(lane.tasks));
    }
    for (const lane of [...this.#lanes]) if (lane !== this.#defaultLane) this.#dropLane(lane);
    this.#length = 0;
    return all;
  }

  #pick(now: number): Lane {
    const agingMs = this.#agingMs;
    let best: Lane | undefined;
    let bestScore = Number.NEGATIVE_INFINITY;
    let bestAt = 0;
    for (const lane of this.#lanes) {
      const head = lane.tasks.peekFront();
      if (head === undefined) continue;
      const at = typeof head === 'number' ? head : (head as AnyTask).enqueuedAt;
      const score =
        agingMs < Number.POSITIVE_INFINITY ? lane.priority + Math.floor((now - at) / agingMs) : lane.priority;
      if (score > bestScore || (score === bestScore && at < bestAt)) {
        best = lane;
        bestScore = score;
        bestAt = at;
      }
    }
    return best as Lane;
  }

  #lane(priority: number): Lane {
    let lane = this.#byPriority.get(priority);
    if (lane === undefined) {
      lane = { priority, tasks: new Deque<Entry>() };
      this.#byPriority.set(priority, lane);
      const lanes = this.#lanes;
      let index = 0;
      while (index < lanes.length && (lanes[index] as Lane).priority > priority) index++;
      lanes.splice(index, 0, lane);
    }
    return lane;
  }

  #dropLane(lane: Lane): void {
    this.#byPriority.delete(lane.priority);
    const index = this.#lanes.indexOf(lane);
    if (index !== -1) this.#lanes.splice(index, 1);
  }
}
