/** Runs an ES module body in a child Node process, for tests of what keeps a process alive. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs `script` (an ES module body; TypeScript through tsx) with the repository root as working
 * directory; resolves its exit code and trimmed stdout. A process still alive after 15 s is killed
 * (a guard, not a timing assertion), so a test of "exits by itself" fails instead of hanging.
 */
export async function runScript(script: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(guard);
  return { code, output: output.trim() };
}
