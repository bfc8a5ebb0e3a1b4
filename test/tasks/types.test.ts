import { describe, expectTypeOf, it } from 'vitest';
import {
  createTaskPool,
  type RunOptions,
  type TaskGroup,
  type TaskPool,
  type TaskPoolStats,
} from '../../src/tasks/index.js';

describe('TaskPool: public types', () => {
  it('infers results from handlers and exposes typed options and stats', async () => {
    const pool = createTaskPool({ concurrency: 2 });
    expectTypeOf(pool).toEqualTypeOf<TaskPool>();
    expectTypeOf(pool.run(async () => 1)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(pool.run(() => 'sync')).toEqualTypeOf<Promise<string>>();
    expectTypeOf(pool.tryRun(async (signal) => signal.aborted)).toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(pool.submit).returns.toEqualTypeOf<void>();
    expectTypeOf(pool.map([1, 2], async (item) => String(item))).toEqualTypeOf<AsyncIterableIterator<string>>();
    expectTypeOf(pool.group()).toEqualTypeOf<TaskGroup>();
    expectTypeOf(pool.stats()).toEqualTypeOf<TaskPoolStats>();
    expectTypeOf<RunOptions['priority']>().toEqualTypeOf<number | undefined>();
    expectTypeOf(pool.stats().waitTime.p99Ms).toEqualTypeOf<number>();
    // @ts-expect-error: the handler must be a function
    expectTypeOf(() => pool.run(42)).toBeFunction();
    await pool.close();
  });
});
