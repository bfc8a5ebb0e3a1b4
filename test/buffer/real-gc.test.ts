import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/real-gc.ts', import.meta.url));

describe('BufferPool under real major GCs (--expose-gc child process)', () => {
  it('holds idle memory through one major GC and gives it back to V8 after the second', async () => {
    const env = { ...process.env };
    delete env.NODE_V8_COVERAGE;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--expose-gc', '--no-concurrent-array-buffer-sweeping', '--import', 'tsx', fixture],
      { env, timeout: 30_000 },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1) as string);
    expect(result.idleAfterOne).toBe(32 * 2 ** 20);
    expect(result.retainedAfterOneMiB).toBeGreaterThanOrEqual(31);
    expect(result.idleAfterTwo).toBe(0);
    expect(result.evicted).toBe(32);
    expect(result.retainedAfterTwoMiB).toBeLessThan(2);
  });
});
