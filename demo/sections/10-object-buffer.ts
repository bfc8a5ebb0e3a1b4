/**
 * Object and buffer pools on a real workload: 100k requests of 1-64 KiB, 64 in flight, each
 * buffer filled whole (the shape of a proxy or a file server), with and without a BufferPool.
 * Then the honest part: small objects barely gain, and idle pooled memory goes back to V8 after
 * two major GCs.
 */
import { Buffer } from 'node:buffer';
import { GCProfiler } from 'node:v8';
import { BufferPool } from '../../dist/buffer/index.js';
import { gcEpoch, ObjectPool } from '../../dist/object/index.js';
import { ms } from '../section.js';

export const title = 'object and buffer pools: where pooling pays in V8, and where it does not';

const REQUESTS = 100_000;
const IN_FLIGHT = 64;

/** Wall time and GC time inside `fn` (GCProfiler counts only GCs that ran during it). */
function measure(fn: () => void): { wallMs: number; gcMs: number } {
  const profiler = new GCProfiler();
  profiler.start();
  const start = performance.now();
  fn();
  const wallMs = performance.now() - start;
  const stats = profiler.stop();
  let costUs = 0;
  for (const entry of stats?.statistics ?? []) costUs += entry.cost;
  return { wallMs, gcMs: costUs / 1000 };
}

function seededSizes(count: number): Uint32Array {
  let state = 7;
  const sizes = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    sizes[i] = 1 + (state % (64 * 1024));
  }
  return sizes;
}

function workload(sizes: Uint32Array, take: (size: number) => Buffer, give: (buffer: Buffer) => void): void {
  const flight: (Buffer | undefined)[] = new Array(IN_FLIGHT).fill(undefined);
  for (let i = 0; i < sizes.length; i++) {
    const slot = i % IN_FLIGHT;
    const done = flight[slot];
    if (done !== undefined) give(done);
    const buffer = take(sizes[i] as number);
    buffer.fill(i & 0xff);
    flight[slot] = buffer;
  }
  for (const buffer of flight) if (buffer !== undefined) give(buffer);
}

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function run(out: (line?: string) => void): Promise<void> {
  const sizes = seededSizes(REQUESTS);
  const pool = new BufferPool({ minSize: 1024, maxSize: 64 * 1024, classesPerDoubling: 4 });
  let kept: Buffer | undefined;
  const drop = (buffer: Buffer) => {
    kept = buffer;
  };
  workload(
    sizes.subarray(0, 5000),
    (size) => pool.acquire(size),
    (buffer) => pool.release(buffer),
  ); // warm-up
  gc();
  const alloc = measure(() => workload(sizes, (size) => Buffer.alloc(size), drop));
  gc();
  const unsafe = measure(() => workload(sizes, (size) => Buffer.allocUnsafe(size), drop));
  gc();
  const pooled = measure(() =>
    workload(
      sizes,
      (size) => pool.acquire(size),
      (buffer) => pool.release(buffer),
    ),
  );
  const stats = pool.stats();
  out(`${REQUESTS.toLocaleString()} requests of 1-64 KiB, ${IN_FLIGHT} in flight, each buffer filled whole:`);
  out(`  Buffer.alloc        ${ms(alloc.wallMs).padStart(9)}   GC ${ms(alloc.gcMs).padStart(9)}`);
  out(`  Buffer.allocUnsafe  ${ms(unsafe.wallMs).padStart(9)}   GC ${ms(unsafe.gcMs).padStart(9)}`);
  out(
    `  BufferPool          ${ms(pooled.wallMs).padStart(9)}   GC ${ms(pooled.gcMs).padStart(9)}   ` +
      `${(alloc.wallMs / pooled.wallMs).toFixed(1)}x faster than Buffer.alloc`,
  );
  const hitRate = (100 * stats.hits) / Math.max(1, stats.hits + stats.misses);
  out(
    `  pool: ${hitRate.toFixed(2)}% hits, ${stats.misses} allocations in all, ` +
      `${(stats.idleBytes / 2 ** 20).toFixed(1)} MiB idle, high-water ${stats.inUseBuffersHighWater} buffers in use`,
  );

  const slab = Buffer.allocUnsafe(100);
  pool.release(slab);
  out(
    `  a slab-backed Buffer.allocUnsafe(100) given to release(): refused and counted (drops.slab = ${pool.stats().drops.slab}), never lent out`,
  );

  class Point {
    x = 0;
    y = 0;
  }
  const points = new ObjectPool({ create: () => new Point(), eviction: 'none' });
  let sink: Point | undefined;
  const pairs = 5_000_000;
  const pooledPoints = measure(() => {
    for (let i = 0; i < pairs; i++) {
      const p = points.acquire();
      p.x = i;
      points.release(p);
    }
  });
  const newPoints = measure(() => {
    for (let i = 0; i < pairs; i++) {
      const p = new Point();
      p.x = i;
      sink = p;
    }
  });
  out('');
  out(
    `small objects, ${(pairs / 1e6).toFixed(0)}M uses: ObjectPool ${((pooledPoints.wallMs * 1e6) / pairs).toFixed(1)} ns each, new ${((newPoints.wallMs * 1e6) / pairs).toFixed(1)} ns each (GC ${ms(newPoints.gcMs)}):`,
  );
  out('  V8 allocates small objects by bumping a pointer and frees them in scavenges that only touch');
  out('  survivors, so pooling them saves a few ns at best. Pool buffers and costly objects instead.');

  const before = pool.stats().idleBytes;
  gc();
  await turn();
  await turn();
  const afterOne = pool.stats().idleBytes;
  gc();
  await turn();
  await turn();
  const afterTwo = pool.stats().idleBytes;
  out('');
  out(
    `idle pooled memory across major GCs (GC epochs ${gcEpoch.enabled ? 'on' : 'off'}): ` +
      `${(before / 2 ** 20).toFixed(1)} MiB -> ${(afterOne / 2 ** 20).toFixed(1)} MiB after one -> ${(afterTwo / 2 ** 20).toFixed(1)} MiB after two`,
  );
  out('  (like Go 1.13+ sync.Pool: an idle buffer survives one to two major GCs, then V8 gets it back)');
  if (kept === undefined && sink === undefined) out('');
}
