/**
 * `Agent` and `HttpsAgent`: drop-in `http.Agent` / `https.Agent` subclasses whose socket
 * bookkeeping is the keyed resource pool (see `engine.ts`). They are real `http.Agent`s, so they
 * work anywhere one is accepted: `http.request({ agent })`, `http.get`, libraries that take an
 * `agent` option.
 *
 * @module
 */
import http from 'node:http';
import https from 'node:https';
import { AgentEngine, type AgentHost, type AgentStats } from './engine.js';
import { type AgentOptions, type ResolvedAgentOptions, resolveAgentOptions } from './options.js';

/**
 * A keep-alive `http.Agent` on the keyed resource pool: per-origin and total socket caps, a cap
 * on free sockets per origin, a free-socket timeout below the server's (and shortened by its
 * `Keep-Alive: timeout=N`), socket TTL, LIFO reuse, free sockets watched for death, one safe
 * retry of idempotent requests whose reused socket the server had just closed, and stats.
 *
 * @example
 * ```ts
 * const agent = new Agent({ maxSocketsPerOrigin: 32, freeSocketTimeoutMs: 4000 });
 * http.get('http://127.0.0.1:8080/health', { agent }, (res) => res.resume());
 * console.log(agent.stats()); // { socketsCreated, requests, reusedSockets, retries, origins, ... }
 * await agent.close();
 * ```
 */
export class Agent extends http.Agent {
  readonly #engine: AgentEngine;

  /** Options are validated; unknown keys are rejected (see {@link AgentOptions}). */
  constructor(options: AgentOptions = {}) {
    const resolved = resolveAgentOptions('Agent', options);
    super({ ...resolved.connectOptions, keepAlive: true, keepAliveMsecs: resolved.keepAliveInitialDelayMs });
    this.#engine = new AgentEngine(this as unknown as AgentHost, resolved, false);
  }

  /** Called by `http.ClientRequest`: finds or makes a socket for `request`. */
  addRequest(request: http.ClientRequest, options: Record<string, unknown>): void {
    this.#engine.addRequest(request, options);
  }

  /** Counters and per-origin free/busy/pending gauges. */
  stats(): AgentStats {
    return this.#engine.stats();
  }

  /** Closes free sockets now and busy ones when their requests end (up to `timeoutMs`, default 30000). */
  close(options: { readonly timeoutMs?: number } = {}): Promise<void> {
    return this.#engine.close(options.timeoutMs ?? 30_000);
  }

  /** Closes every socket now, busy ones included (as `http.Agent#destroy`). */
  override destroy(): void {
    void this.#engine.destroy();
  }
}

/** The TLS twin of {@link Agent}: a keep-alive `https.Agent` on the keyed resource pool. */
export class HttpsAgent extends https.Agent {
  readonly #engine: AgentEngine;

  /** Options are validated; unknown keys are rejected. TLS options go in `connectOptions`. */
  constructor(options: AgentOptions = {}) {
    const resolved: ResolvedAgentOptions = resolveAgentOptions('HttpsAgent', options);
    super({ ...resolved.connectOptions, keepAlive: true, keepAliveMsecs: resolved.keepAliveInitialDelayMs });
    this.#engine = new AgentEngine(this as unknown as AgentHost, resolved, true);
  }

  /** Called by `https.request`: finds or makes a socket for `request`. */
  addRequest(request: http.ClientRequest, options: Record<string, unknown>): void {
    this.#engine.addRequest(request, options);
  }

  /** Counters and per-origin free/busy/pending gauges. */
  stats(): AgentStats {
    return this.#engine.stats();
  }

  /** Closes free sockets now and busy ones when their requests end (up to `timeoutMs`, default 30000). */
  close(options: { readonly timeoutMs?: number } = {}): Promise<void> {
    return this.#engine.close(options.timeoutMs ?? 30_000);
  }

  /** Closes every socket now, busy ones included (as `https.Agent#destroy`). */
  override destroy(): void {
    void this.#engine.destroy();
  }
}
