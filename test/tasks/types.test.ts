import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  createTaskPool,
  type RunOptions,
  type TaskGroup,
  type TaskPool,
  type TaskPoolStats,
} from '../../src/tasks/index.js';

describe('TaskPool: public types', () => {
  it('infers results from handlers and exposes typed options and stats', async () => {
    const pool = createTaskPool({ concurrency: 4 });
    expectTypeOf(pool).toEqualTypeOf<TaskPool>();
    const asyncResult = pool.run(async () => 1);
    const syncResult = pool.run(() => 'sync');
    const tried = pool.tryRun(async (signal) => signal.aborted);
    expectTypeOf(asyncResult).toEqualTypeOf<Promise<number>>();
    expectTypeOf(syncResult).toEqualTypeOf<Promise<string>>();
    expectTypeOf(tried).toEqualTypeOf<Promise<boolean>>();
    // The calls above really ran: their values match their inferred types.
    expect(await Promise.all([asyncResult, syncResult, tried])).toEqual([1, 'sync', false]);
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
