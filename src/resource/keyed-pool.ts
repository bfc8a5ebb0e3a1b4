/**
 * `createKeyedPool(factoryForKey, options)`: one sub-pool per key (host, tenant, database) under
 * per-key limits (`maxPerKey`, `maxIdlePerKey`) and global ones (`max`, `maxIdle`). When the
 * global cap binds, keys take turns: a key that cannot create waits in a FIFO of blocked keys,
 * the least recently used idle resource of another key is evicted to make room, and a resource
 * released while another key is blocked is destroyed (`evicted`) instead of being kept, so no key
 * starves (the turn-taking idea of Go's http.Transport `MaxConnsPerHost` wait queues). Sub-pools
 * that hold nothing and have nobody waiting are removed.
 *
 * @module
 */
import { Deque, type DequeHandle } from '../internal/deque.js';
import { ClosedError } from '../internal/errors.js';
import { Emitter, type Listener } from '../internal/events.js';
import { durationOption, integerOption, invalidOption, resolveOptions } from '../internal/options.js';
import { Engine } from './engine.js';
import type { Budget, EngineBase } from './engine-base.js';
import { commonSchema, finish, type ResolvedPoolOptions } from './options.js';
import { checkFactory, useLease } from './pool.js';
import type { Slot } from './slot.js';
import { Counters, snapshot, sumStats } from './stats.js';
import type {
  AcquireOptions,
  Factory,
  KeyedPool,
  KeyedPoolEvents,
  KeyedPoolOptions,
  KeyedPoolStats,
  Lease,
  PoolEvents,
  PoolStats,
} from './types.js';

const keyedSchema = {
  ...commonSchema,
  maxPerKey: integerOption({ min: 1, default: 10 }),
  maxIdlePerKey: integerOption({ min: 0 }),
  max: integerOption({ min: 1, allowInfinity: true, default: Number.POSITIVE_INFINITY }),
  maxIdle: integerOption({ min: 0, allowInfinity: true, default: Number.POSITIVE_INFINITY }),
};
const closeSchema = { timeoutMs: durationOption({ default: 30_000 }) };

interface LruEntry<T> {
  readonly engine: EngineBase<T>;
  readonly slot: Slot<T>;
}

class KeyedResourcePool<K, T> implements KeyedPool<K, T>, Budget<T> {
  readonly #factoryForKey: (key: K) => Factory<T>;
  readonly #subOptions: (key: K) => ResolvedPoolOptions;
  readonly #max: number;
  readonly #maxIdle: number;
  readonly #name: string;
  readonly #subs = new Map<K, EngineBase<T>>();
  readonly #keys = new Map<EngineBase<T>, K>();
  readonly #lru = new Deque<LruEntry<T>>();
  readonly #lruEntries = new Map<Slot<T>, LruEntry<T>>();
  /** Keys waiting for a global slot, in turn order; `#blockedAt` holds their deque handles. */
  readonly #blocked = new Deque<EngineBase<T>>();
  readonly #blockedAt = new Map<EngineBase<T>, DequeHandle>();
  readonly #events = new Emitter<KeyedPoolEvents<K, T>>('resource-keyed');
  readonly #forwarded = new Set<keyof PoolEvents<T> & string>();
  #retired: PoolStats;
  #live = 0;
  #reserving = false;
  #closePromise: Promise<void> | undefined;

  constructor(factoryForKey: (key: K) => Factory<T>, input: KeyedPoolOptions | undefined) {
    if (typeof factoryForKey !== 'function') invalidOption('factoryForKey', 'a function', factoryForKey);
    const raw = resolveOptions('createKeyedPool', input, keyedSchema);
    const { maxPerKey, maxIdlePerKey, max, maxIdle, ...common } = raw;
    const probe = finish(common, maxPerKey, maxIdlePerKey ?? maxPerKey, 'createKeyedPool');
    this.#factoryForKey = factoryForKey;
    this.#max = max;
    this.#maxIdle = maxIdle;
    this.#name = probe.name;
    this.#subOptions = (key) => Object.freeze({ ...probe, name: `${probe.name}[${String(key)}]` });
    this.#retired = snapshot(this.#zeroGauges(), new Counters());
  }

  #zeroGauges() {
    return {
      name: this.#name,
      state: this.#closePromise === undefined ? ('open' as const) : ('closing' as const),
      idle: 0,
      borrowed: 0,
      creating: 0,
      destroying: 0,
      waiting: 0,
      min: 0,
      max: this.#max,
      generation: 0,
    };
  }

  #engine(key: K): EngineBase<T> {
    let engine = this.#subs.get(key);
    if (engine !== undefined) return engine;
    const factory = this.#factoryForKey(key);
    checkFactory(factory, 'factoryForKey(key)');
    engine = new Engine<T>(factory, this.#subOptions(key), this);
    this.#subs.set(key, engine);
    this.#keys.set(engine, key);
    for (const event of this.#forwarded) this.#forward(engine, key, event);
    return engine;
  }

  acquire(key: K, options?: AcquireOptions): Promise<Lease<T>> {
    if (this.#closePromise !== undefined)
      return Promise.reject(new ClosedError(`Keyed pool "${this.#name}" is closed`));
    let engine: EngineBase<T>;
    try {
      engine = this.#engine(key);
    } catch (error) {
      return Promise.reject(error);
    }
    return engine.acquire(options);
  }

  tryAcquire(key: K): Lease<T> | undefined {
    if (this.#closePromise !== undefined) throw new ClosedError(`Keyed pool "${this.#name}" is closed`);
    return this.#subs.get(key)?.tryAcquire();
  }

  use<R>(key: K, fn: (value: T, lease: Lease<T>) => Promise<R> | R, options?: AcquireOptions): Promise<R> {
    if (typeof fn !== 'function') {
      try {
        invalidOption('fn', 'a function', fn);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.acquire(key, options).then((lease) => useLease(lease, fn));
  }

  stats(): KeyedPoolStats<K> {
    const perKey = new Map<K, PoolStats>();
    const parts: PoolStats[] = [this.#retired];
    for (const [key, engine] of this.#subs) {
      const stats = engine.stats();
      perKey.set(key, stats);
      parts.push(stats);
    }
    let waitingForGlobal = 0;
    for (const engine of this.#blocked) waitingForGlobal += Math.max(0, engine.unmetDemand);
    const gauges = this.#zeroGauges();
    const state = this.#closePromise === undefined ? 'open' : this.#subs.size === 0 ? 'closed' : 'closing';
    return { total: sumStats(parts, { ...gauges, state }), perKey, keys: this.#subs.size, waitingForGlobal };
  }

  clear(key?: K): Promise<void> {
    if (key !== undefined) return this.#subs.get(key)?.clear() ?? Promise.resolve();
    return Promise.all([...this.#subs.values()].map((engine) => engine.clear())).then(() => undefined);
  }

  close(options?: { readonly timeoutMs?: number }): Promise<void> {
    const { timeoutMs } = resolveOptions('keyedPool.close', options, closeSchema);
    this.#closePromise ??= Promise.all([...this.#subs.values()].map((engine) => engine.close(timeoutMs))).then(
      () => undefined,
    );
    return this.#closePromise;
  }

  destroy(): Promise<void> {
    const engines = [...this.#subs.values()];
    const closing = this.close({ timeoutMs: 0 });
    for (const engine of engines) void engine.destroy();
    return closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  on<E extends keyof KeyedPoolEvents<K, T> & string>(
    event: E,
    listener: Listener<KeyedPoolEvents<K, T>, E>,
  ): () => void {
    this.#ensureForwarded(event);
    return this.#events.on(event, listener);
  }

  once<E extends keyof KeyedPoolEvents<K, T> & string>(
    event: E,
    listener: Listener<KeyedPoolEvents<K, T>, E>,
  ): () => void {
    this.#ensureForwarded(event);
    return this.#events.once(event, listener);
  }

  off<E extends keyof KeyedPoolEvents<K, T> & string>(event: E, listener: Listener<KeyedPoolEvents<K, T>, E>): void {
    this.#events.off(event, listener);
  }

  #ensureForwarded(event: keyof PoolEvents<T> & string): void {
    if (this.#forwarded.has(event)) return;
    this.#forwarded.add(event);
    for (const [key, engine] of this.#subs) this.#forward(engine, key, event);
  }

  #forward(engine: EngineBase<T>, key: K, event: keyof PoolEvents<T> & string): void {
    engine.events.on(event, (payload) => {
      if (this.#events.wants(event)) {
        this.#events.emit(event, { ...(payload as object), key } as KeyedPoolEvents<K, T>[typeof event]);
      }
    });
  }

  // ---- Budget: how sub-pools share the global limits ----------------------------------------

  reserve(engine: EngineBase<T>): boolean {
    if (this.#live < this.#max) {
      this.#live++;
      return true;
    }
    // At the global cap: make room by evicting the least recently used idle resource of any key.
    const oldest = this.#lru.peekFront();
    if (oldest !== undefined && !this.#reserving) {
      this.#reserving = true;
      try {
        oldest.engine.evictIdle(oldest.slot);
      } finally {
        this.#reserving = false;
      }
      if (this.#live < this.#max) {
        this.#live++;
        return true;
      }
    }
    if (!this.#blockedAt.has(engine)) this.#blockedAt.set(engine, this.#blocked.push(engine));
    return false;
  }

  unreserve(_engine: EngineBase<T>): void {
    this.#live--;
    if (this.#reserving) return;
    while (this.#live < this.#max && this.#blocked.length > 0) {
      const next = this.#blocked.shift() as EngineBase<T>;
      this.#blockedAt.delete(next);
      next.wake();
    }
  }

  idleChanged(engine: EngineBase<T>, slot: Slot<T>, idle: boolean): void {
    if (idle) {
      const entry: LruEntry<T> = { engine, slot };
      slot.lruHandle = this.#lru.push(entry);
      this.#lruEntries.set(slot, entry);
      if (this.#lru.length > this.#maxIdle) {
        const oldest = this.#lru.peekFront() as LruEntry<T>;
        oldest.engine.evictIdle(oldest.slot);
      }
      return;
    }
    const entry = this.#lruEntries.get(slot);
    if (entry === undefined) return;
    this.#lruEntries.delete(slot);
    this.#lru.remove(slot.lruHandle, entry);
  }

  shouldYield(engine: EngineBase<T>): boolean {
    if (this.#live < this.#max) return false;
    // Drop blocked keys whose demand was met meanwhile (served by a release of their own): a stale
    // head used to shadow a key that still waited, so a free resource of the stale key went idle
    // and the other key waited for an idle sweep instead of getting the slot.
    const blocked = this.#blocked;
    for (let head = blocked.peekFront(); head !== undefined && head.unmetDemand <= 0; head = blocked.peekFront()) {
      blocked.shift();
      this.#blockedAt.delete(head);
    }
    let other = false;
    for (const candidate of blocked) {
      if (candidate !== engine && candidate.unmetDemand > 0) {
        other = true;
        break;
      }
    }
    if (!other) return false;
    // The yielding key gives up its turn: it goes behind the key it yields to, so the slot it
    // frees is not taken straight back by its own blocked waiters.
    const handle = this.#blockedAt.get(engine);
    if (handle !== undefined) {
      blocked.remove(handle, engine);
      this.#blockedAt.set(engine, blocked.push(engine));
    }
    return true;
  }

  emptied(engine: EngineBase<T>): void {
    queueMicrotask(() => {
      const key = this.#keys.get(engine);
      if (key === undefined || !engine.isEmpty() || this.#blockedAt.has(engine)) return;
      if (engine.options.minIdle > 0 && this.#closePromise === undefined) return;
      this.#subs.delete(key);
      this.#keys.delete(engine);
      const final = engine.stats();
      this.#retired = sumStats(
        [this.#retired, { ...final, idle: 0, borrowed: 0, creating: 0, destroying: 0, waiting: 0 }],
        this.#zeroGauges(),
      );
      void engine.destroy();
    });
  }
}

/**
 * Creates a keyed pool: one sub-pool per key, made on first use with `factoryForKey(key)`.
 *
 * @example
 * ```ts
 * const pools = createKeyedPool((host: string) => socketFactory(host), { maxPerKey: 4, max: 64 });
 * await pools.use('db-1:5432', async (socket) => send(socket));
 * ```
 */
export function createKeyedPool<K, T>(
  factoryForKey: (key: K) => Factory<T>,
  options?: KeyedPoolOptions,
): KeyedPool<K, T> {
  return new KeyedResourcePool(factoryForKey, options);
}
