/**
 * `createPool(factory, options)`: the public resource pool. A thin class over the private
 * {@link Engine} (as piscina wraps its engine), so that the engine's internals never show in the
 * public type and the class stays small.
 *
 * @module
 */
import { ClosedError } from '../internal/errors.js';
import type { Listener } from '../internal/events.js';
import {
  customOption,
  durationOption,
  integerOption,
  invalidOption,
  requireRelation,
  resolveOptions,
} from '../internal/options.js';
import { Engine } from './engine.js';
import { resolvePoolOptions } from './options.js';
import type { AcquireOptions, Factory, Lease, Pool, PoolEvents, PoolOptions, PoolStats } from './types.js';

/** Checks the factory object given to `createPool`. */
export function checkFactory<T>(factory: Factory<T>, name = 'factory'): void {
  if (typeof factory !== 'object' || factory === null)
    invalidOption(name, 'an object with a create() function', factory);
  if (typeof factory.create !== 'function') invalidOption(`${name}.create`, 'a function', factory.create);
  for (const hook of ['destroy', 'validate', 'reset', 'isBroken', 'watch', 'keepAlive'] as const) {
    const value = factory[hook];
    if (value !== undefined && typeof value !== 'function') invalidOption(`${name}.${hook}`, 'a function', value);
  }
}

const closeSchema = { timeoutMs: durationOption({ default: 30_000 }) };
const resizeSchema = {
  min: integerOption({ min: 0 }),
  max: integerOption({ min: 1 }),
};
const useFnCheck = customOption<unknown>('a function', (value) => typeof value === 'function');

/** Runs `fn` with a leased value: release on success, `release({ error })` on throw. */
export async function useLease<T, R>(lease: Lease<T>, fn: (value: T, lease: Lease<T>) => Promise<R> | R): Promise<R> {
  let result: R;
  try {
    result = await fn(lease.value, lease);
  } catch (error) {
    releaseQuietly(lease, error);
    throw error;
  }
  releaseQuietly(lease, undefined, false);
  return result;
}

function releaseQuietly<T>(lease: Lease<T>, error: unknown, withError = true): void {
  try {
    if (withError) lease.release({ error });
    else lease.release();
  } catch {
    // fn already released, destroyed or detached the lease itself: nothing left to do
  }
}

/** The resource pool. Create one with {@link createPool}. */
class ResourcePool<T> implements Pool<T> {
  readonly #engine: Engine<T>;

  constructor(factory: Factory<T>, options: PoolOptions | undefined) {
    checkFactory(factory);
    this.#engine = new Engine(factory, resolvePoolOptions(options));
  }

  acquire(options?: AcquireOptions): Promise<Lease<T>> {
    return this.#engine.acquire(options);
  }

  tryAcquire(): Lease<T> | undefined {
    return this.#engine.tryAcquire();
  }

  use<R>(fn: (value: T, lease: Lease<T>) => Promise<R> | R, options?: AcquireOptions): Promise<R> {
    if (!useFnCheck.check(fn)) return Promise.reject(invalidArgument('fn', fn));
    return this.#engine.acquire(options).then((lease) => useLease(lease, fn));
  }

  ready(): Promise<void> {
    return this.#engine.ready();
  }

  resize(limits: { readonly min?: number; readonly max?: number }): void {
    const engine = this.#engine;
    if (engine.state === 'closing' || engine.state === 'closed')
      throw new ClosedError(`Pool "${engine.name}" is closed`);
    const resolved = resolveOptions('pool.resize', limits, resizeSchema);
    const min = resolved.min ?? engine.min;
    const max = resolved.max ?? engine.max;
    requireRelation(min <= max, 'min', `an integer <= max (${max})`, min);
    engine.resize(min, max);
  }

  clear(): Promise<void> {
    return this.#engine.clear();
  }

  pause(): void {
    this.#engine.pause();
  }

  resume(): void {
    this.#engine.resume();
  }

  close(options?: { readonly timeoutMs?: number }): Promise<void> {
    const { timeoutMs } = resolveOptions('pool.close', options, closeSchema);
    return this.#engine.close(timeoutMs);
  }

  destroy(): Promise<void> {
    return this.#engine.destroy();
  }

  stats(): PoolStats {
    return this.#engine.stats();
  }

  on<E extends keyof PoolEvents<T> & string>(event: E, listener: Listener<PoolEvents<T>, E>): () => void {
    return this.#engine.events.on(event, listener);
  }

  once<E extends keyof PoolEvents<T> & string>(event: E, listener: Listener<PoolEvents<T>, E>): () => void {
    return this.#engine.events.on(event, listener, true);
  }

  off<E extends keyof PoolEvents<T> & string>(event: E, listener: Listener<PoolEvents<T>, E>): void {
    this.#engine.events.off(event, listener);
  }

  /** Same as `close()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function invalidArgument(name: string, value: unknown): unknown {
  try {
    invalidOption(name, 'a function', value);
  } catch (error) {
    return error;
  }
}

/**
 * Creates a resource pool.
 *
 * @example
 * ```ts
 * const pool = createPool({ create: () => connect(), destroy: (c) => c.end() }, { max: 10 });
 * await pool.use(async (conn) => conn.query('select 1'));
 * ```
 */
export function createPool<T>(factory: Factory<T>, options?: PoolOptions): Pool<T> {
  return new ResourcePool(factory, options);
}
