/**
 * Writes docs/errors.md from the error table, so the page lists every code and cannot drift.
 * `npm run docs:errors` writes it; the test `test/internal/errors.test.ts` checks it is current.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_TABLE } from '../src/internal/errors.js';

/** Renders the errors page as markdown. */
export function renderErrorsPage(): string {
  const lines = [
    '# Errors',
    '',
    'Every error poolkit throws or rejects with is an instance of `PoolkitError` (itself an `Error`) with a',
    'stable `code`. Match on `err.code`, not on the message: codes are part of the API and follow semver,',
    'messages may be improved at any time. `err.cause` carries the underlying error where there is one.',
    'Aborted calls reject with `signal.reason` itself, as the platform does.',
    '',
    '```ts',
    "import { AcquireTimeoutError } from 'poolkit';",
    '',
    'try {',
    '  await pool.acquire();',
    '} catch (err) {',
    '  if (err instanceof AcquireTimeoutError) console.log(err.phase, err.stats, err.cause);',
    "  // or, across package copies: if (err.code === 'POOLKIT_ACQUIRE_TIMEOUT')",
    '}',
    '```',
    '',
    'This page is generated from the error table in `src/internal/errors.ts` (`npm run docs:errors`).',
    '',
    '| code | class | families | when |',
    '| --- | --- | --- | --- |',
  ];
  for (const [name, spec] of Object.entries(ERROR_TABLE)) {
    lines.push(`| \`${spec.code}\` | \`${name}\` | ${spec.family} | ${spec.summary.replaceAll('|', '\\|')} |`);
  }
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsPage());
}
