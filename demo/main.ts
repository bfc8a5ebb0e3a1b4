/**
 * `npm run demo`: every family doing real work, with numbers. Each section is a file in
 * `demo/sections/` (run in file-name order) exporting `title` and `run(out)`; `--only <word>`
 * runs the sections whose file name contains the word.
 */
import { readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { DemoSection } from './section.js';

const args = process.argv.slice(2);
const onlyIndex = args.indexOf('--only');
const only = onlyIndex === -1 ? undefined : args[onlyIndex + 1];

const files = readdirSync(new URL('./sections/', import.meta.url))
  .filter((file) => file.endsWith('.ts'))
  .filter((file) => only === undefined || file.includes(only))
  .sort();

console.log(`poolkit demo on Node ${process.version} (${files.length} section(s))\n`);
const started = performance.now();
let failed = 0;
for (const file of files) {
  const section = (await import(`./sections/${file}`)) as DemoSection;
  console.log(`━━ ${section.title} ${'━'.repeat(Math.max(4, 76 - section.title.length))}`);
  try {
    await section.run((line = '') => console.log(`  ${line}`));
  } catch (error) {
    failed++;
    console.log(`  section failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  console.log('');
}
console.log(
  `demo finished in ${((performance.now() - started) / 1000).toFixed(1)} s${failed ? `, ${failed} section(s) failed` : ''}`,
);
if (failed) process.exitCode = 1;
