/**
 * Where the worker entry is. Built, it sits next to this file (`dist/threads/worker/entry.js`).
 * When this file runs from `src/` (Vitest transpiles TypeScript on the main thread, but a `Worker`
 * loads its entry with plain Node), the entry is bundled from source with esbuild (present in
 * development as tsx's dependency) into the OS temp directory, keyed by the sources' sizes and
 * times, once per change and shared by parallel test processes. So the tests never depend on a
 * `dist/` that another build may be rewriting; without esbuild the built entry is used.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

let fromSource: URL | undefined;

interface Esbuild {
  buildSync(options: Record<string, unknown>): { outputFiles: { text: string }[] };
}

/** Bundles `src/threads/worker/entry.ts` (development only). */
function bundleFromSource(here: string): URL | undefined {
  if (fromSource !== undefined) return fromSource;
  const folder = fileURLToPath(new URL('.', here));
  const sources = [folder, join(folder, 'worker')].flatMap((dir) =>
    readdirSync(dir)
      .filter((file) => file.endsWith('.ts'))
      .map((file) => join(dir, file)),
  );
  const hash = createHash('sha1');
  for (const file of sources) {
    const stat = statSync(file);
    hash.update(`${file}:${stat.size}:${stat.mtimeMs};`);
  }
  const output = join(tmpdir(), `poolkit-thread-entry-${hash.digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(output)) {
    let esbuild: Esbuild;
    try {
      esbuild = createRequire(here)('esbuild') as Esbuild;
    } catch {
      return undefined;
    }
    const result = esbuild.buildSync({
      entryPoints: [join(folder, 'worker', 'entry.ts')],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      write: false,
    });
    const temporary = `${output}.${process.pid}.tmp`;
    writeFileSync(temporary, result.outputFiles[0]?.text ?? '');
    renameSync(temporary, output); // atomic: parallel test processes never see half a file
  }
  fromSource = pathToFileURL(output);
  return fromSource;
}

/** The URL of the worker entry: built next to this file, or bundled from source in development. */
export function workerEntryUrl(): URL {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new URL('./worker/entry.js', here);
  return bundleFromSource(here) ?? new URL('../../dist/threads/worker/entry.js', here);
}
