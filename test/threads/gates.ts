/**
 * Gates for the `gated` handler of the basic fixture: the test sees which tasks started or were
 * aborted (on one BroadcastChannel) and decides when each one finishes (on another), so map and
 * group tests control completion order across threads without timers.
 */
import { randomUUID } from 'node:crypto';

/** The input of the `gated` handler. */
export interface GatedInput {
  readonly events: string;
  readonly control: string;
  readonly id: number;
  readonly value: number;
}

/** A set of gated tasks. */
export interface Gates {
  /** Messages seen so far: `started:<id>`, `aborted:<id>`. */
  readonly seen: readonly string[];
  /** The input of gated task `id`, which resolves with `value` when released. */
  item(id: number, value?: number): GatedInput;
  /** Resolves once `message` has been seen. */
  waitFor(message: string): Promise<void>;
  /** Lets task `id` resolve with its value. */
  release(id: number): void;
  /** Makes task `id` throw `Error('failed <id>')`. */
  fail(id: number): void;
  /** Closes both channels. */
  close(): void;
}

/** Creates {@link Gates} on fresh channels. */
export function gates(): Gates {
  const name = `poolkit-gates-${randomUUID()}`;
  const events = new BroadcastChannel(`${name}-events`);
  const control = new BroadcastChannel(`${name}-control`);
  const seen: string[] = [];
  let waiting: { message: string; resolve: () => void }[] = [];
  events.onmessage = (event) => {
    const message = String((event as MessageEvent).data);
    seen.push(message);
    const ready = waiting.filter((waiter) => waiter.message === message);
    waiting = waiting.filter((waiter) => waiter.message !== message);
    for (const waiter of ready) waiter.resolve();
  };
  return {
    seen,
    item: (id, value = id) => ({ events: `${name}-events`, control: `${name}-control`, id, value }),
    waitFor: (message) =>
      seen.includes(message) ? Promise.resolve() : new Promise((resolve) => waiting.push({ message, resolve })),
    release: (id) => control.postMessage(`release:${id}`),
    fail: (id) => control.postMessage(`fail:${id}`),
    close: () => {
      events.close();
      control.close();
    },
  };
}
