/**
 * Which destroy reasons leave a connection healthy enough for a polite goodbye (pg's Terminate,
 * MySQL's COM_QUIT, Redis QUIT) and which mean its state is unknown, so the socket is cut at once
 * instead of waiting `destroyTimeoutMs` for a peer that may never answer (a black-holed server).
 *
 * @module
 */
import type { DestroyReason } from '../resource/types.js';

const POLITE: ReadonlySet<DestroyReason> = new Set<DestroyReason>([
  'idle-timeout',
  'max-lifetime',
  'max-uses',
  'closing',
  'trimmed',
  'cleared',
  'evicted',
]);

/** True when a connection destroyed for `reason` should be closed politely rather than cut. */
export function closesPolitely(reason: DestroyReason): boolean {
  return POLITE.has(reason);
}
