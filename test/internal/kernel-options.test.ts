import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/internal/clock.js';
import { DeadlineHeap } from '../../src/internal/deadline-heap.js';
import { Deque } from '../../src/internal/deque.js';
import { InvalidOptionError, type PoolkitError } from '../../src/internal/errors.js';
import { Emitter } from '../../src/internal/events.js';

function codeOf(attempt: () => unknown): string | undefined {
  try {
    attempt();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return (error as PoolkitError).code;
  }
  return undefined;
}

// Every kernel constructor rejects bad input with the typed error and its stable code.
describe('kernel constructors validate their arguments', () => {
  it.each([
    [
      'Deque(0)',
      () => new Deque(0),
      'Expected `initialCapacity` to be an integer between 1 and 1073741824, got `0` (number)',
    ],
    ['Deque(2.5)', () => new Deque(2.5), 'got `2.5` (number)'],
    ['DeadlineHeap(no clock)', () => new DeadlineHeap({} as never, () => {}), 'Expected `clock` to be a Clock'],
    [
      'DeadlineHeap(no callback)',
      () => new DeadlineHeap(systemClock, 'x' as never),
      'Expected `onExpire` to be a function',
    ],
    [
      'DeadlineHeap.add(NaN)',
      () => new DeadlineHeap(systemClock, () => {}).add(Number.NaN, 1),
      'Expected `deadline` to be a number',
    ],
    ['Emitter("")', () => new Emitter(''), 'Expected `family` to be a lower-case name'],
    ['Emitter.on(no listener)', () => new Emitter('x').on('e', 5 as never), 'Expected `listener` to be a function'],
  ])('%s', (_name, attempt, message) => {
    expect(attempt).toThrow(message);
    expect(codeOf(attempt)).toBe('POOLKIT_INVALID_OPTION');
  });
});
