/**
 * The process-wide GC epoch source shared by object and buffer pools: Go's `sync.Pool` victim
 * cache, done with what V8 offers. A sentinel object is registered in a FinalizationRegistry and
 * dropped at once; its cleanup callback runs after the next *major* GC (V8 treats weak targets
 * strongly during scavenges), when the event loop yields. The callback starts one epoch and
 * registers a fresh sentinel, so epochs follow major GCs one for one.
 *
 * At each epoch every live subscriber (a pool) moves its idle items to "victim" and drops the
 * previous victims, so an idle item survives one to two major GCs.
 *
 * Two traps (measured, see DESIGN §11): the registry must be held strongly (a registry reachable
 * only from its own callback is collected and never fires), and FinalizationRegistry plus
 * `NODE_V8_COVERAGE` hung Node 18/20 at exit (nodejs/node#49344), so the source starts disabled
 * when that variable is set. Subscribers are held through `WeakRef`, so an abandoned pool is
 * collected and falls out of the list at the next epoch.
 *
 * @module
 */
import { reportAsync } from './report.js';

/** Something that wants to hear about GC epochs (a pool's private hook). */
export interface GcEpochSubscriber {
  /** Called once per epoch with the epoch number. Must not throw (a throw is reported). */
  onGcEpoch(epoch: number): void;
}

/** The public handle on the process-wide GC epoch source. */
export interface GcEpochControl {
  /** Number of epochs so far (automatic and by hand). */
  readonly epoch: number;
  /** True while epochs follow major GCs automatically. */
  readonly enabled: boolean;
  /** Number of pools still subscribed (abandoned pools drop out once collected). */
  readonly subscriberCount: number;
  /**
   * Starts an epoch now, as a major GC would: every pool ages its idle items by one step. Use
   * it in tests, or to shed idle memory on demand (e.g. on a memory-pressure signal).
   * @returns the new epoch number.
   */
  rotate(): number;
  /** Stops following major GCs (epochs then happen only through `rotate()`). Idempotent. */
  disable(): void;
  /**
   * Follows major GCs again. Idempotent. It is safe under `NODE_V8_COVERAGE` on Node >= 22 only
   * (nodejs/node#49344); the source starts disabled there.
   */
  enable(): void;
}

class GcEpochSource implements GcEpochControl {
  // Held strongly by this module-level singleton (see the module comment); made on first use,
  // so a process that never arms the source never creates one.
  #registry: FinalizationRegistry<number> | undefined;
  readonly #subscribers: WeakRef<GcEpochSubscriber>[] = [];
  #epoch = 0;
  #enabled: boolean;
  #armed = false;
  // Bumped on disable, so the callback of a sentinel registered before it is ignored.
  #generation = 0;

  constructor(enabled: boolean) {
    this.#enabled = enabled;
  }

  get epoch(): number {
    return this.#epoch;
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  get subscriberCount(): number {
    this.#compact();
    return this.#subscribers.length;
  }

  /** Adds a subscriber, held weakly: the caller must keep `subscriber` reachable itself. */
  subscribe(subscriber: GcEpochSubscriber): void {
    this.#subscribers.push(new WeakRef(subscriber));
    this.#arm();
  }

  rotate(): number {
    const epoch = ++this.#epoch;
    const subscribers = this.#subscribers;
    let kept = 0;
    for (let i = 0; i < subscribers.length; i++) {
      const ref = subscribers[i] as WeakRef<GcEpochSubscriber>;
      const subscriber = ref.deref();
      if (subscriber === undefined) continue;
      subscribers[kept++] = ref;
      try {
        subscriber.onGcEpoch(epoch);
      } catch (error) {
        reportAsync(error);
      }
    }
    subscribers.length = kept;
    return epoch;
  }

  disable(): void {
    this.#enabled = false;
    this.#armed = false;
    this.#generation++;
  }

  enable(): void {
    if (this.#enabled) return;
    this.#enabled = true;
    this.#arm();
  }

  #compact(): void {
    const subscribers = this.#subscribers;
    let kept = 0;
    for (const ref of subscribers) if (ref.deref() !== undefined) subscribers[kept++] = ref;
    subscribers.length = kept;
  }

  #arm(): void {
    if (!this.#enabled || this.#armed || this.#subscribers.length === 0) return;
    this.#armed = true;
    // The sentinel is garbage as soon as this returns; only a major GC finds it dead.
    this.#registry ??= new FinalizationRegistry<number>((generation) => this.#onSentinelCollected(generation));
    this.#registry.register({}, this.#generation);
  }

  #onSentinelCollected(generation: number): void {
    if (generation !== this.#generation || !this.#armed) return;
    this.#armed = false;
    this.rotate();
    this.#arm(); // stays quiet once every subscriber is gone
  }
}

/** True when the environment asks for V8 coverage, where FinalizationRegistry misbehaves. */
function coverageRequested(): boolean {
  return typeof process !== 'undefined' && Boolean(process.env?.NODE_V8_COVERAGE);
}

/** The process-wide GC epoch source (one per copy of poolkit loaded). */
export const gcEpochSource: GcEpochSource = new GcEpochSource(!coverageRequested());

/** The public view of the process-wide GC epoch source: `rotate()`, `disable()`, `enable()` and counters. */
export const gcEpoch: GcEpochControl = gcEpochSource;
