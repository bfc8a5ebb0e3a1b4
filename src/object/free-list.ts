/**
 * `FreeList<T>`: the smallest useful pool, a bounded stack of spare objects. It is what Go's
 * net/rpc keeps for its request and response headers and what Node's HTTP parser pool
 * (`lib/internal/freelist.js`) is: no brand, no stats, no eviction, nothing to pay for. Use it
 * where the caller is trusted to free each object once; use {@link ObjectPool} otherwise.
 *
 * @module
 */
import { functionOption, integerOption, requireRelation, resolveOptions } from '../internal/options.js';

/** Options of {@link FreeList}. */
export interface FreeListOptions<T> {
  /** Makes an object when the list is empty. */
  readonly create: () => T;
  /**
   * Most spare objects kept; `free()` beyond it returns `false` and keeps nothing.
   * @default 64 (objects)
   */
  readonly max?: number;
}

const schema = {
  create: functionOption<() => unknown>(),
  max: integerOption({ min: 0, default: 64 }),
};

/**
 * A bounded free list: `alloc()` pops a spare object or makes one, `free(obj)` keeps it if
 * there is room.
 *
 * @example
 * ```ts
 * const headers = new FreeList({ create: () => new Header(), max: 32 });
 * const h = headers.alloc();
 * // ... use h ...
 * h.reset();
 * headers.free(h);
 * ```
 */
export class FreeList<T> {
  readonly #create: () => T;
  readonly #max: number;
  readonly #list: T[] = [];

  /** @throws InvalidOptionError, UnknownOptionError for a bad option. */
  constructor(options: FreeListOptions<T>) {
    const resolved = resolveOptions('FreeList', options, schema);
    requireRelation(resolved.create !== undefined, 'create', 'a function', resolved.create);
    this.#create = resolved.create as () => T;
    this.#max = resolved.max;
  }

  /** Most spare objects kept. */
  get max(): number {
    return this.#max;
  }

  /** Spare objects held now. */
  get length(): number {
    return this.#list.length;
  }

  /** A spare object, or a new one. */
  alloc(): T {
    const list = this.#list;
    return list.length > 0 ? (list.pop() as T) : this.#create();
  }

  /**
   * Keeps `obj` for a later `alloc()` if there is room. The caller resets it first and must
   * not use it afterwards.
   * @returns whether it was kept.
   */
  free(obj: T): boolean {
    const list = this.#list;
    if (list.length >= this.#max) return false;
    list.push(obj);
    return true;
  }

  /** Forgets every spare object. */
  clear(): void {
    this.#list.length = 0;
  }
}
