import net from 'node:net';

/** The shape of a demo section file in `demo/sections/`. */
export interface DemoSection {
  /** Heading printed above the section. */
  readonly title: string;
  /** Runs the section, printing through `out` (one line per call). */
  run(out: (line?: string) => void): Promise<void>;
}

/** Formats a duration in milliseconds for display. */
export function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`;
}

/** Formats a rate for display. */
export function perSecond(count: number, elapsedMs: number): string {
  const rate = (count / elapsedMs) * 1000;
  return rate >= 1e6
    ? `${(rate / 1e6).toFixed(2)}M/s`
    : rate >= 1e3
      ? `${(rate / 1e3).toFixed(1)}k/s`
      : `${rate.toFixed(0)}/s`;
}

/** Measures GC time spent while `fn` runs, through a PerformanceObserver. */
export async function withGcTime<T>(fn: () => Promise<T> | T): Promise<{ value: T; gcMs: number; wallMs: number }> {
  const { PerformanceObserver, performance } = await import('node:perf_hooks');
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setImmediate(resolve));
  gcMs = 0;
  const start = performance.now();
  const value = await fn();
  const wallMs = performance.now() - start;
  await new Promise((resolve) => setImmediate(resolve));
  observer.disconnect();
  return { value, gcMs, wallMs };
}

/** True when something accepts a TCP connection on 127.0.0.1:`port` within a second. */
export function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
