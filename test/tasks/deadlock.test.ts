import { describe, expect, it } from 'vitest';
import { createTaskPool, DeadlockError } from '../../src/index.js';

describe('TaskPool: nested-submit deadlock detection (opt-in)', () => {
  it("mode 'error' rejects a nested run on the saturated pool instead of hanging (p-limit #91)", async () => {
    const pool = createTaskPool({ concurrency: 1, detectDeadlock: 'error' });
    const outer = pool.run(async () => {
      return pool.run(async () => 'inner'); // would wait forever for the outer task's slot
    });
    await expect(outer).rejects.toBeInstanceOf(DeadlockError);
    expect(pool.stats().rejected).toBe(1);
  });

  it('allows nested runs while the pool has room', async () => {
    const pool = createTaskPool({ concurrency: 2, detectDeadlock: 'error' });
    await expect(pool.run(async () => pool.run(async () => 'inner'))).resolves.toBe('inner');
  });

  it('does not flag runs from outside the pool, or a pool without detection', async () => {
    const pool = createTaskPool({ concurrency: 1, detectDeadlock: 'error' });
    const blocker = pool.run(() => new Promise((resolve) => setImmediate(resolve)));
    const outside = pool.run(async () => 'outside'); // queued, not nested: fine
    await blocker;
    await expect(outside).resolves.toBe('outside');
  });

  it("mode 'warn' emits a POOLKIT_DEADLOCK warning and queues the task", async () => {
    const pool = createTaskPool({ concurrency: 1, detectDeadlock: 'warn' });
    const warnings: Error[] = [];
    const listener = (warning: Error) => warnings.push(warning);
    process.on('warning', listener);
    try {
      let inner: Promise<string> | undefined;
      await pool.run(async () => {
        inner = pool.run(async () => 'inner'); // not awaited here, so no real deadlock
      });
      await expect(inner).resolves.toBe('inner');
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listener);
    }
    expect(warnings.some((warning) => (warning as { code?: string }).code === 'POOLKIT_DEADLOCK')).toBe(true);
  });
});
