/**
 * Option validation shared by every constructor: unknown keys are rejected, values are checked
 * against a schema, nothing is clamped, and the resolved object is frozen. Messages follow one
 * style: Expected `max` to be an integer >= 1, got `0` (number).
 *
 * @module
 */
import { InvalidOptionError, UnknownOptionError } from './errors.js';

/** Checks and defaults one option. `T` is the resolved type. */
export interface OptionSpec<T> {
  /** Human description used in messages, e.g. "an integer >= 1". */
  readonly expected: string;
  /** Returns true when `value` (never `undefined`) is acceptable. */
  readonly check: (value: unknown) => boolean;
  /** Value used when the caller leaves the option out; `undefined` keeps it absent. */
  readonly defaultValue: T | undefined;
  /** Marker for the type system only. */
  readonly __type?: T;
}

/** A schema: option name to spec. */
export type OptionSchema = Readonly<Record<string, OptionSpec<unknown>>>;

/** The resolved, frozen options a schema produces. */
export type ResolvedOptions<S extends OptionSchema> = {
  readonly [K in keyof S]: S[K] extends OptionSpec<infer T> ? T : never;
};

/** Formats a value for a message: `0` (number), `"x"` (string), `[object Object]` (object). */
export function describeValue(value: unknown): string {
  let shown: string;
  if (typeof value === 'string') shown = JSON.stringify(value);
  else if (typeof value === 'function') shown = value.name ? `[function ${value.name}]` : '[function]';
  else if (typeof value === 'bigint') shown = `${value}n`;
  else if (typeof value === 'symbol') shown = value.toString();
  else if (Array.isArray(value)) shown = '[array]';
  else if (value === null) shown = 'null';
  else if (typeof value === 'object') shown = Object.prototype.toString.call(value);
  else shown = String(value);
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return `\`${shown}\` (${type})`;
}

/** Builds the standard message for a value that failed `expected`. */
export function expectedMessage(name: string, expected: string, value: unknown): string {
  return `Expected \`${name}\` to be ${expected}, got ${describeValue(value)}`;
}

/** Throws {@link InvalidOptionError} in the house style. */
export function invalidOption(name: string, expected: string, value: unknown): never {
  throw new InvalidOptionError(expectedMessage(name, expected, value), { option: name, value });
}

function range(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return ` between ${min} and ${max}`;
  if (min !== undefined) return ` >= ${min}`;
  if (max !== undefined) return ` <= ${max}`;
  return '';
}

interface NumericOptions<D> {
  readonly min?: number;
  readonly max?: number;
  readonly default?: D;
}

/** An integer option (safe integers only; `Infinity` when `allowInfinity`). */
export function integerOption<D extends number | undefined = undefined>(
  options: NumericOptions<D> & { readonly allowInfinity?: boolean } = {},
): OptionSpec<D extends number ? number : number | undefined> {
  const { min, max, allowInfinity = false } = options;
  return {
    expected: `an integer${range(min, max)}${allowInfinity ? ' or Infinity' : ''}`,
    check: (value) =>
      typeof value === 'number' &&
      (Number.isSafeInteger(value) || (allowInfinity && value === Number.POSITIVE_INFINITY)) &&
      (min === undefined || value >= min) &&
      (max === undefined || value <= max),
    defaultValue: options.default as never,
  };
}

/** A number option: finite unless `allowInfinity`, never NaN. */
export function numberOption<D extends number | undefined = undefined>(
  options: NumericOptions<D> & { readonly allowInfinity?: boolean } = {},
): OptionSpec<D extends number ? number : number | undefined> {
  const { min, max, allowInfinity = false } = options;
  return {
    expected: `a ${allowInfinity ? '' : 'finite '}number${range(min, max)}${allowInfinity ? ' or Infinity' : ''}`,
    check: (value) =>
      typeof value === 'number' &&
      (Number.isFinite(value) || (allowInfinity && value === Number.POSITIVE_INFINITY)) &&
      (min === undefined || value >= min) &&
      (max === undefined || value <= max),
    defaultValue: options.default as never,
  };
}

/**
 * A duration in milliseconds: a finite number >= 0 (or >= `min`), or `Infinity` to mean
 * "never" when `allowInfinity` is set (the default for durations).
 */
export function durationOption<D extends number | undefined = undefined>(
  options: NumericOptions<D> & { readonly allowInfinity?: boolean } = {},
): OptionSpec<D extends number ? number : number | undefined> {
  return numberOption({ min: 0, allowInfinity: true, ...options });
}

/** A boolean option. */
export function booleanOption<D extends boolean | undefined = undefined>(
  options: { readonly default?: D } = {},
): OptionSpec<D extends boolean ? boolean : boolean | undefined> {
  return {
    expected: 'a boolean',
    check: (value) => typeof value === 'boolean',
    defaultValue: options.default as never,
  };
}

/** One of a fixed set of string (or other primitive) values. */
export function enumOption<
  const V extends readonly (string | number | boolean)[],
  D extends V[number] | undefined = undefined,
>(
  values: V,
  options: { readonly default?: D } = {},
): OptionSpec<D extends V[number] ? V[number] : V[number] | undefined> {
  return {
    expected: `one of ${values.map((value) => `\`${String(value)}\``).join(', ')}`,
    check: (value) => values.includes(value as V[number]),
    defaultValue: options.default as never,
  };
}

/** A function option. */
export function functionOption<F extends (...args: never[]) => unknown>(
  options: { readonly default?: F } = {},
): OptionSpec<F | undefined> {
  return {
    expected: 'a function',
    check: (value) => typeof value === 'function',
    defaultValue: options.default,
  };
}

/** Any value accepted by `check`, described by `expected` (e.g. "a Clock"). */
export function customOption<T>(
  expected: string,
  check: (value: unknown) => boolean,
  options: { readonly default?: T } = {},
): OptionSpec<T> {
  return { expected, check, defaultValue: options.default };
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Validates `input` against `schema` and returns a new frozen object with defaults filled in.
 * The caller's object is never mutated. `owner` names the constructor in unknown-key messages.
 * An option explicitly set to `undefined` counts as absent.
 */
export function resolveOptions<S extends OptionSchema>(owner: string, input: unknown, schema: S): ResolvedOptions<S> {
  if (input === undefined || input === null) input = {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidOptionError(expectedMessage('options', 'an object', input), { option: 'options', value: input });
  }
  const source = input as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    if (!hasOwn.call(schema, key)) {
      const known = Object.keys(schema)
        .map((name) => `\`${name}\``)
        .join(', ');
      throw new UnknownOptionError(`Unknown option \`${key}\` for ${owner}; known options: ${known}`, {
        option: key,
      });
    }
  }
  const resolved: Record<string, unknown> = {};
  for (const key of Object.keys(schema)) {
    const spec = schema[key] as OptionSpec<unknown>;
    const value = source[key];
    if (value === undefined) {
      if (spec.defaultValue !== undefined) resolved[key] = spec.defaultValue;
      continue;
    }
    if (!spec.check(value)) invalidOption(key, spec.expected, value);
    resolved[key] = value;
  }
  return Object.freeze(resolved) as ResolvedOptions<S>;
}

/**
 * Checks a relation between two resolved options, e.g. `min <= max`, throwing the house-style
 * error naming `name` when it fails.
 */
export function requireRelation(ok: boolean, name: string, expected: string, value: unknown): void {
  if (!ok) invalidOption(name, expected, value);
}
