/** Shared fixtures for the resource pool tests: a controllable factory and small utilities. */
import type { DestroyReason, Factory, FactoryContext } from '../../src/resource/index.js';

/** A resource the test factory makes. */
export interface Conn {
  readonly id: number;
  dead: boolean;
  destroyed: boolean;
  kill?: (error?: unknown) => void;
}

/** A promise plus its settle functions. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Options of {@link testFactory}. */
export interface TestFactoryOptions {
  /** `sync` creates at once; `manual` leaves each create pending in `pending`. */
  readonly mode?: 'sync' | 'manual';
  readonly validate?: Factory<Conn>['validate'];
  readonly reset?: Factory<Conn>['reset'];
  readonly isBroken?: Factory<Conn>['isBroken'];
  readonly keepAlive?: Factory<Conn>['keepAlive'];
  readonly watch?: boolean;
  readonly failCreate?: () => unknown;
}

/** A factory whose every call is recorded. */
export function testFactory(options: TestFactoryOptions = {}) {
  let nextId = 1;
  const created: Conn[] = [];
  const destroyed: { conn: Conn; reason: DestroyReason }[] = [];
  const pending: { deferred: Deferred<Conn>; context: FactoryContext }[] = [];
  let createCalls = 0;
  const factory: Factory<Conn> = {
    create(context) {
      createCalls++;
      const failure = options.failCreate?.();
      if (failure !== undefined) throw failure;
      if (options.mode === 'manual') {
        const entry = { deferred: deferred<Conn>(), context };
        pending.push(entry);
        return entry.deferred.promise;
      }
      const conn: Conn = { id: nextId++, dead: false, destroyed: false };
      created.push(conn);
      return conn;
    },
    destroy(conn, context) {
      conn.destroyed = true;
      destroyed.push({ conn, reason: context.reason });
    },
  };
  if (options.validate) factory.validate = options.validate;
  if (options.reset) factory.reset = options.reset;
  if (options.isBroken) factory.isBroken = options.isBroken;
  if (options.keepAlive) factory.keepAlive = options.keepAlive;
  if (options.watch) {
    factory.watch = (conn, dead) => {
      conn.kill = (error) => {
        conn.dead = true;
        dead(error);
      };
      return () => {
        conn.kill = undefined;
      };
    };
  }
  return {
    factory,
    created,
    destroyed,
    pending,
    get createCalls() {
      return createCalls;
    },
    /** Settles the oldest pending manual create with a new connection. */
    finishCreate(): Conn {
      const entry = pending.shift();
      if (!entry) throw new Error('no pending create');
      const conn: Conn = { id: nextId++, dead: false, destroyed: false };
      created.push(conn);
      entry.deferred.resolve(conn);
      return conn;
    },
    failCreate(error: unknown): void {
      const entry = pending.shift();
      if (!entry) throw new Error('no pending create');
      entry.deferred.reject(error);
    },
    reasons(): DestroyReason[] {
      return destroyed.map((entry) => entry.reason);
    },
  };
}

/** Captures how a promise settled, without leaving it unhandled. */
export function track<T>(promise: Promise<T>) {
  const state: { status: 'pending' | 'fulfilled' | 'rejected'; value?: T; error?: unknown } = { status: 'pending' };
  promise.then(
    (value) => {
      state.status = 'fulfilled';
      state.value = value;
    },
    (error: unknown) => {
      state.status = 'rejected';
      state.error = error;
    },
  );
  return state;
}
