import { describe, expect, it } from 'vitest';
import { DispatchWindow, MAX_AUTO_WINDOW } from '../../src/threads/dispatch-window.js';

function settle(window: DispatchWindow, runMs: number, roundTripMs: number): number {
  for (let i = 0; i < 200; i++) window.observe(runMs, roundTripMs);
  return window.size;
}

describe('DispatchWindow', () => {
  it('pipelines tiny tasks up to the cap: 1 + round trip / task time', () => {
    expect(settle(new DispatchWindow(undefined), 0.001, 0.051)).toBe(MAX_AUTO_WINDOW);
    const size = settle(new DispatchWindow(undefined), 0.01, 0.04); // transport 0.03 ms: 1 + 3 (moving averages round)
    expect(size).toBeGreaterThanOrEqual(4);
    expect(size).toBeLessThanOrEqual(5);
  });

  it('pipelines one extra task for uniform CPU tasks', () => {
    expect(settle(new DispatchWindow(undefined), 5, 5.03)).toBe(2);
    expect(settle(new DispatchWindow(undefined), 0.2, 0.23)).toBe(2);
  });

  it('deepens the window of short uniform tasks to amortize per-message costs (at most 4)', () => {
    expect(settle(new DispatchWindow(undefined), 0.1, 0.11)).toBe(4);
    expect(settle(new DispatchWindow(undefined), 0.05, 0.06)).toBe(4);
  });

  it('keeps one task per thread when lengths vary widely and the round trip is under a tenth', () => {
    const window = new DispatchWindow(undefined);
    for (let i = 0; i < 500; i++) window.observe(i % 5 === 4 ? 5 : 0.002, i % 5 === 4 ? 5.03 : 0.032);
    expect(window.size).toBe(1);
  });

  it('ignores round trips inflated by a busy machine (the floor is the cost)', () => {
    const window = new DispatchWindow(undefined);
    for (let i = 0; i < 500; i++) window.observe(0.3, i % 10 === 0 ? 0.33 : 20);
    expect(window.transportMs).toBeLessThan(0.6);
    expect(window.size).toBeLessThanOrEqual(3);
  });

  it('a fixed size never moves', () => {
    const window = new DispatchWindow(16);
    expect(settle(window, 5, 5.03)).toBe(16);
  });

  it('marks heavy payloads (posted one per message then) without shrinking the window', () => {
    const window = new DispatchWindow(undefined);
    expect(window.heavy).toBe(false);
    for (let i = 0; i < 200; i++) {
      window.observeClone(0.2);
      window.observe(0.001, 0.4);
    }
    expect(window.heavy).toBe(true);
    expect(window.size).toBeGreaterThan(2); // the round trip dwarfs the task: a deep window
    for (let i = 0; i < 200; i++) window.observeClone(0.001);
    expect(window.heavy).toBe(false);
  });

  it('one slow clone (a cold start, a GC pause) does not mark small payloads heavy', () => {
    const window = new DispatchWindow(undefined);
    window.observeClone(2); // the first, cold batch
    expect(window.heavy).toBe(false);
    window.observeClone(0.001);
    window.observeClone(0.001);
    expect(window.heavy).toBe(false);
    for (let i = 0; i < 3; i++) window.observeClone(0.2);
    expect(window.heavy).toBe(true);
  });
});
