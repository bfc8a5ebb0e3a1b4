/**
 * The thread pool: a Mandelbrot image rendered in bands across every core, against the same code
 * on one thread; then the same job with a worker that crashes mid-run, survived by a retry on a
 * fresh thread.
 */
import { availableParallelism } from 'node:os';
import { createThreadPool } from '../../dist/threads/index.js';
import { ms } from '../section.js';
import * as handlers from './60-threads-worker.mjs';

export const title = 'threads: CPU work across cores, a crash survived';

const WIDTH = 640;
const HEIGHT = 384;
const ROWS = 8;
const MAX_ITERATIONS = 1500;
const bands = Array.from({ length: HEIGHT / ROWS }, (_, index) => ({
  y0: index * ROWS,
  rows: ROWS,
  width: WIDTH,
  height: HEIGHT,
  maxIterations: MAX_ITERATIONS,
}));

function thumbnail(image: Uint8Array, out: (line?: string) => void): void {
  const shades = ' .:-=+*#%@';
  for (let y = 0; y < HEIGHT; y += 32) {
    let line = '';
    for (let x = 0; x < WIDTH; x += 10) {
      const value = image[y * WIDTH + x] ?? 0;
      line += value === 0 ? '@' : (shades[Math.min(shades.length - 2, Math.floor(Math.log2(value + 1)))] ?? ' ');
    }
    out(`  ${line}`);
  }
}

export async function run(out: (line?: string) => void): Promise<void> {
  const threads = availableParallelism();
  const started = performance.now();
  for (const input of bands) handlers.band(input);
  const singleMs = performance.now() - started;
  out(`${WIDTH}x${HEIGHT} Mandelbrot, ${bands.length} bands, one thread (main): ${ms(singleMs)}`);

  const pool = createThreadPool<typeof handlers>({
    module: new URL('./60-threads-worker.mjs', import.meta.url),
    minThreads: threads,
    maxThreads: threads,
  });
  await Promise.all(Array.from({ length: threads }, () => pool.run('band', { ...bands[0], rows: 1 } as never)));
  const image = new Uint8Array(WIDTH * HEIGHT);
  let done = 0;
  let nextReport = 0.25;
  const poolStarted = performance.now();
  await Promise.all(
    bands.map(async (input) => {
      image.set(await pool.run('band', input), input.y0 * WIDTH);
      done++;
      if (done / bands.length >= nextReport) {
        out(`  [${'#'.repeat(Math.round((done / bands.length) * 20)).padEnd(20)}] ${done}/${bands.length} bands`);
        nextReport += 0.25;
      }
    }),
  );
  const poolMs = performance.now() - poolStarted;
  out(`${threads} threads: ${ms(poolMs)}, speed-up ${(singleMs / poolMs).toFixed(2)}x over one thread`);
  thumbnail(image, out);

  const attempts = new SharedArrayBuffer(4);
  const exits: string[] = [];
  pool.on('threadExited', ({ threadId, exitCode, reason }) => exits.push(`#${threadId} ${reason} (exit ${exitCode})`));
  const crashStarted = performance.now();
  const results = await Promise.allSettled(
    bands.map((input, index) =>
      index === Math.floor(bands.length / 2)
        ? pool.run('bandOrCrash', { ...input, attempts }, { retries: 1 })
        : pool.run('band', input),
    ),
  );
  const stats = pool.stats();
  const failed = results.filter((result) => result.status === 'rejected');
  out(
    `same job with a thread killed mid-run (process.exit(70) in a task): ${results.length - failed.length}/${results.length} bands done in ${ms(performance.now() - crashStarted)}`,
  );
  out(
    `  thread exits: ${exits.join(', ')}; crashed ${stats.lifetime.crashed}, tasks retried ${stats.lifetime.retried}, threads now ${stats.threads.total}`,
  );
  out(
    `  run time p50 ${ms(stats.runTime.p50Ms)}, p99 ${ms(stats.runTime.p99Ms)}; busy share of each thread since it started: ${stats.workers.map((worker) => `#${worker.threadId} ${Math.round(worker.utilization * 100)}% (${worker.completed} tasks)`).join(', ')}`,
  );
  await pool.close();
  out(`closed: ${pool.stats().threads.total} threads left`);
}
