/**
 * One abort listener per distinct signal, however many tasks share it. Adding a listener per
 * task to a shared signal (one `AbortController` for a batch, a group's signal) costs a listener
 * each and trips Node's MaxListenersExceededWarning past 10; here the first task on a signal is
 * held in a field and later ones in a ring buffer, removal stays O(1), and a one-entry cache makes
 * a batch of tasks with the same signal skip the WeakMap.
 *
 * @module
 */
import { Deque } from '../internal/deque.js';
import type { TaskRecord } from './task-record.js';

type AnyTask = TaskRecord<unknown, unknown>;

/** Called for every task linked to a signal when it aborts. */
export type OnSignalAbort = (task: AnyTask) => void;

class SignalLink {
  readonly signal: AbortSignal;
  readonly #links: SignalLinks;
  first: AnyTask | undefined;
  more: Deque<AnyTask> | undefined;
  count = 0;

  constructor(signal: AbortSignal, links: SignalLinks) {
    this.signal = signal;
    this.#links = links;
  }

  /** The signal aborted (`EventTarget` calls this; the listener was added with `once`). */
  handleEvent(): void {
    const tasks: AnyTask[] = [];
    if (this.first !== undefined) tasks.push(this.first);
    if (this.more !== undefined) for (const task of this.more) tasks.push(task);
    this.#links.forget(this);
    for (const task of tasks) this.#links.fire(task);
  }
}

/** The links of one scheduler. */
export class SignalLinks {
  readonly #bySignal = new WeakMap<AbortSignal, SignalLink>();
  readonly #onAbort: OnSignalAbort;
  #last: SignalLink | undefined;

  constructor(onAbort: OnSignalAbort) {
    this.#onAbort = onAbort;
  }

  /** Links `task` to `task.userSignal` (which must not be aborted). */
  add(task: AnyTask): void {
    const signal = task.userSignal as AbortSignal;
    let link = this.#last !== undefined && this.#last.signal === signal ? this.#last : this.#bySignal.get(signal);
    if (link === undefined) {
      link = new SignalLink(signal, this);
      this.#bySignal.set(signal, link);
      signal.addEventListener('abort', link, { once: true });
    }
    this.#last = link;
    if (link.first === undefined) {
      link.first = task;
      task.signalHandle = -1;
    } else {
      link.more ??= new Deque<AnyTask>(4);
      task.signalHandle = link.more.push(task);
    }
    link.count++;
    task.signalLink = link;
  }

  /** Unlinks `task`; the signal's listener goes when its last task leaves. Idempotent. */
  remove(task: AnyTask): void {
    const link = task.signalLink as SignalLink | undefined;
    if (link === undefined) return;
    task.signalLink = undefined;
    if (task.signalHandle === -1) {
      if (link.first !== task) return;
      link.first = undefined;
    } else if (link.more === undefined || !link.more.remove(task.signalHandle, task)) return;
    if (--link.count === 0) {
      link.signal.removeEventListener('abort', link);
      this.forget(link);
    }
  }

  /** @internal Drops a link from the map and the cache. */
  forget(link: SignalLink): void {
    if (this.#bySignal.get(link.signal) === link) this.#bySignal.delete(link.signal);
    if (this.#last === link) this.#last = undefined;
    link.count = 0;
  }

  /** @internal Delivers the abort of a linked task. */
  fire(task: AnyTask): void {
    task.signalLink = undefined;
    this.#onAbort(task);
  }
}
