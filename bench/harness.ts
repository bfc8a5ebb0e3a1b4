/**
 * The benchmark harness: every implementation of a case runs in the same process, interleaved
 * round by round (the order rotates each round), after warm-up rounds; the reported figure is
 * the median over rounds. Implementations do their own inner loop so that harness overhead never
 * lands inside a nanosecond-scale measurement.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';

/** What one run of an implementation reports: how many operations it did, plus extra metrics. */
export interface RunResult {
  /** Operations completed in this run (e.g. acquire+release pairs, tasks, requests). */
  readonly ops: number;
  /** Extra numeric metrics (p50Ms, p99Ms, creates, socketsCreated, ...). Medians are reported. */
  readonly extra?: Readonly<Record<string, number>>;
}

/** One implementation under test. */
export interface Impl {
  /** Called once before warm-up (build the pool, pre-warm, connect). */
  setup?(): unknown;
  /** Does one round of work and reports it. Timed by the harness, including any awaits. */
  run(): RunResult | number | Promise<RunResult | number>;
  /** Called once after the last round (close pools, servers). */
  teardown?(): unknown;
}

/** A benchmark case: one workload, several implementations. */
export interface BenchCase {
  readonly name: string;
  /** A sentence saying what is measured. */
  readonly description: string;
  /** Implementation name to implementation; `poolkit` is the one ratios are computed for. */
  readonly impls: Readonly<Record<string, Impl>>;
  /** Measured rounds (median reported). @default 7 */
  readonly rounds?: number;
  /** Warm-up rounds per implementation, not reported. @default 2 */
  readonly warmupRounds?: number;
}

/** A suite: the cases of one `bench/<suite>.bench.ts` file. */
export interface BenchSuite {
  readonly name: string;
  readonly cases: readonly BenchCase[];
}

/** One line of the report, and of the JSON output. */
export interface CaseResult {
  case: string;
  impl: string;
  opsPerSec: number;
  nsPerOp: number;
  gcMs: number;
  rounds: number;
  [metric: string]: number | string;
}

/** Helper for suites: defines a suite with type checking. */
export function defineSuite(suite: BenchSuite): BenchSuite {
  return suite;
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The `q` quantile (0..1) of a list, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

class GcMeter {
  #totalMs = 0;
  readonly #observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) this.#totalMs += entry.duration;
  });
  constructor() {
    this.#observer.observe({ entryTypes: ['gc'] });
  }
  /** GC time observed so far; entries are delivered asynchronously, so read after a yield. */
  get totalMs(): number {
    return this.#totalMs;
  }
  stop(): void {
    this.#observer.disconnect();
  }
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Sample {
  ops: number;
  ms: number;
  gcMs: number;
  extra: Record<string, number>;
}

async function runOnce(impl: Impl, gc: GcMeter): Promise<Sample> {
  (globalThis as { gc?: () => void }).gc?.();
  await yieldToLoop();
  const gcBefore = gc.totalMs;
  const start = performance.now();
  const outcome = await impl.run();
  const ms = performance.now() - start;
  await yieldToLoop(); // let the GC observer deliver entries from this run
  const result = typeof outcome === 'number' ? { ops: outcome } : outcome;
  return { ops: result.ops, ms, gcMs: gc.totalMs - gcBefore, extra: { ...result.extra } };
}

/** Runs one case and returns a result line per implementation. */
export async function runCase(bench: BenchCase, log: (line: string) => void): Promise<CaseResult[]> {
  const names = Object.keys(bench.impls);
  const rounds = bench.rounds ?? 7;
  const warmupRounds = bench.warmupRounds ?? 2;
  const samples = new Map<string, Sample[]>(names.map((name) => [name, []]));
  const gc = new GcMeter();
  try {
    for (const name of names) await (bench.impls[name] as Impl).setup?.();
    for (let round = 0; round < warmupRounds; round++) {
      for (const name of names) await runOnce(bench.impls[name] as Impl, gc);
    }
    for (let round = 0; round < rounds; round++) {
      // Rotate the order so no implementation always runs right after another's garbage.
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + round) % names.length] as string;
        (samples.get(name) as Sample[]).push(await runOnce(bench.impls[name] as Impl, gc));
      }
      log(`  ${bench.name}: round ${round + 1}/${rounds}`);
    }
  } finally {
    for (const name of names) await (bench.impls[name] as Impl).teardown?.();
    gc.stop();
  }
  return names.map((name) => {
    const list = samples.get(name) as Sample[];
    const opsPerSec = median(list.map((sample) => (sample.ops / sample.ms) * 1000));
    const line: CaseResult = {
      case: bench.name,
      impl: name,
      opsPerSec: round3(opsPerSec),
      nsPerOp: round3(1e9 / opsPerSec),
      gcMs: round3(median(list.map((sample) => sample.gcMs))),
      rounds: list.length,
    };
    const extraKeys = new Set(list.flatMap((sample) => Object.keys(sample.extra)));
    for (const key of extraKeys) line[key] = round3(median(list.map((sample) => sample.extra[key] ?? Number.NaN)));
    return line;
  });
}

function round3(value: number): number {
  if (!Number.isFinite(value)) return value;
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return Math.round(value);
  return Math.round(value * 1000) / 1000;
}

/** Renders results as a table with each peer's ratio to poolkit. */
export function renderTable(results: readonly CaseResult[]): string {
  const extraKeys = [
    ...new Set(
      results.flatMap((line) =>
        Object.keys(line).filter((key) => !['case', 'impl', 'opsPerSec', 'nsPerOp', 'gcMs', 'rounds'].includes(key)),
      ),
    ),
  ];
  const header = ['case', 'impl', 'ops/s', 'ns/op', 'gc ms', ...extraKeys, 'poolkit vs this'];
  const rows: string[][] = [header];
  for (const line of results) {
    const poolkit = results.find((other) => other.case === line.case && other.impl === 'poolkit');
    const ratio = poolkit && line.impl !== 'poolkit' ? `${(poolkit.opsPerSec / line.opsPerSec).toFixed(2)}x` : '';
    rows.push([
      line.case,
      line.impl,
      formatNumber(line.opsPerSec),
      formatNumber(line.nsPerOp),
      formatNumber(line.gcMs),
      ...extraKeys.map((key) => (typeof line[key] === 'number' ? formatNumber(line[key] as number) : '')),
      ratio,
    ]);
  }
  const widths = header.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row, index) => {
      const text = row.map((cell, column) => cell.padEnd(widths[column] as number)).join('  ');
      return index === 0 ? `${text}\n${widths.map((width) => '-'.repeat(width)).join('  ')}` : text;
    })
    .join('\n');
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return value >= 1000 ? Math.round(value).toLocaleString('en-US') : String(value);
}
