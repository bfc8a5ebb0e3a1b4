import diagnosticsChannel from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { createTaskPool } from '../../src/tasks/index.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { flush, gate } from './helpers.js';

describe('TaskPool: events', () => {
  it('emits started/succeeded/failed with wait and run times', async () => {
    const clock = new FakeClock();
    const pool = createTaskPool({ concurrency: 1, clock });
    const seen: string[] = [];
    pool.on('taskStarted', ({ taskId, waitedMs }) => seen.push(`start ${taskId} waited ${waitedMs}`));
    pool.on('taskSucceeded', ({ taskId, runMs }) => seen.push(`ok ${taskId} ran ${runMs}`));
    const off = pool.on('taskFailed', ({ taskId, error }) => seen.push(`fail ${taskId} ${(error as Error).message}`));
    const first = gate();
    const a = pool.run(first.fn);
    const b = pool.run(async () => {
      throw new Error('nope');
    });
    await clock.advance(25);
    first.open('x');
    await a;
    await expect(b).rejects.toThrow('nope');
    off();
    await pool
      .run(async () => {
        throw new Error('unheard');
      })
      .catch(() => {});
    expect(seen).toEqual(['start 1 waited 0', 'ok 1 ran 25', 'start 2 waited 25', 'fail 2 nope', 'start 3 waited 0']);
  });

  it('publishes on poolkit:tasks:<event> diagnostics channels', async () => {
    const pool = createTaskPool();
    const messages: unknown[] = [];
    const subscriber = (message: unknown) => messages.push(message);
    diagnosticsChannel.subscribe('poolkit:tasks:taskSucceeded', subscriber);
    try {
      await pool.run(async () => 1);
      await flush();
    } finally {
      diagnosticsChannel.unsubscribe('poolkit:tasks:taskSucceeded', subscriber);
    }
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ taskId: 1 });
  });
});
