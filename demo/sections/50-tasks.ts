/**
 * The task pool: a small crawler over a loopback HTTP server. Pages link to other pages on four
 * "sites"; the crawl runs with bounded concurrency (8 at once, at most 2 per site through
 * `keyConcurrency`), a progress line, a per-request timeout, and is cancelled half-way with one
 * AbortController (a group signal), which stops queued fetches at once and aborts the ones in
 * flight. Then the same crawl in full, against a serial loop.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTaskPool, type TaskPool } from '../../dist/tasks/index.js';
import { ms, perSecond } from '../section.js';

export const title = 'tasks: a crawler with bounded concurrency, per-site limits, cancellation';

const SITES = ['alpha', 'beta', 'gamma', 'delta'];
const PAGES_PER_SITE = 30;
const LINKS_PER_PAGE = 4;

/** Page `n` of `site` links to four pseudo-random pages; answers after 10-19 ms (a slow backend). */
function startServer(): Promise<Server> {
  const server = createServer((request, response) => {
    const [, site = '', page = '0'] = (request.url ?? '/').split('/');
    const n = Number(page);
    const links = Array.from({ length: LINKS_PER_PAGE }, (_, index) => {
      const target = (n * 7 + index * 13 + 1) % PAGES_PER_SITE;
      const targetSite = SITES[(SITES.indexOf(site) + (index === 3 ? 1 : 0)) % SITES.length];
      return `<a href="/${targetSite}/${target}">`;
    });
    setTimeout(() => response.end(`<html>${links.join('')}</html>`), 10 + ((n * 31) % 10));
  });
  server.listen(0, '127.0.0.1');
  return once(server, 'listening').then(() => server);
}

interface CrawlResult {
  readonly pages: number;
  readonly elapsedMs: number;
  readonly stopped: boolean;
  /** From `cancel()` to the moment every task of the crawl had settled. */
  readonly settledAfterCancelMs: number;
}

/** Breadth-first crawl: each fetched page submits its unseen links to the pool. */
async function crawl(
  pool: TaskPool,
  base: string,
  options: { stopAfter?: number; progress?: (done: number) => void },
): Promise<CrawlResult> {
  const seen = new Set<string>();
  const group = pool.group({ failFast: true });
  let pages = 0;
  let cancelledAt = Number.NaN;
  const started = performance.now();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    const site = path.split('/')[1];
    group.submit(
      async (signal) => {
        const response = await fetch(base + path, { signal });
        const body = await response.text();
        pages++;
        options.progress?.(pages);
        if (options.stopAfter !== undefined && pages >= options.stopAfter && Number.isNaN(cancelledAt)) {
          cancelledAt = performance.now();
          group.cancel(new Error('enough pages'));
        }
        for (const match of body.matchAll(/href="([^"]+)"/g)) visit(match[1] as string);
      },
      { key: site, timeoutMs: 2_000 },
    );
  };
  for (const site of SITES) visit(`/${site}/0`);
  let stopped = false;
  // Every task of the group has settled once wait() returns; new links are submitted from
  // inside running tasks, so loop until nothing new was added.
  for (;;) {
    const before = seen.size;
    try {
      await group.wait();
    } catch {
      stopped = true;
    }
    if (stopped || seen.size === before) break;
  }
  const now = performance.now();
  return { pages, elapsedMs: now - started, stopped, settledAfterCancelMs: now - cancelledAt };
}

export async function run(out: (line?: string) => void): Promise<void> {
  const server = await startServer();
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const total = SITES.length * PAGES_PER_SITE;

    // 1. Cancelled half-way: one signal stops everything, queued tasks never start.
    const pool = createTaskPool({ concurrency: 8, keyConcurrency: 2 });
    let lastShown = 0;
    const stoppedRun = await crawl(pool, base, {
      stopAfter: total / 2,
      progress: (done) => {
        if (done - lastShown >= 15) {
          lastShown = done;
          const filled = Math.round((done / total) * 30);
          out(`[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${done}/${total} pages, ${pool.running} running`);
        }
      },
    });
    await pool.onIdle();
    const afterStop = pool.stats();
    out(
      `cancelled after ${stoppedRun.pages} pages in ${ms(stoppedRun.elapsedMs)}: ${afterStop.cancelled} queued or running fetches`,
    );
    out(
      `every task settled ${ms(stoppedRun.settledAfterCancelMs)} after cancel(); ${afterStop.running} left running, ${afterStop.queued} queued; counters add up:`,
    );
    out(
      `  submitted ${afterStop.submitted} = succeeded ${afterStop.succeeded} + cancelled ${afterStop.cancelled} + failed ${afterStop.failed} + timed out ${afterStop.timedOut}`,
    );
    await pool.close();

    // 2. The full crawl, pooled, against a serial loop over the same pages.
    const full = createTaskPool({ concurrency: 8, keyConcurrency: 2 });
    const pooled = await crawl(full, base, {});
    const stats = full.stats();
    await full.close();
    const serialStart = performance.now();
    const serialPool = createTaskPool({ concurrency: 1 });
    const serial = await crawl(serialPool, base, {});
    await serialPool.close();
    const serialMs = performance.now() - serialStart;
    out(`full crawl: ${pooled.pages} pages in ${ms(pooled.elapsedMs)} (${perSecond(pooled.pages, pooled.elapsedMs)}),`);
    out(
      `  8 at once, at most 2 per site; serially: ${serial.pages} pages in ${ms(serialMs)} -> ${(serialMs / pooled.elapsedMs).toFixed(1)}x faster`,
    );
    out(
      `  queue wait p50 ${ms(stats.waitTime.p50Ms)}, p99 ${ms(stats.waitTime.p99Ms)}; fetch time p50 ${ms(stats.runTime.p50Ms)}, p99 ${ms(stats.runTime.p99Ms)}`,
    );
  } finally {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  }
}
