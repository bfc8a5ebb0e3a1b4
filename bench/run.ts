/**
 * `npm run bench -- <suite> [--json] [--case <name>]`: runs `bench/<suite>.bench.ts` against the
 * built `dist/`. With `--json` the last line printed is exactly one JSON object:
 * `{"suite": "...", "results": [{"case", "impl", "opsPerSec", "nsPerOp", "gcMs", ...}]}`.
 * Progress goes to stderr so stdout stays parseable.
 */
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { type BenchSuite, type CaseResult, renderTable, runCase } from './harness.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const caseIndex = args.indexOf('--case');
const onlyCase = caseIndex === -1 ? undefined : args[caseIndex + 1];
const suiteName = args.find((arg, index) => !arg.startsWith('--') && args[index - 1] !== '--case');
const available = readdirSync(new URL('.', import.meta.url))
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.replace(/\.bench\.ts$/, ''));

if (!suiteName || !available.includes(suiteName)) {
  console.error(`Usage: npm run bench -- <suite> [--json] [--case <name>]\nSuites: ${available.join(', ')}`);
  process.exit(2);
}
if (!existsSync(new URL('../dist/index.js', import.meta.url))) {
  console.error('dist/ is missing: run `npm run build` first (benchmarks run against the built package).');
  process.exit(2);
}

const suite = ((await import(`./${suiteName}.bench.ts`)) as { default: BenchSuite }).default;
const cases = suite.cases.filter((bench) => onlyCase === undefined || bench.name === onlyCase);
const log = (line: string) => process.stderr.write(`${line}\n`);
log(
  `suite ${suite.name}: ${cases.length} case(s); node ${process.version}, ${os.cpus().length} cpu(s), ${os.cpus()[0]?.model ?? ''}`,
);
if (typeof (globalThis as { gc?: unknown }).gc !== 'function') log('note: run with --expose-gc for steadier numbers');

const results: CaseResult[] = [];
for (const bench of cases) {
  log(`case ${bench.name}: ${bench.description}`);
  results.push(...(await runCase(bench, log)));
}
console.log(renderTable(results));
if (json) console.log(JSON.stringify({ suite: suite.name, node: process.version, results }));
