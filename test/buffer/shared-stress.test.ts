import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/shared-stress.ts', import.meta.url));

describe('SharedBufferPool under several worker threads', () => {
  it('never grants one slot to two holders, and every slot is free once at the end', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture], { timeout: 60_000 });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) as string);
    expect(result.acquired).toBeGreaterThan(1000);
    expect(result.passed).toBeGreaterThan(0);
    expect(result).toMatchObject({ collisions: 0, corrupt: 0, errors: 0, freeAtEnd: result.slots });
  });
});
