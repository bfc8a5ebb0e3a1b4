/**
 * Loading the user's worker module inside the worker. A `.ts`/`.mts`/`.cts` module needs a
 * loader: on Node 20 `--import tsx` in a worker's `execArgv` does not work, so the worker
 * registers one itself before importing the module, using tsx's `register()` API
 * (`tsx/esm/api`, resolved from poolkit's location and then from the module's own location).
 * Without tsx, Node builds that strip types natively (`process.features.typescript`, Node 22.18+,
 * 23.6+) import the module directly; anything else fails with an error that says what to
 * install.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPESCRIPT_EXTENSION = /\.[cm]?tsx?$/;

/** True when `url` names a TypeScript module. */
export function isTypeScriptModule(url: string): boolean {
  try {
    return TYPESCRIPT_EXTENSION.test(new URL(url).pathname);
  } catch {
    return TYPESCRIPT_EXTENSION.test(url);
  }
}

type Register = () => unknown;

async function importRegister(specifier: string): Promise<Register | undefined> {
  try {
    const api = (await import(specifier)) as { register?: Register };
    return typeof api.register === 'function' ? api.register : undefined;
  } catch {
    return undefined;
  }
}

/** tsx's ESM API as seen from the user's module (monorepos, poolkit linked from elsewhere). */
async function registerNextTo(moduleUrl: string): Promise<Register | undefined> {
  try {
    const manifestPath = createRequire(moduleUrl).resolve('tsx/package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      exports?: Record<string, { import?: { default?: string } }>;
    };
    const relative = manifest.exports?.['./esm/api']?.import?.default;
    if (relative === undefined) return undefined;
    return await importRegister(pathToFileURL(join(dirname(manifestPath), relative)).href);
  } catch {
    return undefined;
  }
}

async function registerTypeScript(moduleUrl: string): Promise<void> {
  const register = (await importRegister('tsx/esm/api')) ?? (await registerNextTo(moduleUrl));
  if (register !== undefined) {
    register();
    return;
  }
  if ((process.features as { typescript?: unknown }).typescript) return;
  throw new Error(
    `Cannot load the TypeScript worker module ${moduleUrl}: install tsx (npm install --save-dev tsx) so that ` +
      'poolkit can register its loader in the worker, or use Node >= 22.18 (type stripping), or point `module` at compiled JavaScript.',
  );
}

/** Imports the worker module, registering a TypeScript loader first when needed. */
export async function loadWorkerModule(moduleUrl: string): Promise<Record<string, unknown>> {
  if (isTypeScriptModule(moduleUrl)) await registerTypeScript(moduleUrl);
  return (await import(moduleUrl)) as Record<string, unknown>;
}

/** Lifecycle hooks, not task handlers. */
export const HOOK_NAMES: ReadonlySet<string> = new Set(['setup', 'teardown']);

/**
 * The task handlers of a module: its exported functions except the hooks, plus the function
 * properties of a default-exported object (a CommonJS module's `module.exports`).
 */
export function findHandlers(namespace: Record<string, unknown>): Map<string, (...args: never[]) => unknown> {
  const handlers = new Map<string, (...args: never[]) => unknown>();
  const fallback = namespace.default;
  if (typeof fallback === 'object' && fallback !== null) {
    for (const [name, value] of Object.entries(fallback)) {
      if (typeof value === 'function' && !HOOK_NAMES.has(name)) handlers.set(name, value as never);
    }
  }
  for (const [name, value] of Object.entries(namespace)) {
    if (typeof value === 'function' && !HOOK_NAMES.has(name)) handlers.set(name, value as never);
  }
  return handlers;
}

/** The error for a task naming a handler the module does not export (names sorted, so messages are stable). */
export function unknownHandlerError(name: string, handlers: ReadonlyMap<string, unknown> | undefined): TypeError {
  const known = [...(handlers?.keys() ?? [])]
    .sort()
    .map((key) => `\`${key}\``)
    .join(', ');
  return new TypeError(`The worker module has no handler \`${name}\`; it exports ${known || 'none'}`);
}

/** A hook exported directly or on a default-exported object. */
export function findHook(
  namespace: Record<string, unknown>,
  name: string,
): ((...args: unknown[]) => unknown) | undefined {
  const direct = namespace[name];
  if (typeof direct === 'function') return direct as never;
  const fallback = namespace.default as Record<string, unknown> | undefined;
  const nested = typeof fallback === 'object' && fallback !== null ? fallback[name] : undefined;
  return typeof nested === 'function' ? (nested as never) : undefined;
}
