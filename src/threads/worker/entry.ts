/**
 * The worker thread's entry point (built as its own entry, `dist/threads/worker/entry.js`): loads
 * the user's module, runs its `setup(workerData)` hook, announces the handlers, then runs task
 * batches until told to close, when it runs `teardown()` and exits with code 0. A module that
 * throws at load or in `setup` makes the thread fail before `READY`, which the pool counts as a
 * start failure (the crash-loop breaker).
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { deserializeError } from '../error-serde.js';
import { MSG_ABORT, MSG_CLOSE, MSG_READY, MSG_TASKS, type WorkerBootData } from '../protocol.js';
import { findHandlers, findHook, loadWorkerModule } from './load-module.js';
import { WorkerRuntime } from './runtime.js';

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('poolkit thread entry must run in a worker thread');
  const boot = workerData as WorkerBootData;
  const namespace = await loadWorkerModule(boot.moduleUrl);
  const handlers = findHandlers(namespace);
  await findHook(namespace, 'setup')?.(boot.workerData);
  const runtime = new WorkerRuntime(port, handlers as never, boot.shared, boot.slots, boot.reportHeapAlways);
  port.on('message', (message: unknown[]) => {
    switch (message[0]) {
      case MSG_TASKS:
        runtime.runBatch(message);
        break;
      case MSG_ABORT:
        runtime.abort(message[1] as number, deserializeError(message[2]));
        break;
      case MSG_CLOSE:
        void close(namespace);
        break;
    }
  });
  port.postMessage([MSG_READY, [...handlers.keys()]]);
}

async function close(namespace: Record<string, unknown>): Promise<void> {
  await findHook(namespace, 'teardown')?.();
  process.exit(0);
}

await main();
