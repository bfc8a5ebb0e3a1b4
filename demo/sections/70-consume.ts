/**
 * Beyond one machine (DESIGN §8): a BullMQ queue on the real Redis, consumed by this process and by
 * a child process through `pool.consume(createBullMQSource(...), handler)`. The child is killed
 * with SIGKILL a third of the way through: the jobs it held come back when their locks expire,
 * and this process finishes them. Every job completes exactly once as far as the queue knows.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { createBullMQSource } from '../../dist/adapters/bullmq/index.js';
import { createTaskPool } from '../../dist/tasks/index.js';
import { ms, perSecond, reachable } from '../section.js';
import { handleJob, type JobResult } from './70-consume-job.mjs';

export const title = 'beyond one machine: two consumers share a BullMQ queue on Redis, one is SIGKILLed';

const JOBS = 3_000;
const LOCK_MS = 1_000;
const connection = { host: '127.0.0.1', port: 6379 };

export async function run(out: (line?: string) => void): Promise<void> {
  if (!(await reachable(6379))) {
    out('Redis is not reachable on 127.0.0.1:6379; start it with: redis-server --daemonize yes --port 6379 --save ""');
    return;
  }
  const name = `poolkit-demo-${process.pid}`;
  const queue = new Queue(name, { connection });
  const pool = createTaskPool({ concurrency: 8 });
  const source = createBullMQSource<{ n: number }, JobResult>(name, { connection, lockDurationMs: LOCK_MS });
  const child = fork(fileURLToPath(new URL('./70-consume-job.mjs', import.meta.url)), [name, String(LOCK_MS)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  try {
    await queue.addBulk(Array.from({ length: JOBS }, (_, n) => ({ name: 'hash', data: { n } })));
    await once(child, 'message'); // the child consumes
    const started = performance.now();
    const consumer = pool.consume(source, handleJob);
    let killedAt = Number.NaN; // Date.now() scale, as BullMQ's finishedOn
    let lastShown = 0;
    for (;;) {
      const counts = await queue.getJobCounts('completed', 'failed', 'active');
      const done = (counts.completed ?? 0) + (counts.failed ?? 0);
      if (Number.isNaN(killedAt) && done >= JOBS / 3) {
        child.kill('SIGKILL');
        killedAt = Date.now();
        out(`SIGKILL to the child consumer after ${done} jobs: the jobs it holds stay locked for ${LOCK_MS} ms`);
      }
      if (done - lastShown >= JOBS / 6 || done >= JOBS) {
        lastShown = done;
        const filled = Math.round((done / JOBS) * 30);
        out(
          `[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${done}/${JOBS} jobs done, ${counts.active ?? 0} active`,
        );
      }
      if (done >= JOBS) break;
      await sleep(50);
    }
    const elapsed = performance.now() - started;
    await consumer.stop();
    const final = await queue.getJobCounts('completed', 'failed');
    const jobs = await queue.getJobs(['completed'], 0, -1);
    const byUs = jobs.filter((job) => (job.returnvalue as JobResult | undefined)?.by === process.pid).length;
    const stalled = jobs.filter((job) => job.stalledCounter > 0);
    const recoveredByUs = stalled.filter((job) => (job.returnvalue as JobResult | undefined)?.by === process.pid);
    const lastRecovered = Math.max(...stalled.map((job) => job.finishedOn ?? 0));
    out(
      `${final.completed} of ${JOBS} jobs completed in ${ms(elapsed)} (${perSecond(JOBS, elapsed)}): ${byUs} here, ${jobs.length - byUs} by the child before it died; ${final.failed} failed`,
    );
    out(
      `${stalled.length} jobs were held by the killed consumer; their locks expired and this process ran ${recoveredByUs.length} of them again,`,
    );
    out(
      `  the last one done ${ms(lastRecovered - killedAt)} after the kill (lock ${LOCK_MS} ms, then BullMQ's stalled-job check moves them back)`,
    );
    out(`consumer here: ${JSON.stringify(consumer.stats())}`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await source.close();
    await pool.close();
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
  }
}
