/**
 * The public contract of the resource pool family: factories, leases, pools, keyed pools, their
 * options, stats and events. The network and database adapters code against these types.
 *
 * @module
 */
import type { Clock } from '../internal/clock.js';
import type { EventSource } from '../internal/events.js';

/** What every factory call receives. */
export interface FactoryContext {
  /** Aborted when the call runs past its timeout (create, validate, destroy) or the pool is destroyed. */
  readonly signal: AbortSignal;
}

/** Why a resource was destroyed; reported in `resourceDestroyed` events and `stats().destroyedByReason`. */
export type DestroyReason =
  | 'idle-timeout'
  | 'max-lifetime'
  | 'max-uses'
  | 'validation-failed'
  | 'broken'
  | 'died'
  | 'cleared'
  | 'closing'
  | 'trimmed'
  | 'reset-failed'
  | 'evicted'
  | 'destroyed-by-holder'
  | 'create-aborted';

/** Every {@link DestroyReason}, in a stable order (the keys of `destroyedByReason`). */
export const DESTROY_REASONS: readonly DestroyReason[] = Object.freeze([
  'idle-timeout',
  'max-lifetime',
  'max-uses',
  'validation-failed',
  'broken',
  'died',
  'cleared',
  'closing',
  'trimmed',
  'reset-failed',
  'evicted',
  'destroyed-by-holder',
  'create-aborted',
] as const);

/** What `destroy` receives: the factory context plus the reason. */
export interface DestroyContext extends FactoryContext {
  /** Why the pool destroys the resource. */
  readonly reason: DestroyReason;
}

/** How the pool makes, checks and disposes of resources. Only `create` is required. */
export interface Factory<T> {
  /** Makes a resource. Should honour `context.signal` (aborted on `createTimeoutMs` or pool destroy). */
  create(context: FactoryContext): Promise<T> | T;
  /** Disposes of a resource. Bounded by `destroyTimeoutMs`; a throw is reported as an event, never rethrown. */
  destroy?(resource: T, context: DestroyContext): Promise<void> | void;
  /** Borrow-time check, only for resources idle longer than `validateAfterIdleMs`; false or throw => destroy and try another. */
  validate?(resource: T, context: FactoryContext): Promise<boolean> | boolean;
  /** Called on release (before the resource goes idle or to the next waiter); false or throw => destroy. */
  // biome-ignore lint/suspicious/noConfusingVoidType: an async reset that returns nothing means "keep it"
  reset?(resource: T, context: FactoryContext): Promise<boolean | void> | boolean | void;
  /** Decides after `release({ error })` whether the resource is broken (default: any error => not broken, keep it). */
  isBroken?(resource: T, error: unknown): boolean;
  /**
   * Called once after create: attach listeners and call `dead(error?)` when the resource dies on its
   * own (socket closed, backend terminated). Idle => destroyed at once (reason `died`, no unhandled
   * error); leased => destroyed on release. Return a function that detaches the listeners (called
   * before destroy).
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a watcher may return nothing
  watch?(resource: T, dead: (error?: unknown) => void): (() => void) | void;
  /** Optional periodic check of IDLE resources (every `keepAliveIntervalMs`); false or throw => destroy. */
  keepAlive?(resource: T, context: FactoryContext): Promise<boolean> | boolean;
}

/** Options of `lease.release()`. */
export interface ReleaseOptions {
  /** The error the holder ran into; `factory.isBroken(resource, error)` decides whether to destroy. */
  readonly error?: unknown;
}

/** A borrowed resource. Return it exactly once: `release()`, `destroy()`, `detach()` or `await using`. */
export interface Lease<T> extends AsyncDisposable {
  /** The resource. */
  readonly value: T;
  /** Returns the resource. A second (or late, or foreign) call throws `DoubleReleaseError`; the pool is never corrupted. */
  release(options?: ReleaseOptions): void;
  /** Destroys the resource instead of returning it (reason `destroyed-by-holder`). */
  destroy(): Promise<void>;
  /** Takes the resource out of the pool for good: its slot is freed and the pool forgets it. */
  detach(): T;
}

/** Options of `pool.acquire()`. */
export interface AcquireOptions {
  /** Aborting rejects the acquire with `signal.reason` (never aborts a create). */
  readonly signal?: AbortSignal;
  /** Overrides `acquireTimeoutMs` for this call, in milliseconds (`Infinity` = wait forever). */
  readonly timeoutMs?: number;
  /** Priority lane: higher is served first; FIFO within a lane. Integer. @default 0 */
  readonly priority?: number;
}

/** Exponential backoff between failed creates. */
export interface CreateBackoffOptions {
  /** First delay after a failure, in milliseconds. @default 10 */
  readonly initialMs?: number;
  /** Largest delay, in milliseconds. @default 5000 */
  readonly maxMs?: number;
}

/** Options of {@link createPool}. Validated, unknown keys rejected, resolved object frozen. */
export interface PoolOptions {
  /** Resources the pool never shrinks below (destroyed ones are re-created). @default 0 */
  readonly min?: number;
  /** Most resources alive at once (idle + borrowed + creating). @default 10 */
  readonly max?: number;
  /** Idle resources kept ready (created ahead of demand). @default `min` */
  readonly minIdle?: number;
  /** Most idle resources kept; extra ones returned are destroyed (`trimmed`). @default `max` */
  readonly maxIdle?: number;
  /** How long an acquire may wait, in milliseconds (`Infinity` = forever). @default 30000 */
  readonly acquireTimeoutMs?: number;
  /** How long `create` may run before its signal is aborted, in milliseconds. @default 10000 */
  readonly createTimeoutMs?: number;
  /** How long `destroy` may run before the pool stops waiting, in milliseconds. @default 5000 */
  readonly destroyTimeoutMs?: number;
  /** How long `validate`, `reset` and `keepAlive` may run, in milliseconds. @default 5000 */
  readonly validateTimeoutMs?: number;
  /** Idle resources older than this (idle time) are destroyed, down to `min`, in milliseconds. @default 30000 */
  readonly idleTimeoutMs?: number;
  /** Validate on borrow only resources idle longer than this, in milliseconds. @default 500 */
  readonly validateAfterIdleMs?: number;
  /** Resources older than this are destroyed when idle or on return, in milliseconds. @default Infinity */
  readonly maxLifetimeMs?: number;
  /** Random extra lifetime in [0, jitter) per resource, so they do not all expire together, in milliseconds. @default 0 */
  readonly maxLifetimeJitterMs?: number;
  /** Borrows after which a resource is destroyed on return. @default Infinity */
  readonly maxUses?: number;
  /** Period of `factory.keepAlive` checks on idle resources, in milliseconds. @default Infinity (off) */
  readonly keepAliveIntervalMs?: number;
  /** Most `create` calls in flight at once. @default 2 */
  readonly maxConcurrentCreates?: number;
  /** Most acquires waiting; further ones reject with `QueueFullError`. @default Infinity */
  readonly maxWaiting?: number;
  /** Which idle resource is lent first: `lifo` (most recent, lets the pool shrink) or `fifo`. @default 'lifo' */
  readonly idleOrder?: 'lifo' | 'fifo';
  /** Backoff between failed creates. @default `{ initialMs: 10, maxMs: 5000 }` */
  readonly createBackoff?: CreateBackoffOptions;
  /** While creates fail, reject waiting acquires at once with the create error (one probe at a time). @default false */
  readonly failFast?: boolean;
  /** Report a `LeakDetectedError` when a lease is held longer than this, in milliseconds. @default Infinity (off) */
  readonly leakDetectionMs?: number;
  /** Time source. @default systemClock */
  readonly clock?: Clock;
  /** A name for events and error messages. @default 'pool' */
  readonly name?: string;
}

/** Options of {@link createKeyedPool}: per-key limits, global limits, and the pool options of each sub-pool. */
export interface KeyedPoolOptions extends Omit<PoolOptions, 'max' | 'maxIdle'> {
  /** Most resources per key. @default 10 */
  readonly maxPerKey?: number;
  /** Most idle resources per key. @default `maxPerKey` */
  readonly maxIdlePerKey?: number;
  /** Most resources across all keys. @default Infinity */
  readonly max?: number;
  /** Most idle resources across all keys; the least recently used idle one is evicted. @default Infinity */
  readonly maxIdle?: number;
}

/** A snapshot of a pool: gauges and counters. A plain object; later calls return new objects. */
export interface PoolStats {
  /** Pool name. */
  readonly name: string;
  /** `open`, `paused`, `closing` or `closed`. */
  readonly state: PoolState;
  /** Resources tracked: idle + borrowed + creating + destroying (validating ones count as borrowed). */
  readonly size: number;
  /** Idle resources. */
  readonly idle: number;
  /** Resources lent out (or being validated for a borrower). */
  readonly borrowed: number;
  /** Creates in flight. */
  readonly creating: number;
  /** Destroys in flight. */
  readonly destroying: number;
  /** Acquires waiting. */
  readonly waiting: number;
  /** Configured minimum. */
  readonly min: number;
  /** Configured maximum. */
  readonly max: number;
  /** Acquires that succeeded. */
  readonly acquired: number;
  /** Acquires that succeeded after waiting in line. */
  readonly acquiredAfterWait: number;
  /** Acquires that timed out. */
  readonly timeouts: number;
  /** Acquires aborted through their signal. */
  readonly aborts: number;
  /** Acquires rejected otherwise (closed, queue full, fail-fast). */
  readonly rejected: number;
  /** Resources created. */
  readonly created: number;
  /** Create calls that failed or timed out. */
  readonly createFailures: number;
  /** Resources destroyed (destroy settled or timed out). */
  readonly destroyed: number;
  /** Destroyed resources by reason. */
  readonly destroyedByReason: Readonly<Record<DestroyReason, number>>;
  /** Validations that failed. */
  readonly validationFailures: number;
  /** Resources detached by their holders. */
  readonly detached: number;
  /** Releases. */
  readonly released: number;
  /** Total time acquires spent waiting, in milliseconds. */
  readonly waitTimeMs: number;
  /** Generation number (incremented by `clear()`). */
  readonly generation: number;
}

/** Lifecycle state of a pool. */
export type PoolState = 'open' | 'paused' | 'closing' | 'closed';

/** Stats of a keyed pool: global totals plus one entry per live key. */
export interface KeyedPoolStats<K> {
  /** Global totals (summed over keys; `max` is the global cap). */
  readonly total: PoolStats;
  /** Stats of each live sub-pool. */
  readonly perKey: ReadonlyMap<K, PoolStats>;
  /** Number of live sub-pools. */
  readonly keys: number;
  /** Acquires waiting for the global cap (not yet in a sub-pool queue). */
  readonly waitingForGlobal: number;
}

/** Event payloads of a resource pool (names modelled on MongoDB's connection-pool monitoring spec). */
export type PoolEvents<T> = {
  /** A create started. */
  readonly resourceCreateStarted: {
    /** Name of the pool (`options.name`). */
    readonly pool: string;
  };
  /** A resource was created. */
  readonly resourceCreated: {
    /** Name of the pool (`options.name`). */
    readonly pool: string;
    /** The new resource. */
    readonly resource: T;
    /** Milliseconds the `create` call took. */
    readonly durationMs: number;
  };
  /** A create failed or timed out. */
  readonly resourceCreateFailed: {
    /** Name of the pool (`options.name`). */
    readonly pool: string;
    /** What `create` threw or rejected with (a `CreateTimeoutError` on timeout). */
    readonly error: unknown;
    /** Milliseconds the pool waits before the next create (exponential backoff with jitter). */
    readonly backoffMs: number;
  };
  /** A resource was destroyed (its destroy settled, failed or timed out). */
  readonly resourceDestroyed: {
    /** Name of the pool (`options.name`). */
    readonly pool: string;
    /** The destroyed resource. */
    readonly resource: T;
    /** Why the pool destroyed it. */
    readonly reason: DestroyReason;
    /** What `factory.destroy` threw or rejected with (a `DestroyTimeoutError` on timeout); absent on success. */
    readonly error?: unknown;
  };
  /** An acquire started. */
  readonly acquireStarted: {
    /** Name of the pool (`options.name`). */
    readonly pool: string;
  };
  /** An acquire got a lease. */
  readonly acquireSucceeded: {
    /** Name of the pool (`options.name`). */
    readonly pool: string;
    /** The lent resource. */
    readonly resource: T;
    /** Milliseconds from the acquire call to the grant (0 when served at once without reading the clock). */
    readonly waitedMs: number;
  };
  /** An acquire failed (timeout, abort, closed, queue full). */
  readonly acquireFailed: {
    /** Name of the pool (`options.name`). */
    readonly pool: string;
    /** Why it failed (e.g. `AcquireTimeoutError`, `QueueFullError`, `ClosedError`, the abort reason). */
    readonly error: unknown;
    /** Milliseconds the acquire waited before failing (0 when refused before queueing). */
    readonly waitedMs: number;
  };
  /** A lease was released with `release()` (a holder that destroys or detaches its lease emits `resourceDestroyed` or nothing). */
  readonly released: {
    /** Name of the pool (`options.name`). */
    readonly pool: string;
    /** The returned resource. */
    readonly resource: T;
    /** Milliseconds the lease was held (NaN if it was lent on the clock-free fast path, before any `released` listener existed). */
    readonly heldMs: number;
  };
  /** A lease was held past `leakDetectionMs`; `error.stack` is the acquire stack. */
  readonly leakDetected: {
    /** Name of the pool (`options.name`). */
    readonly pool: string;
    /** A `LeakDetectedError` whose stack is the call site of the acquire. */
    readonly error: Error;
    /** Milliseconds the lease had been held when the leak was reported. */
    readonly heldMs: number;
  };
  /** A lease reported by leak detection was returned at last. */
  readonly leakReturned: {
    /** Name of the pool (`options.name`). */
    readonly pool: string;
    /** The returned resource. */
    readonly resource: T;
    /** Milliseconds the lease was held in total, until its return. */
    readonly heldMs: number;
  };
  /** `clear()` started a new generation. */
  readonly poolCleared: {
    /** Name of the pool (`options.name`). */
    readonly pool: string;
    /** The new generation number (resources of older generations are destroyed). */
    readonly generation: number;
  };
  /** The pool is closed (every destroy settled). */
  readonly poolClosed: {
    /** Name of the pool (`options.name`). */
    readonly pool: string;
  };
};

/** A pool of resources (connections, sessions, handles). */
export interface Pool<T> extends EventSource<PoolEvents<T>>, AsyncDisposable {
  /** Borrows a resource, waiting up to `timeoutMs` (default `acquireTimeoutMs`). */
  acquire(options?: AcquireOptions): Promise<Lease<T>>;
  /** An idle resource right now (no validation wait), or `undefined`. Never waits, never creates. */
  tryAcquire(): Lease<T> | undefined;
  /** Acquires, runs `fn`, then releases (or `release({ error })` when `fn` throws) and returns its result. */
  use<R>(fn: (value: T, lease: Lease<T>) => Promise<R> | R, options?: AcquireOptions): Promise<R>;
  /** Resolves when at least `minIdle` resources exist (idle or borrowed). */
  ready(): Promise<void>;
  /** Changes `min` and/or `max` at run time; extra idle resources are trimmed. */
  resize(limits: { readonly min?: number; readonly max?: number }): void;
  /** Starts a new generation: idle resources destroyed now, borrowed ones on return. Resolves when the idle ones are gone. */
  clear(): Promise<void>;
  /** Stops creating and lending (acquires wait). */
  pause(): void;
  /** Undoes `pause()`. */
  resume(): void;
  /** Graceful close: refuses new acquires, rejects waiters, waits for leases up to `timeoutMs`, then force-destroys. Idempotent. */
  close(options?: { readonly timeoutMs?: number }): Promise<void>;
  /** Immediate close: aborts everything, destroys every resource including borrowed ones. Idempotent. */
  destroy(): Promise<void>;
  /** A snapshot of gauges and counters. */
  stats(): PoolStats;
}

/** A pool of pools, one per key (host, tenant, database), with per-key and global limits. */
export interface KeyedPool<K, T> extends EventSource<KeyedPoolEvents<K, T>>, AsyncDisposable {
  /** Borrows a resource for `key`. */
  acquire(key: K, options?: AcquireOptions): Promise<Lease<T>>;
  /** An idle resource for `key` right now, or `undefined`. */
  tryAcquire(key: K): Lease<T> | undefined;
  /** Acquires for `key`, runs `fn`, releases. */
  use<R>(key: K, fn: (value: T, lease: Lease<T>) => Promise<R> | R, options?: AcquireOptions): Promise<R>;
  /** Global and per-key stats. */
  stats(): KeyedPoolStats<K>;
  /** Clears one key, or every key. */
  clear(key?: K): Promise<void>;
  /** Graceful close of every sub-pool. Idempotent. */
  close(options?: { readonly timeoutMs?: number }): Promise<void>;
  /** Immediate close of every sub-pool. Idempotent. */
  destroy(): Promise<void>;
}

/** Events of a keyed pool: each pool event with the key added. */
export type KeyedPoolEvents<K, T> = {
  readonly [E in keyof PoolEvents<T>]: PoolEvents<T>[E] & {
    /** Key of the sub-pool that emitted the event. */
    readonly key: K;
  };
};
