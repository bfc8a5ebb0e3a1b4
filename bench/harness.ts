/**
 * The benchmark harness: every implementation of a case runs in the same process, interleaved
 * round by round (the order rotates each round), after warm-up rounds; the reported figure is
 * the median over rounds. Implementations do their own inner loop so that harness overhead never
 * lands inside a nanosecond-scale measurement.
 */
import { performance } from 'node:perf_hooks';
import { GCProfiler } from 'node:v8';

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
  /** Process CPU time per op (user+system, all threads of the process). */
  cpuNsPerOp: number;
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

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Sample {
  ops: number;
  ms: number;
  gcMs: number;
  cpuMs: number;
  extra: Record<string, number>;
}

/**
 * Times one run. GC time comes from V8's GCProfiler, which records synchronously every GC of the
 * isolate between start and stop (a PerformanceObserver delivers entries late, so the forced GC
 * before a run could land in it). CPU time is the process's user+system time: less disturbed than
 * wall time when other jobs share the cores (it includes GC helper threads).
 */
async function runOnce(impl: Impl): Promise<Sample> {
  // Two full GCs: after a run that left a large heap (p-limit's or p-queue's 100k promises), one
  // gc() still left the next implementation about 2x slower on noop-map (measured for
  // async.mapLimit and poolkit alike); the second one clears it, so no implementation pays for the
  // garbage of the one that ran before it.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  await yieldToLoop();
  const profiler = new GCProfiler();
  profiler.start();
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const outcome = await impl.run();
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  const profile = profiler.stop();
  let gcUs = 0;
  for (const entry of profile?.statistics ?? []) gcUs += entry.cost;
  const result = typeof outcome === 'number' ? { ops: outcome } : outcome;
  return { ops: result.ops, ms, gcMs: gcUs / 1000, cpuMs: (cpu.user + cpu.system) / 1000, extra: { ...result.extra } };
}

/** Runs one case and returns a result line per implementation. */
export async function runCase(bench: BenchCase, log: (line: string) => void): Promise<CaseResult[]> {
  const names = Object.keys(bench.impls);
  const rounds = bench.rounds ?? 7;
  const warmupRounds = bench.warmupRounds ?? 2;
  const samples = new Map<string, Sample[]>(names.map((name) => [name, []]));
  try {
    for (const name of names) await (bench.impls[name] as Impl).setup?.();
    for (let round = 0; round < warmupRounds; round++) {
      for (const name of names) await runOnce(bench.impls[name] as Impl);
    }
    for (let round = 0; round < rounds; round++) {
      // Rotate the order so no implementation always runs right after another's garbage.
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + round) % names.length] as string;
        (samples.get(name) as Sample[]).push(await runOnce(bench.impls[name] as Impl));
      }
      log(`  ${bench.name}: round ${round + 1}/${rounds}`);
    }
  } finally {
    for (const name of names) await (bench.impls[name] as Impl).teardown?.();
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
      cpuNsPerOp: round3(median(list.map((sample) => (sample.cpuMs * 1e6) / sample.ops))),
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
        Object.keys(line).filter(
          (key) => !['case', 'impl', 'opsPerSec', 'nsPerOp', 'gcMs', 'cpuNsPerOp', 'rounds'].includes(key),
        ),
      ),
    ),
  ];
  const header = ['case', 'impl', 'ops/s', 'ns/op', 'cpu ns/op', 'gc ms', ...extraKeys, 'poolkit vs this'];
  const rows: string[][] = [header];
  for (const line of results) {
    const poolkit = results.find((other) => other.case === line.case && other.impl === 'poolkit');
    const ratio = poolkit && line.impl !== 'poolkit' ? `${(poolkit.opsPerSec / line.opsPerSec).toFixed(2)}x` : '';
    rows.push([
      line.case,
      line.impl,
      formatNumber(line.opsPerSec),
      formatNumber(line.nsPerOp),
      formatNumber(line.cpuNsPerOp),
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
