/**
 * The {@link Lease} handed to a borrower. A lease is used once: after `release()`, `destroy()` or
 * `detach()` every further call throws `DoubleReleaseError`, and a lease whose resource the pool
 * force-destroyed (close timeout, `destroy()`) throws too. Leases are never reused, so a stale
 * lease can never return somebody else's resource.
 *
 * @module
 */
import { DoubleReleaseError } from '../internal/errors.js';
import { retainShape } from '../internal/shape.js';
import { Slot } from './slot.js';
import type { Lease, ReleaseOptions } from './types.js';

/** What a lease needs from its pool. */
export interface LeaseOwner<T> {
  readonly name: string;
  releaseSlot(slot: Slot<T>, options: ReleaseOptions | undefined): void;
  destroySlotByHolder(slot: Slot<T>): Promise<void>;
  detachSlot(slot: Slot<T>): void;
}

/** The lease implementation. */
export class LeaseImpl<T> implements Lease<T> {
  readonly value: T;
  #owner: LeaseOwner<T> | undefined;
  readonly #slot: Slot<T>;

  constructor(owner: LeaseOwner<T>, slot: Slot<T>) {
    this.value = slot.value;
    this.#owner = owner;
    this.#slot = slot;
  }

  #take(action: string): LeaseOwner<T> {
    const owner = this.#owner;
    if (owner === undefined) {
      throw new DoubleReleaseError(`Cannot ${action} a lease that was already released, destroyed or detached`);
    }
    this.#owner = undefined;
    if (this.#slot.lease !== this) {
      throw new DoubleReleaseError(
        `Cannot ${action} this lease: pool "${owner.name}" already destroyed its resource (closed or destroyed)`,
      );
    }
    return owner;
  }

  release(options?: ReleaseOptions): void {
    this.#take('release').releaseSlot(this.#slot, options);
  }

  destroy(): Promise<void> {
    try {
      return this.#take('destroy').destroySlotByHolder(this.#slot);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  detach(): T {
    this.#take('detach').detachSlot(this.#slot);
    return this.value;
  }

  /** Releases the lease unless it was already given back (so `await using` after `release()` is harmless). */
  [Symbol.asyncDispose](): Promise<void> {
    if (this.#owner !== undefined && this.#slot.lease === this) this.release();
    return Promise.resolve();
  }
}

// See retainShape: keeps LeaseImpl's hidden class (and the optimized release path) across major GCs.
retainShape(
  new LeaseImpl<unknown>(
    { name: '', releaseSlot() {}, destroySlotByHolder: () => Promise.resolve(), detachSlot() {} },
    new Slot<unknown>({}, 0, 0, 0),
  ),
);
