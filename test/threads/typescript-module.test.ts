import { describe, expect, expectTypeOf, it } from 'vitest';
import { createThreadPool } from '../../src/threads/index.js';
import { closeAndCheck } from './helpers.js';

describe('a TypeScript worker module', () => {
  it('loads in the worker without set-up (tsx register API) and is typed from its exports', async () => {
    const pool = createThreadPool<typeof import('./fixtures/typed.js')>({
      module: new URL('./fixtures/typed.ts', import.meta.url),
      minThreads: 1,
      maxThreads: 1,
    });
    const scaled = pool.run('scale', { x: 1, y: 2 });
    expectTypeOf(scaled).toEqualTypeOf<Promise<{ readonly x: number; readonly y: number }>>();
    expect(await scaled).toEqual({ x: 2, y: 4 });
    expect(await pool.run('describe', 'ts')).toBe('hello ts');
    await closeAndCheck(pool);
  });
});
