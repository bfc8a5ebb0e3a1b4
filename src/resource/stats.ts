/**
 * The counters behind `pool.stats()`; the snapshot is a fresh plain object each call.
 *
 * @module
 */
import { DESTROY_REASONS, type DestroyReason, type PoolState, type PoolStats } from './types.js';

/** Mutable counters kept by the engine. */
export class Counters {
  acquired = 0;
  acquiredAfterWait = 0;
  timeouts = 0;
  aborts = 0;
  rejected = 0;
  created = 0;
  createFailures = 0;
  destroyed = 0;
  validationFailures = 0;
  detached = 0;
  released = 0;
  waitTimeMs = 0;
  readonly destroyedByReason: Record<DestroyReason, number> = emptyReasons();
}

/** A record with every destroy reason at zero. */
export function emptyReasons(): Record<DestroyReason, number> {
  const record = {} as Record<DestroyReason, number>;
  for (const reason of DESTROY_REASONS) record[reason] = 0;
  return record;
}

/** The gauges the engine passes to {@link snapshot}. */
export interface Gauges {
  readonly name: string;
  readonly state: PoolState;
  readonly idle: number;
  readonly borrowed: number;
  readonly creating: number;
  readonly destroying: number;
  readonly waiting: number;
  readonly min: number;
  readonly max: number;
  readonly generation: number;
}

/** Builds the plain snapshot object. */
export function snapshot(gauges: Gauges, counters: Counters): PoolStats {
  return {
    name: gauges.name,
    state: gauges.state,
    size: gauges.idle + gauges.borrowed + gauges.creating + gauges.destroying,
    idle: gauges.idle,
    borrowed: gauges.borrowed,
    creating: gauges.creating,
    destroying: gauges.destroying,
    waiting: gauges.waiting,
    min: gauges.min,
    max: gauges.max,
    acquired: counters.acquired,
    acquiredAfterWait: counters.acquiredAfterWait,
    timeouts: counters.timeouts,
    aborts: counters.aborts,
    rejected: counters.rejected,
    created: counters.created,
    createFailures: counters.createFailures,
    destroyed: counters.destroyed,
    destroyedByReason: { ...counters.destroyedByReason },
    validationFailures: counters.validationFailures,
    detached: counters.detached,
    released: counters.released,
    waitTimeMs: counters.waitTimeMs,
    generation: gauges.generation,
  };
}

/** Adds `b` into `a` field by field (keyed pool totals). */
export function sumStats(parts: readonly PoolStats[], base: Gauges): PoolStats {
  const counters = new Counters();
  let idle = 0;
  let borrowed = 0;
  let creating = 0;
  let destroying = 0;
  let waiting = 0;
  for (const part of parts) {
    idle += part.idle;
    borrowed += part.borrowed;
    creating += part.creating;
    destroying += part.destroying;
    waiting += part.waiting;
    counters.acquired += part.acquired;
    counters.acquiredAfterWait += part.acquiredAfterWait;
    counters.timeouts += part.timeouts;
    counters.aborts += part.aborts;
    counters.rejected += part.rejected;
    counters.created += part.created;
    counters.createFailures += part.createFailures;
    counters.destroyed += part.destroyed;
    counters.validationFailures += part.validationFailures;
    counters.detached += part.detached;
    counters.released += part.released;
    counters.waitTimeMs += part.waitTimeMs;
    for (const reason of DESTROY_REASONS) counters.destroyedByReason[reason] += part.destroyedByReason[reason];
  }
  return snapshot({ ...base, idle, borrowed, creating, destroying, waiting: waiting + base.waiting }, counters);
}
