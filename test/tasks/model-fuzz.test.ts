import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTaskPool, type TaskPoolStats } from '../../src/tasks/index.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { PROPERTY_SEED } from '../helpers/seed.js';
import { flush, type Gate, gate } from './helpers.js';

type Op =
  | {
      kind: 'run';
      priority: number;
      signal: boolean;
      timeoutMs: number | undefined;
      queueTimeoutMs: number | undefined;
      key: number | undefined;
    }
  | { kind: 'tryRun' }
  | { kind: 'submit' }
  | { kind: 'abort'; pick: number }
  | { kind: 'finish'; pick: number; fail: boolean }
  | { kind: 'resize'; concurrency: number }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'advance'; ms: number }
  | { kind: 'close' }
  | { kind: 'destroy' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('run' as const),
      priority: fc.integer({ min: -1, max: 2 }),
      signal: fc.boolean(),
      timeoutMs: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
      queueTimeoutMs: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
      key: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'tryRun' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'submit' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('finish' as const), pick: fc.nat(), fail: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('resize' as const), concurrency: fc.integer({ min: 1, max: 4 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'pause' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'resume' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'close' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'destroy' as const }) },
);

function countersAddUp(stats: TaskPoolStats): boolean {
  const accounted =
    stats.queued +
    (stats.running - stats.abandoned) +
    stats.succeeded +
    stats.failed +
    stats.cancelled +
    stats.timedOut +
    stats.rejected;
  return accounted === stats.submitted;
}

describe('TaskPool: model-based fuzz', () => {
  it('keeps running <= concurrency, adds its counters up, and settles every promise exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 60 }), fc.integer({ min: 1, max: 3 }), async (ops, concurrency) => {
        const clock = new FakeClock();
        const errors: unknown[] = [];
        const pool = createTaskPool({ concurrency, clock, keyConcurrency: 1, onError: (error) => errors.push(error) });
        const gates: Gate[] = [];
        const controllers: AbortController[] = [];
        const settlements: number[] = [];
        let startsOverLimit = 0;
        let startsWhilePaused = 0;
        const track = (promise: Promise<unknown>) => {
          const index = settlements.push(0) - 1;
          const bump = () => {
            settlements[index] = (settlements[index] as number) + 1;
          };
          promise.then(bump, bump);
        };
        const newGate = (): Gate => {
          const g = gate();
          const fn = g.fn;
          const checked: Gate = Object.create(g, {
            fn: {
              value: (signal: AbortSignal) => {
                if (pool.running > pool.concurrency) startsOverLimit++;
                if (pool.isPaused) startsWhilePaused++;
                return fn(signal);
              },
            },
          });
          gates.push(g);
          return checked;
        };
        for (const op of ops) {
          switch (op.kind) {
            case 'run': {
              const controller = new AbortController();
              controllers.push(controller);
              track(
                pool.run(newGate().fn, {
                  priority: op.priority,
                  signal: op.signal ? controller.signal : undefined,
                  timeoutMs: op.timeoutMs,
                  queueTimeoutMs: op.queueTimeoutMs,
                  key: op.key,
                }),
              );
              break;
            }
            case 'tryRun':
              track(pool.tryRun(newGate().fn));
              break;
            case 'submit':
              try {
                pool.submit(newGate().fn);
              } catch {
                // refused synchronously: counted as rejected
              }
              break;
            case 'abort':
              if (controllers.length > 0) controllers[op.pick % controllers.length]?.abort(new Error('fuzz abort'));
              break;
            case 'finish': {
              const started = gates.filter((g) => g.started);
              const target = started[op.pick % Math.max(1, started.length)];
              if (op.fail) target?.fail(new Error('fuzz fail'));
              else target?.open('ok');
              break;
            }
            case 'resize':
              pool.resize(op.concurrency);
              break;
            case 'pause':
              pool.pause();
              break;
            case 'resume':
              pool.resume();
              break;
            case 'advance':
              await clock.advance(op.ms);
              break;
            case 'close':
              track(pool.close());
              break;
            case 'destroy':
              track(pool.destroy());
              break;
          }
          await flush();
          const stats = pool.stats();
          if (!countersAddUp(stats)) throw new Error(`counters do not add up: ${JSON.stringify(stats)}`);
          if (stats.running < stats.abandoned || stats.queued < 0) throw new Error('negative gauge');
        }
        // Shut down: every promise must now be settled exactly once, nothing may run or wait.
        await pool.destroy();
        for (const g of gates) g.open('late');
        await flush();
        const stats = pool.stats();
        expect(countersAddUp(stats)).toBe(true);
        expect(stats.running).toBe(0);
        expect(stats.queued).toBe(0);
        expect(settlements.every((count) => count === 1)).toBe(true);
        expect(startsOverLimit).toBe(0);
        expect(startsWhilePaused).toBe(0);
        expect(clock.referencedTimers).toBe(0);
      }),
      { seed: PROPERTY_SEED, numRuns: 150 },
    );
  });
});
