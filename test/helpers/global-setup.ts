/**
 * Vitest global set-up: some tests run against the built package (`dist/`): worker threads load
 * plain JS, and the packaging tests read the export map. CI builds before testing; on a fresh
 * checkout without `dist/` this builds it once so `npm test` works on its own.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export default function setup(): void {
  if (existsSync(new URL('../../dist/index.js', import.meta.url))) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  console.log('dist/ is missing: building it once for the tests that run against the built package');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
