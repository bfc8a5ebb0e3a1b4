import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderErrorsPage } from '../../scripts/errors-doc.js';
import * as errors from '../../src/errors.js';
import { AcquireTimeoutError, abortReason, ERROR_TABLE, PoolkitError } from '../../src/internal/errors.js';

describe('errors', () => {
  it('makes one class per table row, with the row name and code', () => {
    for (const [name, spec] of Object.entries(ERROR_TABLE)) {
      const ErrorClass = (errors as unknown as Record<string, new (message: string) => PoolkitError>)[name];
      expect(ErrorClass, `${name} is exported`).toBeTypeOf('function');
      const error = new (ErrorClass as new (message: string) => PoolkitError)('boom');
      expect(error).toBeInstanceOf(PoolkitError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(name);
      expect(error.code).toBe(spec.code);
      expect(error.message).toBe('boom');
      expect(String(error)).toBe(`${name}: boom`);
    }
  });

  it('uses unique codes', () => {
    const codes = Object.values(ERROR_TABLE).map((spec) => spec.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('forwards cause and assigns read-only details', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new AcquireTimeoutError('timed out', { cause, phase: 'create', stats: { size: 0 } });
    expect(error.cause).toBe(cause);
    expect(error.phase).toBe('create');
    expect(error.stats).toEqual({ size: 0 });
    expect(() => {
      (error as unknown as { phase: string }).phase = 'queue';
    }).toThrow(TypeError);
  });

  it('leaves cause absent when none was given', () => {
    expect('cause' in new AcquireTimeoutError('x')).toBe(false);
  });

  it('prefers signal.reason for aborts', () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    expect(abortReason(controller.signal)).toBe(reason);
    const bare = { reason: undefined } as unknown as AbortSignal;
    expect((abortReason(bare) as PoolkitError).code).toBe('POOLKIT_ABORTED');
  });

  it('docs/errors.md lists every code (run `npm run docs:errors` after editing the table)', () => {
    const page = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    expect(page).toBe(renderErrorsPage());
  });
});
