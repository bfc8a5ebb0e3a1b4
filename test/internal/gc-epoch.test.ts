import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { gcEpoch, gcEpochSource } from '../../src/internal/gc-epoch.js';

gcEpoch.disable();

describe('GC epoch source', () => {
  it('rotate() numbers epochs and calls every live subscriber once', () => {
    const seen: number[] = [];
    const hook = { onGcEpoch: (epoch: number) => seen.push(epoch) };
    gcEpochSource.subscribe(hook);
    const first = gcEpoch.rotate();
    const second = gcEpoch.rotate();
    expect(second).toBe(first + 1);
    expect(seen).toEqual([first, second]);
    expect(gcEpoch.epoch).toBe(second);
  });

  it('reports a throwing subscriber asynchronously and still calls the others', async () => {
    const seen: string[] = [];
    const thrower = {
      onGcEpoch: () => {
        throw new Error('subscriber failed');
      },
    };
    const after = { onGcEpoch: () => seen.push('after') };
    gcEpochSource.subscribe(thrower);
    gcEpochSource.subscribe(after);
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    process.prependListener('uncaughtException', onError);
    try {
      gcEpoch.rotate();
      await new Promise<void>((resolve) => setImmediate(resolve));
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(seen).toEqual(['after']);
    expect(errors).toEqual([expect.objectContaining({ message: 'subscriber failed' })]);
  });

  it('disable() and enable() are idempotent', () => {
    gcEpoch.disable();
    gcEpoch.disable();
    expect(gcEpoch.enabled).toBe(false);
    gcEpoch.enable();
    gcEpoch.enable();
    expect(gcEpoch.enabled).toBe(true);
    gcEpoch.disable();
    expect(gcEpoch.enabled).toBe(false);
  });

  describe('under NODE_V8_COVERAGE', () => {
    let dir: string | undefined;
    afterAll(async () => {
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    });

    it('starts disabled (nodejs/node#49344) and the process exits', async () => {
      dir = await mkdtemp(join(tmpdir(), 'poolkit-cov-'));
      const source = new URL('../../src/internal/gc-epoch.ts', import.meta.url).href;
      const script = `const { gcEpoch } = await import(${JSON.stringify(source)}); console.log(gcEpoch.enabled);`;
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        { env: { ...process.env, NODE_V8_COVERAGE: dir }, timeout: 30_000 },
      );
      expect(stdout.trim()).toBe('false');
    });
  });
});
