/**
 * An in-memory `TaskSource` for the consume tests of both pools: it records every heartbeat, ack
 * and nack, can "lose" a task's lock and can fail `next()` a number of times.
 */
import type { NackOptions, SourcedTask, TaskSource } from '../../src/tasks/index.js';

/** One recorded call on a task. */
export interface Call {
  readonly id: string;
  readonly kind: 'ack' | 'nack' | 'heartbeat';
  readonly value?: unknown;
  readonly options?: NackOptions | undefined;
}

/** An in-memory source: `push()` adds tasks, `end()` makes next() return undefined once empty. */
export class MemorySource implements TaskSource<number, number> {
  readonly calls: Call[] = [];
  readonly items: number[] = [];
  /** Ids whose heartbeat rejects (their lock was "lost"). */
  readonly lose = new Set<string>();
  /** next() rejects this many times before working again. */
  failNext = 0;
  nextCalls = 0;
  /** Most tasks handed out and not yet acked or nacked at once. */
  peak = 0;
  /** Tasks get `ackAndNext` (ack, then the next item if one is there, in one call). */
  chaining = false;
  /** Tasks handed out by `ackAndNext`. */
  chained = 0;
  #ended = false;
  #waiting: (() => void) | undefined;
  #counter = 0;

  push(...values: number[]): void {
    this.items.push(...values);
    this.#waiting?.();
  }

  end(): void {
    this.#ended = true;
    this.#waiting?.();
  }

  get outstanding(): number {
    const settled = this.calls.filter((call) => call.kind !== 'heartbeat').length;
    return this.#counter - settled;
  }

  async next(signal: AbortSignal): Promise<SourcedTask<number, number> | undefined> {
    this.nextCalls++;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('source down');
    }
    while (this.items.length === 0) {
      if (this.#ended || signal.aborted) return undefined;
      await new Promise<void>((resolve) => {
        this.#waiting = resolve;
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      this.#waiting = undefined;
    }
    return this.#handOut();
  }

  #handOut(): SourcedTask<number, number> {
    const data = this.items.shift() as number;
    const id = `t${++this.#counter}`;
    this.peak = Math.max(this.peak, this.outstanding);
    const calls = this.calls;
    const lose = this.lose;
    const task: SourcedTask<number, number> = {
      id,
      data,
      heartbeat: async () => {
        calls.push({ id, kind: 'heartbeat' });
        if (lose.has(id)) throw new Error(`lock of ${id} is gone`);
      },
      ack: async (value) => {
        calls.push({ id, kind: 'ack', value });
      },
      nack: async (value, options) => {
        calls.push({ id, kind: 'nack', value, options });
      },
    };
    if (this.chaining) {
      (task as { ackAndNext?: unknown }).ackAndNext = async (value: number) => {
        calls.push({ id, kind: 'ack', value });
        if (this.items.length === 0) return undefined;
        this.chained++;
        return this.#handOut();
      };
    }
    return task;
  }
}

/** The recorded calls of one kind. */
export const kinds = (source: MemorySource, kind: Call['kind']): Call[] =>
  source.calls.filter((call) => call.kind === kind);
