/**
 * `pg.Pool`'s events with its positional arguments, so `pool.on('error', (err, client) => ...)`
 * keeps working after migrating. Unlike `pg.Pool`, an `'error'` with no listener is dropped
 * instead of crashing the process. Each event is wired to the resource pool only while it has a
 * listener, so unused events cost nothing.
 *
 * @module
 */
import type { Client } from 'pg';
import { reportAsync } from '../../internal/report.js';
import type { Pool } from '../../resource/types.js';

/** `pg.Pool`-compatible events of a `PgPool` and their listener arguments. */
export interface PgPoolEventArgs {
  /** A new client connected (before it is first lent). */
  readonly connect: [client: Client];
  /** A client was lent. */
  readonly acquire: [client: Client];
  /** A client came back (`error` is always `undefined`: the resource pool decides what to do with errors). */
  readonly release: [error: Error | undefined, client: Client];
  /** A client was closed and removed from the pool. */
  readonly remove: [client: Client];
  /** A client died on its own (backend terminated, socket reset). Never thrown when nobody listens. */
  readonly error: [error: Error, client: Client];
}

/** An event name of {@link PgPoolEventArgs}. */
export type PgPoolEvent = keyof PgPoolEventArgs;

type AnyListener = (...args: never[]) => void;

/** The positional-argument emitter behind `PgPool.on/once/off`. */
export class PgCompatEvents {
  readonly #pool: Pool<Client>;
  readonly #listeners = new Map<PgPoolEvent, AnyListener[]>();
  readonly #unwire = new Map<PgPoolEvent, () => void>();

  constructor(pool: Pool<Client>) {
    this.#pool = pool;
  }

  on<E extends PgPoolEvent>(event: E, listener: (...args: PgPoolEventArgs[E]) => void): void {
    if (typeof listener !== 'function') throw new TypeError('Expected `listener` to be a function');
    const list = this.#listeners.get(event) ?? [];
    this.#listeners.set(event, [...list, listener as unknown as AnyListener]);
    if (!this.#unwire.has(event)) this.#unwire.set(event, this.#wire(event));
  }

  off<E extends PgPoolEvent>(event: E, listener: (...args: PgPoolEventArgs[E]) => void): void {
    const list = this.#listeners.get(event);
    if (list === undefined) return;
    const next = list.filter((candidate) => candidate !== (listener as unknown as AnyListener));
    if (next.length > 0) {
      this.#listeners.set(event, next);
      return;
    }
    this.#listeners.delete(event);
    this.#unwire.get(event)?.();
    this.#unwire.delete(event);
  }

  /** Emits `event` to its listeners; a throwing listener does not stop the others. */
  emit<E extends PgPoolEvent>(event: E, ...args: PgPoolEventArgs[E]): void {
    const list = this.#listeners.get(event);
    if (list === undefined) return;
    for (const listener of list) {
      try {
        (listener as unknown as (...values: PgPoolEventArgs[E]) => void)(...args);
      } catch (error) {
        reportAsync(error);
      }
    }
  }

  // 'error' comes from the factory (see createPgPool), not from the resource pool.
  #wire(event: PgPoolEvent): () => void {
    const pool = this.#pool;
    switch (event) {
      case 'connect':
        return pool.on('resourceCreated', ({ resource }) => this.emit('connect', resource));
      case 'acquire':
        return pool.on('acquireSucceeded', ({ resource }) => this.emit('acquire', resource));
      case 'release':
        return pool.on('released', ({ resource }) => this.emit('release', undefined, resource));
      case 'remove':
        return pool.on('resourceDestroyed', ({ resource }) => this.emit('remove', resource));
      default:
        return () => {};
    }
  }
}
