/**
 * Promises that wait for the queue to shrink or the pool to go idle (`onIdle`, `onEmpty`,
 * `onSizeLessThan`, p-queue's names). The core calls `check()` after every change of its counts;
 * it costs one length test while nobody waits.
 *
 * @module
 */

interface Waiter {
  /** Resolve when queued < threshold (and, when `idle`, running === 0). */
  readonly threshold: number;
  readonly idle: boolean;
  readonly resolve: () => void;
}

/** A set of count-based waiters. */
export class Waiters {
  #list: Waiter[] = [];

  /** True when somebody waits. */
  get active(): boolean {
    return this.#list.length !== 0;
  }

  /** A promise resolved once `queued < threshold` (and `running === 0` when `idle`). */
  add(threshold: number, idle: boolean, queued: number, running: number): Promise<void> {
    if (queued < threshold && (!idle || running === 0)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#list.push({ threshold, idle, resolve });
    });
  }

  /** Resolves every waiter whose condition now holds. */
  check(queued: number, running: number): void {
    const list = this.#list;
    let kept = 0;
    for (let index = 0; index < list.length; index++) {
      const waiter = list[index] as Waiter;
      if (queued < waiter.threshold && (!waiter.idle || running === 0)) waiter.resolve();
      else list[kept++] = waiter;
    }
    list.length = kept;
  }
}
