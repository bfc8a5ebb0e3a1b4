/**
 * The events of one pool: the typed emitter plus cheap checks for the three events on the hot
 * path (`acquireStarted`, `acquireSucceeded`, `released`). Those checks read a flag kept up to
 * date by `on`/`off` and the channel's own `hasSubscribers`, instead of two map lookups per call.
 *
 * @module
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { channelName, Emitter, type Listener } from '../internal/events.js';
import type { PoolEvents } from './types.js';

type EventName<T> = keyof PoolEvents<T> & string;

/** Emitter plus hot-path flags. */
export class PoolEventHub<T> {
  readonly #emitter = new Emitter<PoolEvents<T>>('resource');
  readonly #startedChannel = diagnosticsChannel.channel(channelName('resource', 'acquireStarted'));
  readonly #succeededChannel = diagnosticsChannel.channel(channelName('resource', 'acquireSucceeded'));
  readonly #releasedChannel = diagnosticsChannel.channel(channelName('resource', 'released'));
  #started = false;
  #succeeded = false;
  #released = false;

  /** True when `acquireStarted` has a listener or subscriber. */
  wantsStarted(): boolean {
    return this.#started || this.#startedChannel.hasSubscribers;
  }

  /** True when `acquireSucceeded` has a listener or subscriber. */
  wantsSucceeded(): boolean {
    return this.#succeeded || this.#succeededChannel.hasSubscribers;
  }

  /** True when `released` has a listener or subscriber. */
  wantsReleased(): boolean {
    return this.#released || this.#releasedChannel.hasSubscribers;
  }

  /** True when `event` has a listener or subscriber (cold events). */
  wants(event: EventName<T>): boolean {
    return this.#emitter.wants(event);
  }

  emit<E extends EventName<T>>(event: E, payload: PoolEvents<T>[E]): void {
    this.#emitter.emit(event, payload);
  }

  on<E extends EventName<T>>(event: E, listener: Listener<PoolEvents<T>, E>, once = false): () => void {
    const remove = once ? this.#emitter.once(event, listener) : this.#emitter.on(event, listener);
    this.#refresh();
    return () => {
      remove();
      this.#refresh();
    };
  }

  off<E extends EventName<T>>(event: E, listener: Listener<PoolEvents<T>, E>): void {
    this.#emitter.off(event, listener);
    this.#refresh();
  }

  #refresh(): void {
    // A `once` listener that fired leaves its flag set until the next on/off: harmless (emit finds nobody).
    this.#started = this.#emitter.listenerCount('acquireStarted') > 0;
    this.#succeeded = this.#emitter.listenerCount('acquireSucceeded') > 0;
    this.#released = this.#emitter.listenerCount('released') > 0;
  }
}
