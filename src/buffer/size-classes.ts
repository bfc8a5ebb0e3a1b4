/**
 * Size classes computed in O(1): between two powers of two there are 1, 2 or 4 classes, so a
 * request is rounded up by at most 100%, 50% or 25%. The class of a size comes from
 * `Math.clz32` and a shift, with no loop and no table search (vitess bucketpool uses powers of
 * two; the finer steps are the jemalloc idea of spacing classes by a quarter of a doubling).
 *
 * @module
 */

/** Classes per doubling of size: each halves the worst-case rounding waste of the previous. */
export type ClassesPerDoubling = 1 | 2 | 4;

/** The size classes of one pool, from `minSize` to `maxSize` (both powers of two). */
export class SizeClasses {
  /** Smallest class, bytes. */
  readonly minSize: number;
  /** Largest class, bytes. */
  readonly maxSize: number;
  /** Classes per doubling. */
  readonly perDoubling: ClassesPerDoubling;
  /** Size of each class, ascending. */
  readonly sizes: readonly number[];
  readonly #minExponent: number;
  readonly #shiftBits: number;

  constructor(minSize: number, maxSize: number, perDoubling: ClassesPerDoubling) {
    this.minSize = minSize;
    this.maxSize = maxSize;
    this.perDoubling = perDoubling;
    this.#minExponent = 31 - Math.clz32(minSize);
    this.#shiftBits = 31 - Math.clz32(perDoubling);
    const sizes = [minSize];
    for (let size = minSize + 1; size <= maxSize; ) {
      const index = this.indexOf(size);
      const classSize = this.#sizeAt(size);
      sizes[index] = classSize;
      size = classSize + 1;
    }
    this.sizes = Object.freeze(sizes);
  }

  /** Number of classes. */
  get count(): number {
    return this.sizes.length;
  }

  /**
   * The class index for a request of `size` bytes (0 <= size <= maxSize). O(1): for n = size - 1
   * with top bit e, the next `log2(perDoubling)` bits below it pick the step.
   */
  indexOf(size: number): number {
    if (size <= this.minSize) return 0;
    const n = size - 1;
    const exponent = 31 - Math.clz32(n);
    const step = (n >>> (exponent - this.#shiftBits)) - this.perDoubling;
    return 1 + (exponent - this.#minExponent) * this.perDoubling + step;
  }

  #sizeAt(size: number): number {
    const n = size - 1;
    const shift = 31 - Math.clz32(n) - this.#shiftBits;
    return ((n >>> shift) + 1) * 2 ** shift;
  }
}
