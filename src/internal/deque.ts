/**
 * A growable ring-buffer deque with O(1) push/pop at both ends and O(1) removal of any entry by
 * the handle `push` returned (the slot becomes a hole, skipped later). Used for every wait queue
 * and idle list: never `Array.prototype.shift` on a hot or long queue.
 *
 * Handles are absolute positions: the slot of handle `h` is `h & mask` while `head <= h < tail`,
 * which the capacity (always >= tail - head) guarantees. `remove` also compares the value, so a
 * stale handle never removes a newer entry that took its position. Holes next to either end are trimmed at
 * once, so a queue whose cancelled entries sit at its ends never grows; holes in the middle are
 * reclaimed when the ends reach them.
 *
 * @module
 */

import { invalidOption } from './options.js';

const HOLE: unique symbol = Symbol('deque.hole');
type Slot<T> = T | typeof HOLE | undefined;

/** Handle of an entry in a {@link Deque}, valid until the entry leaves the deque. */
export type DequeHandle = number;

/** Ring-buffer deque with O(1) removal by handle. */
export class Deque<T> {
  #slots: Slot<T>[];
  #mask: number;
  #head = 0; // absolute position of the first slot (live or hole)
  #tail = 0; // absolute position one past the last slot
  #length = 0; // live entries

  /** @param initialCapacity - slots to allocate up front (rounded up to a power of two); it grows as needed. */
  constructor(initialCapacity = 16) {
    if (!Number.isSafeInteger(initialCapacity) || initialCapacity < 1 || initialCapacity > 2 ** 30) {
      invalidOption('initialCapacity', 'an integer between 1 and 1073741824', initialCapacity);
    }
    let capacity = 4;
    while (capacity < initialCapacity) capacity *= 2;
    this.#slots = new Array<Slot<T>>(capacity);
    this.#mask = capacity - 1;
  }

  /** Number of live entries. */
  get length(): number {
    return this.#length;
  }

  /** Appends `value` at the back; returns its handle. */
  push(value: T): DequeHandle {
    if (this.#tail - this.#head > this.#mask) this.#grow();
    const handle = this.#tail++;
    this.#slots[handle & this.#mask] = value;
    this.#length++;
    return handle;
  }

  /** Inserts `value` at the front; returns its handle. */
  unshift(value: T): DequeHandle {
    if (this.#tail - this.#head > this.#mask) this.#grow();
    const handle = --this.#head;
    this.#slots[handle & this.#mask] = value;
    this.#length++;
    return handle;
  }

  /** Removes and returns the front entry, or `undefined` when empty. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const slots = this.#slots;
    const index = this.#head & this.#mask;
    const value = slots[index] as T; // the front slot is never a hole: holes at the ends are trimmed
    slots[index] = undefined;
    this.#head++;
    this.#length--;
    this.#trimFront();
    return value;
  }

  /** Removes and returns the back entry, or `undefined` when empty. */
  pop(): T | undefined {
    if (this.#length === 0) return undefined;
    const slots = this.#slots;
    const index = --this.#tail & this.#mask;
    const value = slots[index] as T;
    slots[index] = undefined;
    this.#length--;
    this.#trimBack();
    return value;
  }

  /** The front entry without removing it. */
  peekFront(): T | undefined {
    return this.#length === 0 ? undefined : (this.#slots[this.#head & this.#mask] as T);
  }

  /** The back entry without removing it. */
  peekBack(): T | undefined {
    return this.#length === 0 ? undefined : (this.#slots[(this.#tail - 1) & this.#mask] as T);
  }

  /**
   * Removes `value`, found under `handle`, in O(1). Returns false when the handle is stale (the
   * entry was already removed, shifted or popped), so cancelling twice is harmless. The value is
   * compared too because positions are reused after `pop()`/`unshift()`: a stale handle can never
   * remove another entry.
   */
  remove(handle: DequeHandle, value: T): boolean {
    if (handle < this.#head || handle >= this.#tail) return false;
    const index = handle & this.#mask;
    if (this.#slots[index] !== value) return false;
    this.#slots[index] = HOLE;
    this.#length--;
    if (handle === this.#head) this.#trimFront();
    else if (handle === this.#tail - 1) this.#trimBack();
    return true;
  }

  /** Removes every entry. Outstanding handles become stale. */
  clear(): void {
    this.#slots.fill(undefined);
    this.#head = this.#tail = 0;
    this.#length = 0;
  }

  /** Live entries front to back. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let position = this.#head; position < this.#tail; position++) {
      const slot = this.#slots[position & this.#mask];
      if (slot !== HOLE && slot !== undefined) yield slot as T;
    }
  }

  /** Live entries front to back, as an array. */
  toArray(): T[] {
    return [...this];
  }

  #trimFront(): void {
    const slots = this.#slots;
    while (this.#head < this.#tail && slots[this.#head & this.#mask] === HOLE) {
      slots[this.#head & this.#mask] = undefined;
      this.#head++;
    }
  }

  #trimBack(): void {
    const slots = this.#slots;
    while (this.#tail > this.#head && slots[(this.#tail - 1) & this.#mask] === HOLE) {
      slots[--this.#tail & this.#mask] = undefined;
    }
  }

  #grow(): void {
    const old = this.#slots;
    const oldMask = this.#mask;
    const capacity = old.length * 2;
    const slots = new Array<Slot<T>>(capacity);
    const mask = capacity - 1;
    for (let position = this.#head; position < this.#tail; position++) {
      slots[position & mask] = old[position & oldMask];
    }
    this.#slots = slots;
    this.#mask = mask;
  }
}
