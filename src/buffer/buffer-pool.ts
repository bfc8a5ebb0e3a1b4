/**
 * `BufferPool`: size-classed pooling of byte buffers (vitess bucketpool's classes, Go's
 * victim-cache eviction, bytebufferpool's calibration), with branded ownership so that a bad
 * release is caught instead of corrupting someone else's data.
 *
 * @module
 */
import type { Buffer } from 'node:buffer';
import { DoubleReleaseError, ForeignReleaseError, InvalidOptionError } from '../internal/errors.js';
import { type GcEpochSubscriber, gcEpochSource } from '../internal/gc-epoch.js';
import { expectedMessage } from '../internal/options.js';
import { Calibrator } from './calibrator.js';
import {
  type BufferDropReason,
  type BufferPoolOptions,
  type ResolvedBufferPoolOptions,
  resolveBufferPoolOptions,
} from './options.js';
import {
  allocateSlot,
  type BrandedView,
  type ClassState,
  emptyDrops,
  kSlot,
  rejection,
  type Slot,
} from './ownership.js';
import { SizeClasses } from './size-classes.js';
import { type BufferPoolStats, statsOf } from './stats.js';

/**
 * A pool of byte buffers in size classes.
 *
 * @example
 * ```ts
 * const pool = new BufferPool({ maxSize: 64 * 1024 });
 * const buf = pool.acquire(1500);   // a Buffer of exactly 1500 bytes
 * socket.write(buf, () => pool.release(buf));
 * ```
 */
export class BufferPool {
  readonly #options: ResolvedBufferPoolOptions;
  readonly #classes: SizeClasses;
  readonly #states: ClassState[];
  readonly #maxSize: number;
  readonly #maxPerClass: number;
  readonly #maxIdleBytes: number;
  readonly #strikeBelow: number; // 1 / minUtilisation, or 0 when strikes are off
  readonly #debug: boolean;
  readonly #slowAcquire: boolean;
  readonly #slowRelease: boolean;
  readonly #calibrator: Calibrator | undefined;
  readonly #owner = {}; // the identity in every slot brand
  readonly #epochHook: GcEpochSubscriber | undefined;
  #idleBytes = 0;
  #lentBytes = 0;
  #lentCount = 0;
  #lentBytesHighWater = 0;
  #lentCountHighWater = 0;
  #oversizeAllocations = 0;
  #epochs = 0;
  readonly #rejected = emptyDrops(); // releases refused or dropped outside any class

  /** @throws InvalidOptionError, UnknownOptionError for a bad option. */
  constructor(options: BufferPoolOptions = {}) {
    const resolved = resolveBufferPoolOptions(options);
    this.#options = resolved;
    this.#classes = new SizeClasses(resolved.minSize, resolved.maxSize, resolved.classesPerDoubling);
    this.#states = this.#classes.sizes.map((size, index) => ({
      index,
      size,
      stack: [],
      count: 0,
      victimMark: 0,
      hits: 0,
      misses: 0,
      drops: emptyDrops(),
    }));
    this.#maxSize = resolved.maxSize;
    this.#maxPerClass = resolved.maxPerClass;
    this.#maxIdleBytes = resolved.maxIdleBytes;
    this.#strikeBelow = resolved.minUtilisation > 0 ? 1 / resolved.minUtilisation : 0;
    this.#debug = resolved.debug !== undefined;
    this.#slowAcquire = this.#debug || resolved.zeroing === 'acquire';
    this.#slowRelease = this.#debug || resolved.zeroing === 'release' || resolved.calibrate;
    if (resolved.calibrate) {
      this.#calibrator = new Calibrator(this.#classes, resolved.calibrationCalls, resolved.calibrationPercentile);
    }
    if (resolved.eviction === 'gc') {
      this.#epochHook = { onGcEpoch: () => this.#onEpoch() };
      gcEpochSource.subscribe(this.#epochHook);
    }
  }

  /** The size classes, ascending, in bytes. */
  get classSizes(): readonly number[] {
    return this.#classes.sizes;
  }

  /** Size to start a growable buffer at: the calibrated default size, else `minSize`. */
  get defaultSize(): number {
    return this.#calibrator?.defaultSize || this.#options.minSize;
  }

  /** The size of the buffer a raw acquire of `size` bytes returns (`size` itself above `maxSize`). */
  classSizeOf(size: number): number {
    checkSize(size);
    return size > this.#maxSize ? size : (this.#classes.sizes[this.#classes.indexOf(size)] as number);
  }

  /**
   * The raw path: lends a whole class-sized buffer (`length >= size`) with no allocation when
   * one is idle. Above `maxSize` the buffer is allocated exactly and never kept.
   */
  acquireRaw(size: number): Buffer {
    // Hot path (measured: keep it short and monomorphic).
    if (size >>> 0 !== size || size > this.#maxSize) return this.#acquireUnusual(size);
    const cls = this.#states[this.#classes.indexOf(size)] as ClassState;
    const count = cls.count;
    if (count === 0 || this.#slowAcquire) return this.#acquireSlow(cls);
    const top = count - 1;
    const slot = cls.stack[top] as Slot;
    cls.stack[top] = undefined;
    cls.count = top;
    if (top < cls.victimMark) cls.victimMark = top;
    cls.hits++;
    slot.lent = true;
    this.#idleBytes -= slot.size;
    this.#noteLent(slot.size);
    return slot.buffer;
  }

  /** Lends a buffer of exactly `size` bytes (a view on a class-sized buffer). */
  acquire(size: number): Buffer {
    const whole = this.acquireRaw(size);
    if (whole.length === size) return whole;
    const view = whole.subarray(0, size);
    const slot = (whole as BrandedView)[kSlot] as Slot;
    (view as BrandedView)[kSlot] = slot;
    if (this.#debug) slot.view = view;
    return view;
  }

  /**
   * Gives a buffer back. `usedBytes` (default: the buffer's length) is how much of it was used,
   * for utilisation strikes and calibration. A foreign, slab-backed, wrong-class or already
   * released buffer is dropped and counted, or with `debug` set, rejected with a typed error.
   * `null` and `undefined` are ignored.
   * @throws ForeignReleaseError, DoubleReleaseError (debug mode only).
   */
  release(buffer: Uint8Array | null | undefined, usedBytes?: number): void {
    // Hot path (measured): the brand check, then the keep-or-drop decision.
    if (buffer === null || buffer === undefined) return;
    const slot = (buffer as BrandedView)[kSlot];
    if (
      slot === undefined ||
      slot.owner !== this.#owner ||
      !slot.lent ||
      slot.buffer.length !== slot.size ||
      this.#debug
    ) {
      if (!this.#acceptRelease(buffer)) return;
    }
    // `length`, not `byteLength`: equal for bytes, and the byteLength getter costs ~30 ns on Node 20.
    const used = usedBytes === undefined ? buffer.length : usedBytes;
    if (used >>> 0 !== used) checkUsed(used);
    const s = slot as Slot;
    s.lent = false;
    this.#lentBytes -= s.size;
    this.#lentCount--;
    const cls = s.cls;
    if (cls === undefined) {
      this.#rejected.oversize++;
      return;
    }
    if (this.#strikeBelow > 0 && cls.index > 0) {
      if (used * this.#strikeBelow < s.size) {
        if (++s.strikes >= this.#options.maxStrikes) {
          cls.drops.strikes++;
          return;
        }
      } else s.strikes = 0;
    }
    if (this.#slowRelease && !this.#prepareRelease(s, cls, used)) return;
    if (cls.count >= this.#maxPerClass) {
      cls.drops.full++;
      return;
    }
    if (this.#idleBytes + s.size > this.#maxIdleBytes) {
      cls.drops.budget++;
      return;
    }
    cls.stack[cls.count++] = s;
    this.#idleBytes += s.size;
  }

  /**
   * Allocates idle buffers for requests of `size` bytes until `count` are idle in that class
   * (within `maxPerClass` and the byte budget).
   * @returns how many buffers were allocated.
   */
  prewarm(size: number, count: number): number {
    checkSize(size);
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new InvalidOptionError(expectedMessage('count', 'an integer >= 0', count), {
        option: 'count',
        value: count,
      });
    }
    if (size > this.#maxSize) return 0;
    const cls = this.#states[this.#classes.indexOf(size)] as ClassState;
    let made = 0;
    const zeroed = this.#options.zeroing !== 'none';
    while (cls.count < Math.min(count, this.#maxPerClass) && this.#idleBytes + cls.size <= this.#maxIdleBytes) {
      cls.stack[cls.count++] = allocateSlot(this.#owner, cls, cls.size, zeroed);
      this.#idleBytes += cls.size;
      made++;
    }
    return made;
  }

  /**
   * Drops idle buffers, largest classes first and oldest first within a class, until at most
   * `keepBytes` are idle.
   * @returns how many bytes were dropped.
   */
  trim(keepBytes = 0): number {
    if (!Number.isSafeInteger(keepBytes) || keepBytes < 0) {
      throw new InvalidOptionError(expectedMessage('keepBytes', 'an integer >= 0', keepBytes), {
        option: 'keepBytes',
        value: keepBytes,
      });
    }
    const before = this.#idleBytes;
    for (let i = this.#states.length - 1; i >= 0 && this.#idleBytes > keepBytes; i--) {
      const cls = this.#states[i] as ClassState;
      const excess = Math.ceil((this.#idleBytes - keepBytes) / cls.size);
      this.#dropOldest(cls, Math.min(excess, cls.count), 'trim');
    }
    return before - this.#idleBytes;
  }

  /** Drops every idle buffer. Lent buffers stay valid and may be released later. */
  clear(): void {
    for (const cls of this.#states) this.#dropOldest(cls, cls.count, 'clear');
  }

  /** A snapshot of the counters. */
  stats(): BufferPoolStats {
    return statsOf({
      states: this.#states,
      idleBytes: this.#idleBytes,
      lentBytes: this.#lentBytes,
      lentCount: this.#lentCount,
      lentBytesHighWater: this.#lentBytesHighWater,
      lentCountHighWater: this.#lentCountHighWater,
      oversizeAllocations: this.#oversizeAllocations,
      rejected: this.#rejected,
      epochs: this.#epochs,
      calibration: this.#calibrator?.snapshot(),
    });
  }

  #noteLent(bytes: number): void {
    this.#lentBytes += bytes;
    const lentBytes = this.#lentBytes;
    const lentCount = ++this.#lentCount;
    if (lentBytes > this.#lentBytesHighWater) this.#lentBytesHighWater = lentBytes;
    if (lentCount > this.#lentCountHighWater) this.#lentCountHighWater = lentCount;
  }

  #acquireUnusual(size: number): Buffer {
    checkSize(size);
    const slot = allocateSlot(this.#owner, undefined, size, this.#options.zeroing === 'acquire');
    slot.lent = true;
    this.#oversizeAllocations++;
    this.#noteLent(size);
    return slot.buffer;
  }

  #acquireSlow(cls: ClassState): Buffer {
    let slot: Slot;
    const count = cls.count;
    if (count > 0) {
      const top = count - 1;
      slot = cls.stack[top] as Slot;
      cls.stack[top] = undefined;
      cls.count = top;
      if (top < cls.victimMark) cls.victimMark = top;
      cls.hits++;
      this.#idleBytes -= slot.size;
      if (this.#options.zeroing === 'acquire') slot.buffer.fill(0);
    } else {
      slot = allocateSlot(this.#owner, cls, cls.size, this.#options.zeroing === 'acquire');
      cls.misses++;
    }
    slot.lent = true;
    slot.view = undefined;
    this.#noteLent(slot.size);
    return slot.buffer;
  }

  /** True when the release is good; a bad one throws in debug mode, else is counted (false). */
  #acceptRelease(buffer: Uint8Array): boolean {
    const reason = rejection(buffer, this.#owner, this.#debug);
    if (reason === undefined) return true;
    if (this.#debug) {
      if (reason === 'double') {
        throw new DoubleReleaseError('The buffer was already released to this BufferPool', { reason });
      }
      throw new ForeignReleaseError(`The buffer was not lent by this BufferPool (${reason})`, { reason });
    }
    this.#rejected[reason]++;
    return false;
  }

  /** Calibration, zeroing and debug steps of a release; false when the buffer was dropped. */
  #prepareRelease(slot: Slot, cls: ClassState, usedBytes: number): boolean {
    const calibrator = this.#calibrator;
    if (calibrator !== undefined) {
      calibrator.observe(usedBytes);
      if (calibrator.maxSize > 0 && slot.size > calibrator.maxSize) {
        cls.drops.oversize++;
        return false;
      }
    }
    const debug = this.#options.debug;
    if (debug !== undefined) {
      slot.view = undefined;
      if (debug.dropRate > 0 && Math.random() < debug.dropRate) {
        cls.drops.debug++;
        return false;
      }
      if (debug.poison !== false) slot.buffer.fill(debug.poison);
    }
    if (this.#options.zeroing === 'release') slot.buffer.fill(0);
    return true;
  }

  #dropOldest(cls: ClassState, count: number, reason: BufferDropReason): void {
    if (count <= 0) return;
    const stack = cls.stack;
    const total = cls.count;
    for (let i = 0; i < count; i++) (stack[i] as Slot).view = undefined;
    stack.copyWithin(0, count, total);
    stack.fill(undefined, total - count, total);
    cls.count = total - count;
    cls.victimMark = Math.max(0, cls.victimMark - count);
    cls.drops[reason] += count;
    this.#idleBytes -= count * cls.size;
  }

  #onEpoch(): void {
    this.#epochs++;
    for (const cls of this.#states) {
      this.#dropOldest(cls, Math.min(cls.victimMark, cls.count), 'evicted');
      cls.victimMark = cls.count;
    }
  }
}

function checkSize(size: number): void {
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new InvalidOptionError(expectedMessage('size', 'an integer >= 0', size), { option: 'size', value: size });
  }
}

function checkUsed(usedBytes: number): void {
  throw new InvalidOptionError(expectedMessage('usedBytes', 'an integer >= 0', usedBytes), {
    option: 'usedBytes',
    value: usedBytes,
  });
}
