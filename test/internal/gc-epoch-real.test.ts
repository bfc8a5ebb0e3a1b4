import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('../object/fixtures/real-gc.ts', import.meta.url));

describe('GC epoch source under real major GCs (--expose-gc child process)', () => {
  it('follows major GCs one for one, ages pools, forgets abandoned pools and reports leaks', async () => {
    const env = { ...process.env };
    delete env.NODE_V8_COVERAGE;
    const { stdout } = await run(
      process.execPath,
      ['--expose-gc', '--no-concurrent-array-buffer-sweeping', '--import', 'tsx', fixture],
      { env, timeout: 30_000 },
    );
    const results = JSON.parse(stdout.trim().split('\n').at(-1) as string);
    expect(results).toMatchObject({
      enabledAtStart: true,
      epochsAfterMinorGcs: 0,
      epochsAfterOneMajorGc: 1,
      idleAfterOneMajorGc: 3,
      idleAfterTwoMajorGcs: 0,
      evicted: 3,
      epochsAfterThreeMoreMajorGcs: 3,
      subscribersWithAbandoned: 11,
      subscribersAfterGc: 1,
      epochsWhileDisabled: 0,
      epochsAfterEnable: 1,
      keepPoolAlive: true,
    });
    expect(results.leaks).toHaveLength(1);
    expect(results.leaks[0]).toMatch(/^POOLKIT_LEAK_DETECTED\n/);
    expect(results.leaks[0]).toContain('lendAndForget');
  });
});
