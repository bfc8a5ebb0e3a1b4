import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/internal/options.js';
import type { Executor, ExecutorHost, ExecutorTask } from '../../src/tasks/executor.js';
import { schedulingOptionSchema } from '../../src/tasks/options.js';
import { Scheduler } from '../../src/tasks/scheduler.js';
import { codeOf, flush, track } from './helpers.js';

/** A scripted executor: capacity set by the test, tasks held until the test reports them. */
class ScriptedExecutor implements Executor<string, string> {
  host: ExecutorHost | undefined;
  slots = 0;
  started: ExecutorTask<string, string>[] = [];
  cancelled: { id: number; reason: unknown }[] = [];
  demands: number[] = [];
  closed = 0;
  destroyed = 0;
  attach(host: ExecutorHost): void {
    this.host = host;
  }
  capacity(): number {
    return this.slots;
  }
  start(task: ExecutorTask<string, string>): void {
    this.started.push(task);
  }
  cancel(task: ExecutorTask<string, string>, reason: unknown): void {
    this.cancelled.push({ id: task.id, reason });
  }
  demand(queued: number): void {
    this.demands.push(queued);
  }
  async close(): Promise<void> {
    this.closed++;
  }
  async destroy(): Promise<void> {
    this.destroyed++;
  }
}

function scheduler(executor: ScriptedExecutor, options: object = {}) {
  return new Scheduler(
    executor,
    resolveOptions('Test', { concurrency: 4, ...options }, schedulingOptionSchema),
    'Test',
  );
}

describe('Scheduler and Executor contract', () => {
  it('starts no more than min(concurrency, capacity) and re-reads capacity when told', async () => {
    const executor = new ScriptedExecutor();
    const core = scheduler(executor);
    const results = ['a', 'b', 'c', 'd', 'e'].map((payload) => track(core.run(payload)));
    expect(executor.started).toHaveLength(0); // no capacity yet (threads still spawning)
    expect(executor.demands.at(-1)).toBe(5);
    executor.slots = 2;
    executor.host?.capacityChanged();
    expect(executor.started.map((task) => task.payload)).toEqual(['a', 'b']);
    executor.slots = 100;
    executor.host?.capacityChanged();
    expect(executor.started).toHaveLength(4); // concurrency binds now
    executor.started[0]?.resolve('A');
    executor.started[0]?.resolve('again'); // ignored: first report wins
    executor.started[1]?.reject(new Error('worker died'));
    await flush();
    expect(results[0]?.value).toBe('A');
    expect(results[1]?.error).toMatchObject({ message: 'worker died' });
    expect(executor.started).toHaveLength(5);
    expect(core.stats()).toMatchObject({ succeeded: 1, failed: 1, running: 3 });
  });

  it('delivers aborts through the signal and cancel(), and keeps the slot until reported', async () => {
    const executor = new ScriptedExecutor();
    executor.slots = 1;
    const core = scheduler(executor, { timeoutMs: 10 });
    const outcome = track(core.run('x', { timeoutMs: Number.POSITIVE_INFINITY, signal: new AbortController().signal }));
    const controller = new AbortController();
    const second = track(core.run('y', { signal: controller.signal }));
    const task = executor.started[0] as ExecutorTask<string, string>;
    const reason = new Error('stop');
    // Cancel the running task through the core.
    core.cancel(task as never, reason);
    await flush();
    expect(outcome.error).toBe(reason);
    expect(task.signal.aborted).toBe(true);
    expect(executor.cancelled).toEqual([{ id: task.id, reason }]);
    expect(executor.started).toHaveLength(1); // slot still busy
    task.resolve('late');
    expect(executor.started).toHaveLength(2);
    controller.abort();
    await flush();
    expect(second.error).toBe(controller.signal.reason); // signal.reason itself, a DOMException
    expect(codeOf(second.error)).not.toBe('POOLKIT_ABORTED');
  });

  it('close waits for reports then closes the executor; destroy calls destroy', async () => {
    const executor = new ScriptedExecutor();
    executor.slots = 1;
    const core = scheduler(executor);
    void core.run('a');
    const closing = track(core.close());
    await flush();
    expect(executor.closed).toBe(0);
    executor.started[0]?.resolve('done');
    await flush();
    expect(closing.status).toBe('fulfilled');
    expect(executor.closed).toBe(1);
    const other = new ScriptedExecutor();
    const core2 = scheduler(other);
    await core2.destroy();
    expect(other.destroyed).toBe(1);
  });
});
