/**
 * Loading an optional peer dependency (a database driver) on first use, so that importing a
 * `poolkit/<adapter>` subpath never crashes when the driver is absent, and importing `poolkit`
 * never loads a driver at all.
 *
 * @module
 */
import { DriverMissingError } from '../internal/errors.js';

/** True for the errors Node raises when a bare specifier cannot be resolved. */
function isModuleNotFound(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : '';
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(`'${name}'`);
}

/**
 * Imports `name` through `importer` (a literal `import('pg')` written at the call site, so that
 * bundlers see it), unwraps a CommonJS default export, and turns "not installed" into a
 * {@link DriverMissingError} with an install hint.
 */
export async function loadDriver<M>(name: string, importer: () => Promise<unknown>): Promise<M> {
  let loaded: unknown;
  try {
    loaded = await importer();
  } catch (error) {
    if (isModuleNotFound(error, name)) {
      throw new DriverMissingError(
        `The optional peer dependency \`${name}\` is not installed. Install it with: npm install ${name}`,
        { cause: error, driver: name },
      );
    }
    throw error;
  }
  const module = loaded as { default?: unknown };
  return (module.default ?? module) as M;
}
