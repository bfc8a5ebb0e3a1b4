import { describe, expect, expectTypeOf, it } from 'vitest';
import { type BullMQSource, createBullMQSource } from '../../../src/adapters/bullmq/index.js';
import type { SourcedTask, TaskSource } from '../../../src/tasks/index.js';

const connection = { host: '127.0.0.1', port: 6379 };

function optionError(make: () => unknown): unknown {
  try {
    make();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('bullmq source: arguments and options (no Redis needed)', () => {
  it('rejects a bad queue name with POOLKIT_INVALID_OPTION', () => {
    for (const name of ['', 'a:b', 42, undefined]) {
      expect(optionError(() => createBullMQSource(name as string, { connection }))).toMatchObject({
        code: 'POOLKIT_INVALID_OPTION',
        option: 'queueName',
        value: name,
      });
    }
    expect((optionError(() => createBullMQSource('a:b', { connection })) as Error).message).toBe(
      'Expected `queueName` to be a non-empty string without `:`, got `"a:b"` (string)',
    );
  });

  it('requires connection; checks every option; rejects unknown keys', () => {
    const cases: [unknown, string][] = [
      [undefined, 'options'],
      [{}, 'connection'],
      [{ connection: 'redis://x' }, 'connection'],
      [{ connection, prefix: '' }, 'prefix'],
      [{ connection, lockDurationMs: 99 }, 'lockDurationMs'],
      [{ connection, lockDurationMs: 1.5 }, 'lockDurationMs'],
      [{ connection, blockSeconds: 0.001 }, 'blockSeconds'],
      [{ connection, blockSeconds: Number.NaN }, 'blockSeconds'],
      [{ connection, stalledCheck: 'yes' }, 'stalledCheck'],
      [{ connection, onError: 'log' }, 'onError'],
    ];
    for (const [options, option] of cases) {
      const error = optionError(() => createBullMQSource('q', options as never));
      expect(error, option).toMatchObject({ code: 'POOLKIT_INVALID_OPTION', option });
    }
    expect(optionError(() => createBullMQSource('q', { connection, lockDuration: 5 } as never))).toMatchObject({
      code: 'POOLKIT_UNKNOWN_OPTION',
      option: 'lockDuration',
    });
  });

  it('heartbeatMs is a third of the lock duration (default 30 s)', () => {
    expect(createBullMQSource('q', { connection }).heartbeatMs).toBe(10_000);
    expect(createBullMQSource('q', { connection, lockDurationMs: 900 }).heartbeatMs).toBe(300);
    expect(createBullMQSource('q', { connection, lockDurationMs: 100 }).heartbeatMs).toBe(33);
  });

  it('next() without an AbortSignal rejects; close() before any next() connects to nothing', async () => {
    const source = createBullMQSource('q', { connection: { host: '127.0.0.1', port: 1 } });
    await expect(source.next(undefined as unknown as AbortSignal)).rejects.toMatchObject({
      code: 'POOLKIT_INVALID_OPTION',
      option: 'signal',
    });
    await source.close();
    expect(await source.next(new AbortController().signal)).toBeUndefined();
  });

  it('types: a TaskSource of the job data and result types', () => {
    expectTypeOf(createBullMQSource<{ url: string }, number>).returns.toEqualTypeOf<
      BullMQSource<{ url: string }, number>
    >();
    expectTypeOf<BullMQSource<{ url: string }, number>>().toExtend<TaskSource<{ url: string }, number>>();
    expectTypeOf<BullMQSource<{ url: string }, number>['next']>().returns.toEqualTypeOf<
      Promise<SourcedTask<{ url: string }, number> | undefined>
    >();
    expectTypeOf<BullMQSource['heartbeatMs']>().toEqualTypeOf<number>();
  });
});
