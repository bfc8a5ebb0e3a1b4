import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requireService, services } from '../../helpers/services.js';

const up = await requireService('redis');
const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs `script` (an ES module body) in a child Node process; resolves its exit code and stdout. */
async function runChild(script: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  // A guard, not a timing assertion: a process still alive after 15 s is killed and fails the test.
  const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(guard);
  return { code, output: output.trim() };
}

describe('bullmq source in a process of its own', () => {
  it.skipIf(!up)(
    'after close() nothing keeps the process alive (no timer, no connection), also with a next() pending at close',
    async () => {
      const { code, output } = await runChild(`
      import { Queue } from 'bullmq';
      import { createBullMQSource } from './src/adapters/bullmq/index.ts';
      const connection = { host: '${services.redis.host}', port: ${services.redis.port} };
      const name = 'poolkit-test-exit-' + Math.random().toString(36).slice(2, 10);
      const queue = new Queue(name, { connection });
      await queue.add('a', { n: 1 });
      const source = createBullMQSource(name, { connection, lockDurationMs: 1000 });
      const task = await source.next(new AbortController().signal);
      await task.heartbeat();
      await task.ack(task.data.n + 1);
      const pending = source.next(new AbortController().signal);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await source.close();
      const job = await queue.getJob(task.id);
      console.log(JSON.stringify({ pendingResolvedUndefined: (await pending) === undefined, state: await job.getState(), result: job.returnvalue }));
      await queue.obliterate({ force: true });
      await queue.close();
    `);
      expect(code).toBe(0);
      expect(JSON.parse(output)).toEqual({ pendingResolvedUndefined: true, state: 'completed', result: 2 });
    },
  );
});
