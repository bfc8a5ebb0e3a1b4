/**
 * Buffer suite.
 * - get-put-16k: one 16 KiB buffer taken and given back, against allocating one. The pool uses
 *   its raw path (the whole class buffer, no view); the allocators' buffers are dropped.
 * - request-workload: 300,000 requests of mixed sizes (1-64 KiB, uniform, fixed seed), 64 in
 *   flight: each request takes a buffer of exactly its size, fills all of it, and gives it back
 *   64 requests later (DESIGN §11). `gcMs` is the GC time inside each run (V8 GCProfiler, in the harness).
 */
import { Buffer } from 'node:buffer';
import { BufferPool } from '../dist/buffer/index.js';
import { defineSuite } from './harness.js';

const PAIRS_POOL = 2_000_000;
const PAIRS_ALLOC = 50_000;
const REQUESTS = 300_000;
const IN_FLIGHT = 64;
let sink: unknown;

/** Seeded sizes (mulberry32), the same for every implementation and round. */
const sizes = (() => {
  let state = 20261127;
  const out = new Uint32Array(REQUESTS);
  for (let i = 0; i < REQUESTS; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = 1 + (((t ^ (t >>> 14)) >>> 0) % (64 * 1024));
  }
  return out;
})();

const rawPool = new BufferPool({ eviction: 'none' });
const requestPool = new BufferPool({ minSize: 1024, maxSize: 64 * 1024, classesPerDoubling: 4 });

function allocLoop(alloc: (size: number) => Buffer): number {
  for (let i = 0; i < PAIRS_ALLOC; i++) {
    const buffer = alloc(16 * 1024);
    buffer[0] = i;
    sink = buffer;
  }
  return PAIRS_ALLOC;
}

function requests(take: (size: number) => Buffer, give: (buffer: Buffer) => void): number {
  const flight: (Buffer | undefined)[] = new Array(IN_FLIGHT).fill(undefined);
  for (let i = 0; i < REQUESTS; i++) {
    const slot = i % IN_FLIGHT;
    const done = flight[slot];
    if (done !== undefined) give(done);
    const buffer = take(sizes[i] as number);
    buffer.fill(i & 0xff);
    flight[slot] = buffer;
  }
  for (const buffer of flight) if (buffer !== undefined) give(buffer);
  return REQUESTS;
}

const drop = (buffer: Buffer) => {
  sink = buffer;
};

export default defineSuite({
  name: 'buffer',
  cases: [
    {
      name: 'get-put-16k',
      description: 'take a 16 KiB buffer, touch it, give it back (allocators: allocate and drop); ops = pairs',
      rounds: 7,
      impls: {
        poolkit: {
          run: () => {
            for (let i = 0; i < PAIRS_POOL; i++) {
              const buffer = rawPool.acquireRaw(16 * 1024);
              buffer[0] = i;
              rawPool.release(buffer);
            }
            return PAIRS_POOL;
          },
        },
        'Buffer.allocUnsafeSlow': { run: () => allocLoop((size) => Buffer.allocUnsafeSlow(size)) },
        'Buffer.allocUnsafe': { run: () => allocLoop((size) => Buffer.allocUnsafe(size)) },
        'Buffer.alloc': { run: () => allocLoop((size) => Buffer.alloc(size)) },
      },
    },
    {
      name: 'request-workload',
      description: `${REQUESTS.toLocaleString()} requests of 1-64 KiB, ${IN_FLIGHT} in flight, each buffer filled whole; ops = requests`,
      rounds: 5,
      warmupRounds: 1,
      impls: {
        poolkit: {
          run: () =>
            requests(
              (size) => requestPool.acquire(size),
              (buffer) => requestPool.release(buffer),
            ),
        },
        'Buffer.alloc': { run: () => requests((size) => Buffer.alloc(size), drop) },
        'Buffer.allocUnsafeSlow': { run: () => requests((size) => Buffer.allocUnsafeSlow(size), drop) },
        'Buffer.allocUnsafe': { run: () => requests((size) => Buffer.allocUnsafe(size), drop) },
      },
    },
  ],
});

process.on('exit', () => {
  if (sink === 42) console.log('unreachable');
});
