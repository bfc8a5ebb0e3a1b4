/**
 * `SharedBufferPool`: fixed-size slots in a SharedArrayBuffer, shared by worker threads. Slots
 * travel between threads as indices (numbers), never as copies.
 *
 * The free list is a Treiber stack in shared memory, lock-free: the head word packs a slot
 * index (low 20 bits) and a tag (11 bits) bumped on every change, so a compare-exchange that
 * raced with a pop-push of the same slot fails instead of corrupting the list (the ABA problem;
 * the tag would have to wrap through 2048 changes while one thread is between its load and its
 * CAS). Each thread keeps a small local cache and moves slots to and from the shared stack in
 * batches, so most acquires and releases touch no shared word at all: each Atomics operation
 * costs ~20 ns.
 *
 * Limits, stated plainly: slots cached by a thread are free but reserved for it until it calls
 * `flush()` (call it before the thread exits); and like every brand-based check here, a stale
 * release of a slot that was meanwhile granted again cannot be told from the new holder's.
 *
 * @module
 */
import { DoubleReleaseError, InvalidOptionError, PoolExhaustedError } from '../internal/errors.js';
import { booleanOption, expectedMessage, integerOption, resolveOptions } from '../internal/options.js';

const INDEX_BITS = 20;
const INDEX_MASK = (1 << INDEX_BITS) - 1;
const TAG_MASK = (1 << 11) - 1;
/** Most slots one pool can hold (the index field holds index + 1). */
export const MAX_SHARED_SLOTS = INDEX_MASK - 1;

// Control words.
const HEAD = 0;
const NEXT_TOKEN = 1;
const CONTROL_WORDS = 2;

/** What `pool.handle` gives you: post it to a worker and `SharedBufferPool.attach()` it there. */
export interface SharedBufferPoolHandle {
  /** Marks the object as a handle. */
  readonly kind: 'poolkit.SharedBufferPool';
  /** Control words, next links and owners. */
  readonly control: SharedArrayBuffer;
  /** The slots' bytes. */
  readonly data: SharedArrayBuffer;
  /** Bytes per slot. */
  readonly slotSize: number;
  /** Number of slots. */
  readonly slotCount: number;
  /** Whether ownership is checked (see {@link SharedBufferPoolOptions.checkOwnership}). */
  readonly checkOwnership: boolean;
}

/** Options of {@link SharedBufferPool}. */
export interface SharedBufferPoolOptions {
  /** Bytes per slot. */
  readonly slotSize: number;
  /** Number of slots (at most 1048574). */
  readonly slotCount: number;
  /**
   * Record which thread holds each slot (one more atomic operation per acquire and per
   * release): a release of a slot nobody holds throws `DoubleReleaseError`, and a grant of a
   * held slot (a broken free list) throws instead of sharing memory.
   * @default true
   */
  readonly checkOwnership?: boolean;
  /**
   * Slots moved between the shared stack and this thread's cache at a time.
   * @default 16 (slots)
   */
  readonly batchSize?: number;
}

/** Options of {@link SharedBufferPool.attach}. */
export interface SharedBufferPoolAttachOptions {
  /**
   * Slots moved between the shared stack and this thread's cache at a time.
   * @default 16 (slots)
   */
  readonly batchSize?: number;
}

const schema = {
  slotSize: integerOption({ min: 1, max: 2 ** 30 }),
  slotCount: integerOption({ min: 1, max: MAX_SHARED_SLOTS }),
  checkOwnership: booleanOption({ default: true }),
  batchSize: integerOption({ min: 1, max: 4096, default: 16 }),
};
const attachSchema = { batchSize: integerOption({ min: 1, max: 4096, default: 16 }) };

function isHandle(value: unknown): value is SharedBufferPoolHandle {
  const handle = value as SharedBufferPoolHandle;
  return (
    typeof value === 'object' &&
    value !== null &&
    handle.kind === 'poolkit.SharedBufferPool' &&
    handle.control instanceof SharedArrayBuffer &&
    handle.data instanceof SharedArrayBuffer
  );
}

/**
 * A fixed pool of byte slots in shared memory. Make it on one thread, post `pool.handle` to the
 * others and `SharedBufferPool.attach(handle)` there; every thread then acquires and releases
 * slot indices, and reads and writes slots through `pool.view(index)`.
 *
 * @example
 * ```ts
 * const pool = new SharedBufferPool({ slotSize: 64 * 1024, slotCount: 256 });
 * const worker = new Worker(url, { workerData: pool.handle });
 * // in the worker: const pool = SharedBufferPool.attach(workerData);
 * const slot = pool.acquire();          // an index, or -1 when every slot is taken
 * pool.view(slot).set(bytes);
 * port.postMessage(slot);               // the receiver reads pool.view(slot), then releases it
 * ```
 */
export class SharedBufferPool {
  readonly #handle: SharedBufferPoolHandle;
  readonly #control: Int32Array;
  readonly #next: Int32Array;
  readonly #owners: Int32Array | undefined;
  readonly #views: (Uint8Array | undefined)[];
  readonly #cache: Int32Array;
  readonly #batch: number;
  readonly #token: number;
  #cached = 0;

  /** @throws InvalidOptionError, UnknownOptionError for a bad option. */
  constructor(options: SharedBufferPoolOptions) {
    let handle: SharedBufferPoolHandle;
    let batch: number;
    const attaching = options as unknown as AttachRequest;
    if (typeof options === 'object' && options !== null && attaching[kAttach] === true) {
      handle = attaching.handle;
      batch = attaching.batchSize;
    } else {
      const resolved = resolveOptions('SharedBufferPool', options, schema);
      handle = createHandle(resolved.slotSize, resolved.slotCount, resolved.checkOwnership);
      batch = resolved.batchSize;
    }
    this.#handle = handle;
    [this.#control, this.#next, this.#owners] = views(handle);
    this.#views = new Array(handle.slotCount);
    this.#batch = batch;
    this.#cache = new Int32Array(batch * 2);
    this.#token = Atomics.add(this.#control, NEXT_TOKEN, 1) + 1;
  }

  /** Joins a pool made on another thread, from its `handle`. */
  static attach(handle: SharedBufferPoolHandle, options: SharedBufferPoolAttachOptions = {}): SharedBufferPool {
    if (!isHandle(handle)) {
      throw new InvalidOptionError(expectedMessage('handle', 'a SharedBufferPool handle', handle), {
        option: 'handle',
        value: handle,
      });
    }
    const { batchSize } = resolveOptions('SharedBufferPool.attach', options, attachSchema);
    const request: AttachRequest = { [kAttach]: true, handle, batchSize };
    return new SharedBufferPool(request as unknown as SharedBufferPoolOptions);
  }

  /** The handle to post to other threads (structured-clonable: two SharedArrayBuffers and numbers). */
  get handle(): SharedBufferPoolHandle {
    return this.#handle;
  }

  /** Bytes per slot. */
  get slotSize(): number {
    return this.#handle.slotSize;
  }

  /** Number of slots. */
  get slotCount(): number {
    return this.#handle.slotCount;
  }

  /** Slots held in this thread's cache (free, but reserved for this thread until flushed). */
  get cachedCount(): number {
    return this.#cached;
  }

  /** Takes a free slot and returns its index, or -1 when every slot is taken (or cached by other threads). */
  acquire(): number {
    if (this.#cached === 0 && this.#refill() === 0) return -1;
    const index = this.#cache[--this.#cached] as number;
    const owners = this.#owners;
    if (owners !== undefined && Atomics.compareExchange(owners, index, 0, this.#token) !== 0) {
      // Never expected: the free list handed out a slot someone holds. Fail loudly.
      throw new DoubleReleaseError(`Slot ${index} was granted while held by another thread`, { slot: index });
    }
    return index;
  }

  /** Like `acquire()`, but throws `PoolExhaustedError` (`POOLKIT_POOL_EXHAUSTED`) instead of returning -1. */
  acquireOrThrow(): number {
    const index = this.acquire();
    if (index === -1) {
      throw new PoolExhaustedError(`All ${this.#handle.slotCount} slots of the SharedBufferPool are taken`, {
        slotCount: this.#handle.slotCount,
      });
    }
    return index;
  }

  /**
   * The bytes of slot `index` (a view made once per slot per thread). Valid while the slot is
   * held; after release another thread may write it.
   */
  view(index: number): Uint8Array {
    this.#checkIndex(index);
    let view = this.#views[index];
    if (view === undefined) {
      const size = this.#handle.slotSize;
      view = new Uint8Array(this.#handle.data, index * size, size);
      this.#views[index] = view;
    }
    return view;
  }

  /**
   * Gives slot `index` back. Any thread may release a slot, typically the one it was passed to.
   * @throws DoubleReleaseError with `checkOwnership` when the slot is not held (released twice).
   */
  release(index: number): void {
    this.#checkIndex(index);
    const owners = this.#owners;
    if (owners !== undefined && Atomics.exchange(owners, index, 0) === 0) {
      throw new DoubleReleaseError(`Slot ${index} is not held (released twice?)`, { slot: index });
    }
    if (this.#cached === this.#cache.length) this.#flush(this.#batch);
    this.#cache[this.#cached++] = index;
  }

  /** Returns every slot in this thread's cache to the shared stack (call before a thread exits). */
  flush(): void {
    this.#flush(this.#cached);
  }

  #refill(): number {
    const cache = this.#cache;
    let got = 0;
    while (got < this.#batch) {
      const index = this.#pop();
      if (index === -1) break;
      cache[got++] = index;
    }
    this.#cached = got;
    return got;
  }

  #flush(count: number): void {
    while (count-- > 0 && this.#cached > 0) this.#push(this.#cache[--this.#cached] as number);
  }

  #pop(): number {
    const control = this.#control;
    for (;;) {
      const head = Atomics.load(control, HEAD);
      const top = head & INDEX_MASK;
      if (top === 0) return -1;
      const next = Atomics.load(this.#next, top - 1);
      const tag = ((head >>> INDEX_BITS) + 1) & TAG_MASK;
      if (Atomics.compareExchange(control, HEAD, head, (tag << INDEX_BITS) | next) === head) return top - 1;
    }
  }

  #push(index: number): void {
    const control = this.#control;
    for (;;) {
      const head = Atomics.load(control, HEAD);
      Atomics.store(this.#next, index, head & INDEX_MASK);
      const tag = ((head >>> INDEX_BITS) + 1) & TAG_MASK;
      if (Atomics.compareExchange(control, HEAD, head, (tag << INDEX_BITS) | (index + 1)) === head) return;
    }
  }

  #checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.#handle.slotCount) {
      throw new InvalidOptionError(
        expectedMessage('index', `an integer between 0 and ${this.#handle.slotCount - 1}`, index),
        { option: 'index', value: index },
      );
    }
  }
}

const kAttach = Symbol('poolkit.shared-buffer-pool.attach');
interface AttachRequest {
  readonly [kAttach]: true;
  readonly handle: SharedBufferPoolHandle;
  readonly batchSize: number;
}

function createHandle(
  slotSize: number | undefined,
  slotCount: number | undefined,
  checkOwnership: boolean,
): SharedBufferPoolHandle {
  if (slotSize === undefined)
    throw new InvalidOptionError(expectedMessage('slotSize', 'an integer >= 1', undefined), { option: 'slotSize' });
  if (slotCount === undefined)
    throw new InvalidOptionError(expectedMessage('slotCount', 'an integer >= 1', undefined), { option: 'slotCount' });
  const words = CONTROL_WORDS + slotCount * (checkOwnership ? 2 : 1);
  const control = new SharedArrayBuffer(words * 4);
  const data = new SharedArrayBuffer(slotSize * slotCount);
  const next = new Int32Array(control, CONTROL_WORDS * 4, slotCount);
  // Initial free list 0 -> 1 -> ... -> n-1 (links hold index + 1; 0 ends the list).
  for (let i = 0; i < slotCount - 1; i++) next[i] = i + 2;
  new Int32Array(control)[HEAD] = 1;
  return Object.freeze({ kind: 'poolkit.SharedBufferPool', control, data, slotSize, slotCount, checkOwnership });
}

function views(handle: SharedBufferPoolHandle): [Int32Array, Int32Array, Int32Array | undefined] {
  const control = new Int32Array(handle.control, 0, CONTROL_WORDS);
  const next = new Int32Array(handle.control, CONTROL_WORDS * 4, handle.slotCount);
  const owners = handle.checkOwnership
    ? new Int32Array(handle.control, (CONTROL_WORDS + handle.slotCount) * 4, handle.slotCount)
    : undefined;
  return [control, next, owners];
}
