// The job handler of the consume demo section, and, when run as a script, a consumer of its own:
// the second "machine" that the section kills with SIGKILL half-way through.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** One job: a short wait (an I/O call elsewhere) then a little CPU work. Returns who did it. */
export async function handleJob(data, signal) {
  await sleep(2, undefined, { signal });
  let digest = String(data.n);
  for (let round = 0; round < 20; round++) digest = createHash('sha256').update(digest).digest('hex');
  return { by: process.pid, digest: digest.slice(0, 8) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { createTaskPool } = await import('../../dist/tasks/index.js');
  const { createBullMQSource } = await import('../../dist/adapters/bullmq/index.js');
  const [queueName, lockDurationMs] = process.argv.slice(2);
  const pool = createTaskPool({ concurrency: 8 });
  const source = createBullMQSource(queueName, {
    connection: { host: '127.0.0.1', port: 6379 },
    lockDurationMs: Number(lockDurationMs),
  });
  pool.consume(source, handleJob);
  process.send?.('consuming');
}
