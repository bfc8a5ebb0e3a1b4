// Types of 60-threads-worker.mjs.
import type { Transferred } from '../../dist/threads/index.js';

export interface BandInput {
  readonly y0: number;
  readonly rows: number;
  readonly width: number;
  readonly height: number;
  readonly maxIterations: number;
}

export function band(input: BandInput): Transferred<Uint8Array>;
export function bandOrCrash(input: BandInput & { readonly attempts: SharedArrayBuffer }): Transferred<Uint8Array>;
