import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('the process', () => {
  it('stays alive for a pending task, then exits by itself with the pool never closed', async () => {
    const script = fileURLToPath(new URL('./fixtures/exits-by-itself.ts', import.meta.url));
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, ['--import', 'tsx', script], { timeout: 15_000 }, (_error, out) =>
        resolve({ code: child.exitCode, stdout: out }),
      );
    });
    expect(stdout.trim()).toBe('settled');
    expect(code).toBe(0);
  });
});
