import diagnostics from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { basicPool, closeAndCheck } from './helpers.js';

describe('ThreadPool diagnostics channels', () => {
  it('publishes its tasks under poolkit:threads:*, not under the task pool family', async () => {
    const seen: string[] = [];
    const onThreads = (message: unknown) => seen.push(`threads:${(message as { taskId: number }).taskId}`);
    const onTasks = () => seen.push('tasks');
    diagnostics.subscribe('poolkit:threads:taskSucceeded', onThreads);
    diagnostics.subscribe('poolkit:tasks:taskSucceeded', onTasks);
    const pool = basicPool();
    try {
      expect(await pool.run('add', { a: 1, b: 2 })).toBe(3);
    } finally {
      diagnostics.unsubscribe('poolkit:threads:taskSucceeded', onThreads);
      diagnostics.unsubscribe('poolkit:tasks:taskSucceeded', onTasks);
      await closeAndCheck(pool);
    }
    expect(seen).toEqual(['threads:1']);
  });
});
