/**
 * A loopback TCP proxy placed between a client and a real server, for partition tests: it can
 * cut every connection, black-hole traffic (bytes swallowed, sockets left open: the "server that
 * accepts and never answers"), add latency, and refuse new connections (the listener is closed,
 * so connects fail with `ECONNREFUSED`) then accept again on the same port.
 *
 * The idea is Toxiproxy's (Shopify), reduced to what a pool test needs and run in-process.
 *
 * @module
 */
import net from 'node:net';

/** Where the proxy forwards to, and where it listens. */
export interface FaultProxyOptions {
  /** Host of the real server. @default '127.0.0.1' */
  readonly targetHost?: string;
  /** Port of the real server. */
  readonly targetPort: number;
  /** Loopback port to listen on; 0 picks a free one. @default 0 */
  readonly listenPort?: number;
  /** Delay added to every chunk in both directions, in milliseconds. @default 0 */
  readonly latencyMs?: number;
}

/** Counters and gauges of a {@link FaultProxy}. */
export interface FaultProxyStats {
  /** Client connections open right now. */
  readonly open: number;
  /** Client connections accepted since start. */
  readonly accepted: number;
  /** Connections destroyed by {@link FaultProxy.cut}. */
  readonly cut: number;
  /** Bytes swallowed while black-holing. */
  readonly droppedBytes: number;
}

/** A running fault proxy. Create it with {@link startFaultProxy}. */
export interface FaultProxy extends AsyncDisposable {
  /** Host to connect clients to (always `127.0.0.1`). */
  readonly host: string;
  /** Port to connect clients to. Stays the same across {@link refuse}/{@link accept}. */
  readonly port: number;
  /** Destroys every open connection (both sides, with a TCP reset). Returns how many were cut. */
  cut(): number;
  /**
   * Swallows all bytes in both directions while on; sockets stay open, so peers wait until their
   * own timeouts. New connections are accepted and held silent. `blackhole(false)` restores
   * forwarding for new bytes (swallowed ones are gone: the protocol streams are usually broken).
   */
  blackhole(on?: boolean): void;
  /** Sets the delay added to every chunk, in milliseconds (0 = none). Order is kept. */
  setLatency(latencyMs: number): void;
  /** Stops listening: new connects fail with `ECONNREFUSED`. Open connections are not touched. */
  refuse(): Promise<void>;
  /** Listens again on the same port after {@link refuse}. */
  accept(): Promise<void>;
  /** A snapshot of counters. */
  stats(): FaultProxyStats;
  /** Cuts every connection and stops listening. Idempotent. */
  close(): Promise<void>;
}

interface Pair {
  readonly client: net.Socket;
  readonly upstream: net.Socket | undefined;
}

/** Starts a fault proxy in front of `targetHost:targetPort`. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  if (!Number.isInteger(options.targetPort) || options.targetPort < 1 || options.targetPort > 65535) {
    throw new TypeError(`Expected \`targetPort\` to be an integer between 1 and 65535, got \`${options.targetPort}\``);
  }
  const engine = new ProxyEngine(options);
  await engine.listen(options.listenPort ?? 0);
  return engine;
}

class ProxyEngine implements FaultProxy {
  readonly host = '127.0.0.1';
  readonly #targetHost: string;
  readonly #targetPort: number;
  readonly #pairs = new Set<Pair>();
  #server: net.Server | undefined;
  #port = 0;
  #latencyMs: number;
  #blackholed = false;
  #closed = false;
  #accepted = 0;
  #cut = 0;
  #dropped = 0;

  constructor(options: FaultProxyOptions) {
    this.#targetHost = options.targetHost ?? '127.0.0.1';
    this.#targetPort = options.targetPort;
    this.#latencyMs = options.latencyMs ?? 0;
  }

  get port(): number {
    return this.#port;
  }

  async listen(port: number): Promise<void> {
    const server = net.createServer({ noDelay: true }, (socket) => this.#onConnection(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.host, port, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', () => {}); // listening errors after start cannot happen on loopback; never crash
    this.#server = server;
    this.#port = (server.address() as net.AddressInfo).port;
  }

  #onConnection(client: net.Socket): void {
    this.#accepted++;
    client.on('error', () => {});
    if (this.#blackholed) {
      // A silent peer: accepted, never forwarded, never answered.
      const pair: Pair = { client, upstream: undefined };
      this.#pairs.add(pair);
      client.on('data', (chunk: Buffer) => {
        this.#dropped += chunk.length;
      });
      client.on('close', () => this.#pairs.delete(pair));
      return;
    }
    const upstream = net.connect({ host: this.#targetHost, port: this.#targetPort, noDelay: true });
    upstream.on('error', () => {});
    const pair: Pair = { client, upstream };
    this.#pairs.add(pair);
    this.#pipe(client, upstream);
    this.#pipe(upstream, client);
    const teardown = () => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', teardown);
    upstream.on('close', teardown);
  }

  // Forwards `from` to `to`, applying black-hole and latency. Chunks delayed by latency are
  // chained so they arrive in order even if the latency changes mid-stream.
  #pipe(from: net.Socket, to: net.Socket): void {
    let chain = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      if (this.#blackholed) {
        this.#dropped += chunk.length;
        return;
      }
      const delay = this.#latencyMs;
      if (delay === 0) {
        chain = chain.then(() => {
          if (!to.destroyed) to.write(chunk);
        });
        return;
      }
      chain = chain.then(
        () =>
          new Promise<void>((resolve) => {
            setTimeout(() => {
              if (!to.destroyed && !this.#blackholed) to.write(chunk);
              resolve();
            }, delay);
          }),
      );
    });
    from.on('end', () => {
      chain = chain.then(() => {
        if (!to.destroyed) to.end();
      });
    });
  }

  cut(): number {
    let count = 0;
    for (const pair of [...this.#pairs]) {
      count++;
      pair.client.resetAndDestroy();
      pair.upstream?.resetAndDestroy();
      this.#pairs.delete(pair);
    }
    this.#cut += count;
    return count;
  }

  blackhole(on = true): void {
    this.#blackholed = on;
  }

  setLatency(latencyMs: number): void {
    if (!(Number.isFinite(latencyMs) && latencyMs >= 0)) {
      throw new TypeError(`Expected \`latencyMs\` to be a finite number >= 0, got \`${latencyMs}\``);
    }
    this.#latencyMs = latencyMs;
  }

  async refuse(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    // close() stops accepting at once; its callback waits for open connections, which we keep.
    server.close();
  }

  async accept(): Promise<void> {
    if (this.#closed || this.#server !== undefined) return;
    await this.listen(this.#port);
  }

  stats(): FaultProxyStats {
    return { open: this.#pairs.size, accepted: this.#accepted, cut: this.#cut, droppedBytes: this.#dropped };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.refuse();
    this.cut();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
