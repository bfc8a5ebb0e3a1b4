/**
 * Errors across the thread boundary. Structured clone keeps only `message` (and, on recent Node,
 * `name` of the built-in classes and `stack`), dropping `code`, `cause` and custom fields, so a
 * worker turns every thrown value into a plain record and the pool rebuilds an `Error` of the same
 * built-in class with the same `name`, `message`, `stack`, `code`, `cause` (recursively) and other
 * cloneable own fields. Values thrown that are not errors travel as they are.
 *
 * @module
 */

/** An error as it travels between threads. */
export interface SerializedError {
  /** Marker distinguishing a serialized error from a thrown plain object. */
  readonly $error: true;
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  /** The serialized `cause`, when the error had one (`hasCause` distinguishes `cause: undefined`). */
  readonly cause?: unknown;
  readonly hasCause: boolean;
  /** Other own enumerable fields that survive a structured clone (`code`, `errno`, `errors`, ...). */
  readonly fields: Record<string, unknown>;
}

const MAX_CAUSE_DEPTH = 8;
const SKIPPED_FIELDS = new Set(['name', 'message', 'stack', 'cause']);

function isErrorLike(value: unknown): value is Error {
  return (
    value instanceof Error ||
    (typeof value === 'object' &&
      value !== null &&
      typeof (value as Error).message === 'string' &&
      typeof (value as Error).stack === 'string')
  );
}

function cloneable(value: unknown): boolean {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol')) {
    return true;
  }
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

/** Turns a thrown value into something `postMessage` can carry without losing error fields. */
export function serializeError(thrown: unknown, depth = 0): unknown {
  if (!isErrorLike(thrown)) return cloneable(thrown) ? thrown : String(thrown);
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(thrown)) {
    if (SKIPPED_FIELDS.has(key)) continue;
    const value = (thrown as unknown as Record<string, unknown>)[key];
    if (key === 'errors' && Array.isArray(value) && depth < MAX_CAUSE_DEPTH) {
      fields[key] = value.map((item) => serializeError(item, depth + 1));
    } else if (cloneable(value)) fields[key] = value;
  }
  const hasCause = 'cause' in thrown && depth < MAX_CAUSE_DEPTH;
  const serialized: SerializedError = {
    $error: true,
    name: String(thrown.name),
    message: String(thrown.message),
    stack: typeof thrown.stack === 'string' ? thrown.stack : undefined,
    hasCause,
    fields,
    ...(hasCause ? { cause: serializeError(thrown.cause, depth + 1) } : {}),
  };
  return serialized;
}

function isSerializedError(value: unknown): value is SerializedError {
  return typeof value === 'object' && value !== null && (value as SerializedError).$error === true;
}

const BUILT_INS: Readonly<Record<string, ErrorConstructor>> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** Rebuilds a thrown value serialized by {@link serializeError}. */
export function deserializeError(value: unknown): unknown {
  if (!isSerializedError(value)) return value;
  const Constructor = BUILT_INS[value.name] ?? Error;
  const error = value.hasCause
    ? new Constructor(value.message, { cause: deserializeError(value.cause) })
    : new Constructor(value.message);
  if (error.name !== value.name) {
    Object.defineProperty(error, 'name', { value: value.name, writable: true, configurable: true, enumerable: false });
  }
  if (value.stack !== undefined) {
    Object.defineProperty(error, 'stack', {
      value: value.stack,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  for (const [key, field] of Object.entries(value.fields)) {
    (error as unknown as Record<string, unknown>)[key] =
      key === 'errors' && Array.isArray(field) ? field.map(deserializeError) : field;
  }
  return error;
}

/**
 * A hint at which part of `value` cannot be cloned, e.g. `input.callback` or `result[2]`: the
 * deepest path (breadth first, bounded) whose value fails a structured clone. Only called after
 * a clone failed, so its cost does not matter.
 */
export function findUncloneablePath(value: unknown, root: string): string {
  let path = root;
  let current = value;
  for (let depth = 0; depth < 32; depth++) {
    if (typeof current !== 'object' || current === null) return path;
    let next: [string, unknown] | undefined;
    const entries: [string, unknown][] =
      current instanceof Map
        ? [...current.entries()].map(([key, item]) => [`.get(${String(key)})`, item])
        : Array.isArray(current)
          ? current.map((item, index) => [`[${index}]`, item])
          : Object.keys(current).map((key) => [`.${key}`, (current as Record<string, unknown>)[key]]);
    for (const [key, item] of entries) {
      if (!cloneable(item)) {
        next = [key, item];
        break;
      }
    }
    if (next === undefined) return path;
    path += next[0];
    current = next[1];
  }
  return path;
}
