/**
 * Typed events for every pool, mirrored to `node:diagnostics_channel` as
 * `poolkit:<family>:<event>`. Both cost one property read when nobody listens. A listener that
 * throws never disturbs the owner: the error is rethrown on a later microtask (as Node's
 * `EventTarget` does), and the remaining listeners still run.
 *
 * @module
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { invalidOption } from './options.js';
import { reportAsync } from './report.js';

/** A map of event names to payload types, e.g. `{ acquired: { waitedMs: number } }`. */
export type EventMap = { readonly [event: string]: unknown };

/** A listener for the event `E` of map `M`. */
export type Listener<M extends EventMap, E extends keyof M> = (payload: M[E]) => void;

/** The subscription half of an emitter, the part pools expose publicly. */
export interface EventSource<M extends EventMap> {
  /** Adds `listener` for `event`. Returns a function that removes it. */
  on<E extends keyof M & string>(event: E, listener: Listener<M, E>): () => void;
  /** Adds a listener that runs at most once. Returns a function that removes it. */
  once<E extends keyof M & string>(event: E, listener: Listener<M, E>): () => void;
  /** Removes `listener` for `event`, if present. */
  off<E extends keyof M & string>(event: E, listener: Listener<M, E>): void;
}

type AnyListener = (payload: unknown) => void;

/**
 * The name of the diagnostics channel that carries `event` of `family`:
 * `poolkit:<family>:<event>`.
 */
export function channelName(family: string, event: string): string {
  return `poolkit:${family}:${event}`;
}

/** Typed emitter plus diagnostics channels. Owners keep it private and expose it as {@link EventSource}. */
export class Emitter<M extends EventMap> implements EventSource<M> {
  readonly #family: string;
  readonly #listeners = new Map<string, AnyListener[]>();
  readonly #channels = new Map<string, diagnosticsChannel.Channel>();

  /** @param family - the family segment of channel names, e.g. `resource`. */
  constructor(family: string) {
    if (typeof family !== 'string' || !/^[a-z][a-z0-9-]*$/.test(family)) {
      invalidOption('family', 'a lower-case name such as `resource`', family);
    }
    this.#family = family;
  }

  on<E extends keyof M & string>(event: E, listener: Listener<M, E>): () => void {
    if (typeof listener !== 'function') invalidOption('listener', 'a function', listener);
    const list = this.#listeners.get(event);
    // Copy on write, so that emit can iterate without guarding against changes mid-loop.
    this.#listeners.set(event, list ? [...list, listener as AnyListener] : [listener as AnyListener]);
    return () => this.off(event, listener);
  }

  once<E extends keyof M & string>(event: E, listener: Listener<M, E>): () => void {
    const wrapper: Listener<M, E> = (payload) => {
      this.off(event, wrapper);
      listener(payload);
    };
    return this.on(event, wrapper);
  }

  off<E extends keyof M & string>(event: E, listener: Listener<M, E>): void {
    const list = this.#listeners.get(event);
    if (!list) return;
    const index = list.indexOf(listener as AnyListener);
    if (index === -1) return;
    const next = list.slice();
    next.splice(index, 1);
    if (next.length === 0) this.#listeners.delete(event);
    else this.#listeners.set(event, next);
  }

  /** Number of listeners for `event`. */
  listenerCount(event: keyof M & string): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /**
   * True when `event` has a listener or a channel subscriber. Owners check it before building an
   * expensive payload.
   */
  wants(event: keyof M & string): boolean {
    return this.#listeners.has(event) || this.#channel(event).hasSubscribers;
  }

  /**
   * A test for hot paths that would otherwise call {@link wants} for several events per operation:
   * returns a function that is true when any of `events` has a listener or a channel subscriber.
   * The channels are looked up once, here.
   */
  wantsAny(...events: (keyof M & string)[]): () => boolean {
    const channels = events.map((event) => this.#channel(event));
    const listeners = this.#listeners;
    return () => {
      if (listeners.size !== 0) for (const event of events) if (listeners.has(event)) return true;
      for (const channel of channels) if (channel.hasSubscribers) return true;
      return false;
    };
  }

  /** Delivers `payload` to the listeners of `event` and publishes it on its channel. */
  emit<E extends keyof M & string>(event: E, payload: M[E]): void {
    const list = this.#listeners.get(event);
    if (list !== undefined) {
      for (const listener of list) {
        try {
          listener(payload);
        } catch (error) {
          reportAsync(error);
        }
      }
    }
    const channel = this.#channel(event);
    if (channel.hasSubscribers) channel.publish(payload);
  }

  #channel(event: string): diagnosticsChannel.Channel {
    let channel = this.#channels.get(event);
    if (channel === undefined) {
      channel = diagnosticsChannel.channel(channelName(this.#family, event));
      this.#channels.set(event, channel);
    }
    return channel;
  }
}
