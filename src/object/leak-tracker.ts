/**
 * Sampled leak reports for object pools: a sampled acquire records its stack and registers the
 * object in a FinalizationRegistry; release unregisters it. An object collected while still
 * lent was never released, and the report carries the stack of the acquire that lent it (the
 * idea of Netty's ResourceLeakDetector).
 *
 * @module
 */
import { LeakDetectedError } from '../internal/errors.js';

/** Reported through the `leak` event of a pool. */
export interface LeakReport {
  /** The error, with `acquireStack` as a detail and as part of its message. */
  readonly error: InstanceType<typeof LeakDetectedError>;
  /** Stack of the acquire that lent the object that was never released. */
  readonly acquireStack: string;
}

/** Tracks sampled lent objects of one pool. */
export class LeakTracker {
  readonly #rate: number;
  readonly #registry: FinalizationRegistry<string>;
  readonly #report: (report: LeakReport) => void;

  constructor(owner: string, rate: number, report: (report: LeakReport) => void) {
    this.#rate = rate;
    this.#report = report;
    this.#registry = new FinalizationRegistry<string>((acquireStack) => {
      const error = new LeakDetectedError(
        `An object acquired from ${owner} was garbage collected without being released; it was acquired at:\n${acquireStack}`,
        { acquireStack },
      );
      this.#report({ error, acquireStack });
    });
  }

  /** Called on acquire: samples and records the stack. */
  track(obj: object): void {
    if (this.#rate < 1 && Math.random() >= this.#rate) return;
    const stack = new Error('acquired here').stack ?? '(no stack)';
    this.#registry.register(obj, stack.split('\n').slice(2).join('\n'), obj);
  }

  /** Called on release (and drop): the object is accounted for. */
  untrack(obj: object): void {
    this.#registry.unregister(obj);
  }
}
