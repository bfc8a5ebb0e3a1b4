/**
 * Transfer lists: `run(name, input, { transfer: [...] })` on the caller's side, `transfer(value,
 * list)` as a handler's return value on the worker's side, and `'auto'` to transfer every
 * top-level `ArrayBuffer` found in a value (the value itself, a typed array's buffer, or a direct
 * property or array element). The wrapper is recognised through a registered symbol so that it
 * works when the worker module and the runtime load this file through different URLs.
 *
 * @module
 */

import type { TransferListItem } from 'node:worker_threads';

const MARK: unique symbol = Symbol.for('poolkit.threads.transfer') as never;

/** Anything `postMessage` can move instead of copying. */
export type TransferItem = TransferListItem;

/** A handler result that carries its own transfer list. Create it with {@link transfer}. */
export interface Transferred<T> {
  /** The value sent back. */
  readonly value: T;
  /** What to move with it. */
  readonly transferList: readonly TransferItem[];
  /** Brand. */
  readonly [MARK]: true;
}

/**
 * Marks a handler's result for transfer instead of copy: `return transfer(bytes, [bytes.buffer])`.
 * The caller receives `value`; the listed buffers are detached in the worker.
 *
 * @param value - the result.
 * @param transferList - the buffers (or ports) to move; `'auto'` finds top-level `ArrayBuffer`s.
 */
export function transfer<T>(value: T, transferList: readonly TransferItem[] | 'auto' = 'auto'): Transferred<T> {
  const list = transferList === 'auto' ? findTransferables(value) : transferList;
  return { value, transferList: list, [MARK]: true };
}

/** True when `value` was made by {@link transfer}. */
export function isTransferred(value: unknown): value is Transferred<unknown> {
  return typeof value === 'object' && value !== null && (value as { [MARK]?: unknown })[MARK] === true;
}

function bufferOf(value: unknown): ArrayBuffer | undefined {
  if (value instanceof ArrayBuffer) return value;
  if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) return value.buffer;
  return undefined;
}

/**
 * The distinct non-shared `ArrayBuffer`s at the top level of `value`: the value itself, the
 * buffer of a typed array or `DataView`, and those of its direct properties or elements. Deeper
 * buffers are left to be copied (walking a whole graph per task would cost more than it saves).
 * A Node `Buffer` from the shared slab (under 4 KiB) is skipped: moving its slab would detach
 * unrelated buffers.
 */
export function findTransferables(value: unknown): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const add = (item: unknown): void => {
    const buffer = bufferOf(item);
    if (buffer === undefined || buffer.byteLength === 0) return;
    if (ArrayBuffer.isView(item) && item.byteLength !== buffer.byteLength) return; // a slice: the rest is not ours
    found.add(buffer);
  };
  add(value);
  if (found.size === 0 && typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
    const items = Array.isArray(value) ? value : Object.values(value);
    for (const item of items) add(item);
  }
  return [...found];
}
