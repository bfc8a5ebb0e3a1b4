/**
 * Resource pool suite: acquire then release per op against generic-pool and tarn, every pool
 * pre-warmed to its max and with a 30 s acquire timeout enabled (so each implementation pays for
 * its deadline machinery). Callers are concurrent async loops; `ops` = acquire+release pairs.
 * - uncontended: pool 10, 1 caller.        - at-capacity: pool 10, 10 callers.
 * - contended-64: pool 8, 64 callers.       - contended-1024: pool 8, 1024 callers.
 * - spike: create takes 150 ms (real timer), each use holds 2 ms, 50 callers arrive at once, the
 *   pool starts with 5 idle (`minIdle` 5 or `min` 5), max 50; `creates` = resources created
 *   during the spike (lower is better: a burst of short work should not open 45 connections).
 */
import genericPool from 'generic-pool';
import { Pool as TarnPool } from 'tarn';
import { createPool } from '../dist/resource/index.js';
import { defineSuite, type Impl } from './harness.js';

interface Res {
  id: number;
}
let nextId = 0;
const make = (): Res => ({ id: nextId++ });
const TIMEOUT_MS = 30_000;

interface Adapter {
  acquire(): Promise<Res>;
  release(resource: Res): void;
}

/** `callers` async loops sharing `total` acquire+release pairs. */
async function drive(adapter: Adapter, callers: number, total: number): Promise<number> {
  const per = Math.ceil(total / callers);
  const loops: Promise<void>[] = [];
  for (let c = 0; c < callers; c++) {
    loops.push(
      (async () => {
        for (let i = 0; i < per; i++) adapter.release(await adapter.acquire());
      })(),
    );
  }
  await Promise.all(loops);
  return per * callers;
}

async function prewarm(adapter: Adapter, size: number): Promise<void> {
  const held: Res[] = [];
  for (let i = 0; i < size; i++) held.push(await adapter.acquire());
  for (const resource of held) adapter.release(resource);
}

function poolkitImpl(max: number, callers: number, total: number): Impl {
  let pool: ReturnType<typeof createPool<Res>>;
  const leases = new Map<Res, { release(): void }>();
  let adapter: Adapter;
  return {
    async setup() {
      pool = createPool<Res>({ create: make }, { max, acquireTimeoutMs: TIMEOUT_MS });
      adapter = {
        acquire: () =>
          pool.acquire().then((lease) => {
            leases.set(lease.value, lease);
            return lease.value;
          }),
        release: (resource) => leases.get(resource)?.release(),
      };
      await prewarm(adapter, max);
    },
    // Uses leases directly (the intended API), not the adapter above, which only pre-warms.
    async run() {
      const per = Math.ceil(total / callers);
      const loops: Promise<void>[] = [];
      for (let c = 0; c < callers; c++) {
        loops.push(
          (async () => {
            for (let i = 0; i < per; i++) (await pool.acquire()).release();
          })(),
        );
      }
      await Promise.all(loops);
      return per * callers;
    },
    teardown: () => pool.close(),
  };
}

function genericImpl(max: number, callers: number, total: number): Impl {
  let pool: genericPool.Pool<Res>;
  let adapter: Adapter;
  return {
    async setup() {
      pool = genericPool.createPool<Res>(
        { create: async () => make(), destroy: async () => {} },
        { max, acquireTimeoutMillis: TIMEOUT_MS },
      );
      adapter = { acquire: () => pool.acquire(), release: (resource) => void pool.release(resource) };
      await prewarm(adapter, max);
    },
    run: () => drive(adapter, callers, total),
    teardown: async () => {
      await pool.drain();
      await pool.clear();
    },
  };
}

function tarnImpl(max: number, callers: number, total: number): Impl {
  let pool: TarnPool<Res>;
  let adapter: Adapter;
  return {
    async setup() {
      pool = new TarnPool<Res>({
        create: async () => make(),
        destroy: () => {},
        min: 0,
        max,
        acquireTimeoutMillis: TIMEOUT_MS,
      });
      adapter = { acquire: () => pool.acquire().promise, release: (resource) => void pool.release(resource) };
      await prewarm(adapter, max);
    },
    run: () => drive(adapter, callers, total),
    teardown: async () => {
      await pool.destroy();
    },
  };
}

function throughputCase(name: string, description: string, max: number, callers: number, total: number) {
  return {
    name,
    description,
    impls: {
      poolkit: poolkitImpl(max, callers, total),
      'generic-pool': genericImpl(max, callers, total),
      tarn: tarnImpl(max, callers, total),
    },
  };
}

// ---- spike -------------------------------------------------------------------------------------

const SPIKE_CALLERS = 50;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const slowCreate = async (): Promise<Res> => {
  await sleep(150);
  return make();
};

interface SpikePool {
  readonly adapter: Adapter;
  readonly created: () => number;
  readonly close: () => Promise<void>;
  /** Settles when the pool holds its 5 warm resources. */
  warm?: Promise<void>;
}

function spikeImpl(build: () => SpikePool): Impl {
  // Each round gets a fresh pool warmed to 5 idle resources. The next round's pool warms in the
  // background after a round ends, so warm-up (which depends on each pool's create concurrency)
  // stays out of the timed region as far as possible; whatever is left of it is awaited first.
  let current: SpikePool | undefined;
  const next = (): SpikePool => {
    const pool = build();
    pool.warm = prewarm(pool.adapter, 5);
    return pool;
  };
  return {
    async setup() {
      current = next();
      await current.warm;
    },
    async run() {
      const pool = current ?? next();
      await pool.warm;
      const before = pool.created();
      await Promise.all(
        Array.from({ length: SPIKE_CALLERS }, async () => {
          const resource = await pool.adapter.acquire();
          await sleep(2);
          pool.adapter.release(resource);
        }),
      );
      const creates = pool.created() - before;
      current = next();
      void pool.close();
      return { ops: SPIKE_CALLERS, extra: { creates } };
    },
    async teardown() {
      await current?.warm;
      await current?.close();
    },
  };
}

export default defineSuite({
  name: 'resource',
  cases: [
    throughputCase('uncontended', 'pool 10, 1 caller, acquire+release', 10, 1, 200_000),
    throughputCase('at-capacity', 'pool 10, 10 callers, acquire+release', 10, 10, 200_000),
    throughputCase('contended-64', 'pool 8, 64 callers, acquire+release', 8, 64, 200_000),
    throughputCase('contended-1024', 'pool 8, 1024 callers, acquire+release', 8, 1024, 204_800),
    {
      name: 'spike',
      description: 'create 150 ms, use 2 ms, 50 callers at once, 5 idle at start, max 50; creates = resources created',
      rounds: 3,
      warmupRounds: 1,
      impls: {
        poolkit: spikeImpl(() => {
          let created = 0;
          const pool = createPool<Res>(
            {
              create: async () => {
                created++;
                return slowCreate();
              },
            },
            { max: SPIKE_CALLERS, minIdle: 5, acquireTimeoutMs: TIMEOUT_MS },
          );
          const leases = new Map<Res, { release(): void }>();
          const spikePool: SpikePool = {
            adapter: {
              acquire: () =>
                pool.acquire().then((lease) => {
                  leases.set(lease.value, lease);
                  return lease.value;
                }),
              release: (resource) => leases.get(resource)?.release(),
            },
            created: () => created,
            close: () => pool.destroy(),
          };
          return spikePool;
        }),
        'generic-pool': spikeImpl(() => {
          let created = 0;
          const pool = genericPool.createPool<Res>(
            {
              create: async () => {
                created++;
                return slowCreate();
              },
              destroy: async () => {},
            },
            { max: SPIKE_CALLERS, min: 5, acquireTimeoutMillis: TIMEOUT_MS },
          );
          return {
            adapter: { acquire: () => pool.acquire(), release: (resource) => void pool.release(resource) },
            created: () => created,
            close: async () => {
              await pool.drain();
              await pool.clear();
            },
          };
        }),
        tarn: spikeImpl(() => {
          let created = 0;
          const pool = new TarnPool<Res>({
            create: async () => {
              created++;
              return slowCreate();
            },
            destroy: () => {},
            min: 5,
            max: SPIKE_CALLERS,
            acquireTimeoutMillis: TIMEOUT_MS,
          });
          return {
            adapter: { acquire: () => pool.acquire().promise, release: (resource) => void pool.release(resource) },
            created: () => created,
            close: async () => {
              await pool.destroy();
            },
          };
        }),
      },
    },
  ],
});
