import { describe, expect, it } from 'vitest';
import { InvalidOptionError, UnknownOptionError } from '../../src/internal/errors.js';
import { FakeClock } from '../../src/testing/fake-clock.js';

describe('FakeClock', () => {
  it('stands still until advanced and fires timers in order', async () => {
    const clock = new FakeClock({ startMs: 100 });
    const fired: string[] = [];
    clock.setTimer(() => fired.push('b'), 20);
    clock.setTimer(() => fired.push('a'), 10);
    clock.setTimer(() => fired.push('c'), 20);
    expect(clock.now()).toBe(100);
    await clock.advance(15);
    expect(fired).toEqual(['a']);
    expect(clock.now()).toBe(115);
    await clock.advance(5);
    expect(fired).toEqual(['a', 'b', 'c']);
  });

  it('reports time at the timer deadline inside its callback, and runs promise chains between timers', async () => {
    const clock = new FakeClock();
    const seen: number[] = [];
    clock.setTimer(() => {
      seen.push(clock.now());
      void Promise.resolve().then(() => clock.setTimer(() => seen.push(clock.now()), 5));
    }, 10);
    await clock.advance(100);
    expect(seen).toEqual([10, 15]);
  });

  it('cancels timers and tracks referenced ones', async () => {
    const clock = new FakeClock();
    let fired = false;
    const timer = clock.setTimer(() => {
      fired = true;
    }, 10);
    expect(clock.referencedTimers).toBe(0);
    timer.ref();
    expect(clock.referencedTimers).toBe(1);
    timer.unref();
    expect(clock.referencedTimers).toBe(0);
    timer.cancel();
    timer.cancel();
    await clock.advance(20);
    expect(fired).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('runAll fires chains of timers and guards against endless re-arming', async () => {
    const clock = new FakeClock({ maxTimersPerRun: 50 });
    let count = 0;
    const again = () => {
      count++;
      clock.setTimer(again, 1);
    };
    clock.setTimer(again, 1);
    await expect(clock.runAll()).rejects.toThrow(/too many timers/);
    expect(count).toBeGreaterThan(10);
  });

  it('validates its options', () => {
    expect(() => new FakeClock({ startMs: -1 })).toThrow(InvalidOptionError);
    expect(() => new FakeClock({ start: 1 } as never)).toThrow(UnknownOptionError);
  });

  it('rejects a negative advance', async () => {
    await expect(new FakeClock().advance(-1)).rejects.toThrow(RangeError);
  });
});
