/**
 * Options of {@link BufferPool} and their validation.
 *
 * @module
 */
import {
  booleanOption,
  customOption,
  enumOption,
  integerOption,
  numberOption,
  requireRelation,
  resolveOptions,
} from '../internal/options.js';
import type { ClassesPerDoubling } from './size-classes.js';

/**
 * Why a buffer was not kept, or a release was refused:
 * - `oversize`: above `maxSize` (allocated exactly, never kept) or above the calibrated max;
 * - `full`: its class already held `maxPerClass` idle buffers;
 * - `budget`: keeping it would pass `maxIdleBytes`;
 * - `evicted`: idle through two GC epochs;
 * - `strikes`: came back mostly unused `maxStrikes` times in a row;
 * - `trim`, `clear`: removed by those methods;
 * - `debug`: a random drop of the debug block;
 * - `foreign`: not allocated by this pool; `slab`: a view of Node's shared 8 KiB slab
 *   (`Buffer.allocUnsafe` below 4 KiB); `wrong-class`: this pool's memory, but not the view it
 *   lent (a slice at an offset, or a buffer whose memory was transferred away);
 *   `double`: already released.
 */
export type BufferDropReason =
  | 'oversize'
  | 'full'
  | 'budget'
  | 'evicted'
  | 'strikes'
  | 'trim'
  | 'clear'
  | 'debug'
  | 'foreign'
  | 'slab'
  | 'wrong-class'
  | 'double';

/** Every {@link BufferDropReason}, in a stable order. */
export const BUFFER_DROP_REASONS: readonly BufferDropReason[] = Object.freeze([
  'oversize',
  'full',
  'budget',
  'evicted',
  'strikes',
  'trim',
  'clear',
  'debug',
  'foreign',
  'slab',
  'wrong-class',
  'double',
]);

/** When pooled memory is zero-filled. */
export type BufferZeroing = 'none' | 'acquire' | 'release';

/** Checks for tests: typed errors instead of silent drops, poisoning, random drops. */
export interface BufferPoolDebugOptions {
  /**
   * Fill released buffers with this byte, so code that keeps using a buffer after release
   * reads garbage that stands out. `false` turns poisoning off.
   * @default 0xde
   */
  readonly poison?: number | false;
  /**
   * Probability (0..1) that a release drops the buffer (Go race mode's random drops).
   * @default 0
   */
  readonly dropRate?: number;
}

/** Options of {@link BufferPool}. */
export interface BufferPoolOptions {
  /**
   * Smallest size class, bytes (a power of two >= 16). Smaller requests get a buffer of this size.
   * @default 1024 (bytes)
   */
  readonly minSize?: number;
  /**
   * Largest size class, bytes (a power of two >= `minSize`). Larger requests are allocated
   * exactly and never kept.
   * @default 1048576 (bytes, 1 MiB)
   */
  readonly maxSize?: number;
  /**
   * Size classes per doubling: 1 (powers of two, up to 100% rounding), 2 (up to 50%) or 4 (up to 25%).
   * @default 2
   */
  readonly classesPerDoubling?: ClassesPerDoubling;
  /**
   * Most idle buffers kept per size class.
   * @default 64 (buffers)
   */
  readonly maxPerClass?: number;
  /**
   * Most idle bytes kept across all classes (a budget, never passed). `Infinity` for none.
   * @default 67108864 (bytes, 64 MiB)
   */
  readonly maxIdleBytes?: number;
  /**
   * When to zero-fill: `'none'` (like `Buffer.allocUnsafe`: a buffer may hold a previous
   * holder's bytes), `'acquire'` (like `Buffer.alloc`), or `'release'` (scrub before keeping).
   * @default 'none'
   */
  readonly zeroing?: BufferZeroing;
  /**
   * `'gc'`: idle buffers survive one to two major GCs (Go's victim cache); `'none'`: kept until
   * trimmed.
   * @default 'gc'
   */
  readonly eviction?: 'gc' | 'none';
  /**
   * Learn the default and max size from observed lengths, as bytebufferpool does.
   * @default false
   */
  readonly calibrate?: boolean;
  /**
   * Observations between two calibrations (bytebufferpool's threshold).
   * @default 42000 (observations)
   */
  readonly calibrationCalls?: number;
  /**
   * Share of observations the calibrated max size must cover (0.5..1).
   * @default 0.95
   */
  readonly calibrationPercentile?: number;
  /**
   * A buffer returned using less than this share of its capacity gets a strike; `0` turns
   * strikes off. The smallest class never gets strikes.
   * @default 0.25
   */
  readonly minUtilisation?: number;
  /**
   * Strikes in a row after which a buffer is dropped instead of kept.
   * @default 4 (strikes)
   */
  readonly maxStrikes?: number;
  /**
   * Debug checks: typed errors on bad releases (instead of counted drops), poisoning and random drops.
   * @default undefined (off)
   */
  readonly debug?: BufferPoolDebugOptions;
}

const powerOfTwo = (min: number) => (value: unknown) =>
  typeof value === 'number' &&
  Number.isSafeInteger(value) &&
  value >= min &&
  value <= 2 ** 31 &&
  (value & (value - 1)) === 0;

const schema = {
  minSize: customOption<number>('a power of two between 16 and 2147483648', powerOfTwo(16), { default: 1024 }),
  maxSize: customOption<number>('a power of two between 16 and 2147483648', powerOfTwo(16), { default: 1 << 20 }),
  classesPerDoubling: enumOption([1, 2, 4] as const, { default: 2 }),
  maxPerClass: integerOption({ min: 0, default: 64 }),
  maxIdleBytes: integerOption({ min: 0, default: 64 * 1024 * 1024, allowInfinity: true }),
  zeroing: enumOption(['none', 'acquire', 'release'] as const, { default: 'none' }),
  eviction: enumOption(['gc', 'none'] as const, { default: 'gc' }),
  calibrate: booleanOption({ default: false }),
  calibrationCalls: integerOption({ min: 1, default: 42_000 }),
  calibrationPercentile: numberOption({ min: 0.5, max: 1, default: 0.95 }),
  minUtilisation: numberOption({ min: 0, max: 1, default: 0.25 }),
  maxStrikes: integerOption({ min: 1, default: 4 }),
  debug: customOption<object | undefined>('an object', (value) => typeof value === 'object' && value !== null),
};

const debugSchema = {
  poison: customOption<number | false>(
    'a byte (an integer between 0 and 255) or false',
    (value) => value === false || (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255),
    { default: 0xde },
  ),
  dropRate: numberOption({ min: 0, max: 1, default: 0 }),
};

/** Resolved options of a {@link BufferPool}. */
export interface ResolvedBufferPoolOptions {
  readonly minSize: number;
  readonly maxSize: number;
  readonly classesPerDoubling: ClassesPerDoubling;
  readonly maxPerClass: number;
  readonly maxIdleBytes: number;
  readonly zeroing: BufferZeroing;
  readonly eviction: 'gc' | 'none';
  readonly calibrate: boolean;
  readonly calibrationCalls: number;
  readonly calibrationPercentile: number;
  readonly minUtilisation: number;
  readonly maxStrikes: number;
  readonly debug: { readonly poison: number | false; readonly dropRate: number } | undefined;
}

/** Validates BufferPool options (house style, typed errors). */
export function resolveBufferPoolOptions(input: unknown): ResolvedBufferPoolOptions {
  const options = resolveOptions('BufferPool', input, schema);
  requireRelation(
    options.maxSize >= options.minSize,
    'maxSize',
    `a power of two >= minSize (${options.minSize})`,
    options.maxSize,
  );
  const debug =
    options.debug === undefined ? undefined : resolveOptions('BufferPool debug', options.debug, debugSchema);
  return Object.freeze({ ...options, debug });
}
