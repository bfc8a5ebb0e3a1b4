/**
 * Opt-in leak detection (`leakDetectionMs`): a deadline per lease, armed only when the option
 * is set. When it passes, the pool reports a `LeakDetectedError` whose stack is the caller's
 * acquire stack (to the `leakDetected` listeners, or `process.emitWarning` when there are none),
 * once; the late return is reported too (`leakReturned`).
 *
 * @module
 */
import type { Clock } from '../internal/clock.js';
import type { DeadlineHeap } from '../internal/deadline-heap.js';
import { LeakDetectedError } from '../internal/errors.js';
import type { PoolEventHub } from './event-hub.js';
import { type Expirable, Timed } from './factory-call.js';
import { BORROWED, type Slot } from './slot.js';

/** What leak detection needs from its pool. */
export interface LeakContext<T> {
  readonly name: string;
  readonly leakDetectionMs: number;
  readonly clock: Clock;
  readonly heap: DeadlineHeap<Expirable>;
  readonly events: PoolEventHub<T>;
}

/** Arms the leak deadline of a freshly lent slot. `stack` is the acquire call site when known. */
export function watchLeak<T>(context: LeakContext<T>, slot: Slot<T>, now: number, stack: Error | undefined): void {
  const stackHolder = stack ?? new Error('Lease acquired here');
  slot.acquireStack = stackHolder;
  slot.leakReported = false;
  const timer = new Timed(() => {
    slot.leakEntry = undefined;
    if (slot.state !== BORROWED) return;
    slot.leakReported = true;
    const heldMs = context.clock.now() - slot.lentAt;
    const error = new LeakDetectedError(
      `A lease of pool "${context.name}" has been held for ${Math.round(heldMs)} ms (leakDetectionMs ${context.leakDetectionMs})`,
      { heldMs },
    );
    error.stack = `${error.name}: ${error.message}\n${(stackHolder.stack ?? '').split('\n').slice(1).join('\n')}`;
    if (context.events.wants('leakDetected')) {
      context.events.emit('leakDetected', { pool: context.name, error, heldMs });
    } else {
      process.emitWarning(error);
    }
  });
  slot.leakEntry = context.heap.add(now + context.leakDetectionMs, timer);
}

/** Reports the return of a lease that leak detection had reported. */
export function reportLateReturn<T>(context: LeakContext<T>, slot: Slot<T>, now: number): void {
  slot.leakReported = false;
  if (context.events.wants('leakReturned')) {
    context.events.emit('leakReturned', { pool: context.name, resource: slot.value, heldMs: now - slot.lentAt });
  }
}
