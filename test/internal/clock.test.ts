import { describe, expect, it } from 'vitest';
import { isClock, systemClock } from '../../src/internal/clock.js';

describe('systemClock', () => {
  it('is monotonic', () => {
    const a = systemClock.now();
    const b = systemClock.now();
    expect(b).toBeGreaterThanOrEqual(a);
  });

  it('creates unreferenced timers that can be referenced and cancelled', async () => {
    const before = process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
    const timer = systemClock.setTimer(() => {}, 60_000);
    expect(process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length).toBe(before);
    timer.ref();
    expect(process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length).toBe(before + 1);
    timer.cancel();
    expect(process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length).toBe(before);
  });

  it('fires a timer', async () => {
    await new Promise<void>((resolve) => {
      systemClock.setTimer(resolve, 0).ref();
    });
  });

  it('recognises clocks', () => {
    expect(isClock(systemClock)).toBe(true);
    expect(isClock({ now: () => 0 })).toBe(false);
    expect(isClock(null)).toBe(false);
  });
});
