/**
 * memcached suite (needs the server on 127.0.0.1:11211, or MEMCACHED_HOST/MEMCACHED_PORT).
 * - get-c32: 32 callers each doing `get` back to back over 1,000 keys holding 100-byte values.
 * - set-c32: the same with `set` of 100-byte values.
 * poolkit's client (pipelined connection, per-call deadlines, typed errors) against memjs (binary
 * protocol, one socket per server) and the `memcached` package (text protocol, callback API).
 */
import Memcached from 'memcached';
import memjs from 'memjs';
import { createMemcachedClient } from '../dist/memcached/index.js';
import { defineSuite, type Impl } from './harness.js';

const host = process.env.MEMCACHED_HOST ?? '127.0.0.1';
const port = Number(process.env.MEMCACHED_PORT ?? 11211);
const address = `${host}:${port}`;
const CALLERS = 32;
const KEYS = 1000;
const OPS_PER_ROUND = 32_000;
const VALUE = 'v'.repeat(100);
const keys = Array.from({ length: KEYS }, (_, i) => `bench:mc:${i}`);

interface Ops {
  get(key: string): Promise<unknown>;
  set(key: string, value: string): Promise<unknown>;
}

/** `CALLERS` callers running `op` back to back until OPS_PER_ROUND are done. */
async function closedLoop(op: (key: string) => Promise<unknown>): Promise<number> {
  let next = 0;
  const caller = async (): Promise<void> => {
    while (next < OPS_PER_ROUND) {
      const index = next++;
      await op(keys[index % KEYS] as string);
    }
  };
  await Promise.all(Array.from({ length: CALLERS }, caller));
  return OPS_PER_ROUND;
}

function poolkitOps(): Ops & { close(): Promise<void> } {
  const client = createMemcachedClient({ servers: [address] });
  return { get: (key) => client.get(key), set: (key, value) => client.set(key, value), close: () => client.close() };
}

function memjsOps(): Ops & { close(): Promise<void> } {
  const client = memjs.Client.create(address, { logger: { log: () => {} } });
  return {
    get: (key) => client.get(key),
    set: (key, value) => client.set(key, value, { expires: 0 }),
    close: async () => client.close(),
  };
}

function memcachedOps(): Ops & { close(): Promise<void> } {
  const client = new Memcached(address);
  return {
    get: (key) =>
      new Promise((resolve, reject) =>
        client.get(key, (error: unknown, data: unknown) => (error ? reject(error) : resolve(data))),
      ),
    set: (key, value) =>
      new Promise((resolve, reject) =>
        client.set(key, value, 0, (error: unknown) => (error ? reject(error) : resolve(true))),
      ),
    close: async () => client.end(),
  };
}

function impl(make: () => Ops & { close(): Promise<void> }, operation: 'get' | 'set'): Impl {
  let ops: (Ops & { close(): Promise<void> }) | undefined;
  return {
    async setup() {
      ops = make();
      for (const key of keys) await ops.set(key, VALUE);
    },
    run: () => {
      const current = ops as Ops;
      return closedLoop(operation === 'get' ? (key) => current.get(key) : (key) => current.set(key, VALUE));
    },
    teardown: () => ops?.close(),
  };
}

export default defineSuite({
  name: 'memcached',
  cases: (['get', 'set'] as const).map((operation) => ({
    name: `${operation}-c${CALLERS}`,
    description: `${CALLERS} callers, ${operation} of 100-byte values over ${KEYS} keys, ${OPS_PER_ROUND.toLocaleString()} ops per round`,
    impls: {
      poolkit: impl(poolkitOps, operation),
      memjs: impl(memjsOps, operation),
      memcached: impl(memcachedOps, operation),
    },
  })),
});
