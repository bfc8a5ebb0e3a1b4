import diagnosticsChannel from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { Emitter } from '../../src/internal/events.js';

type TestEvents = { acquired: { id: number }; closed: undefined };

function catchUncaught(): { errors: unknown[]; stop: () => void } {
  const errors: unknown[] = [];
  const handler = (error: unknown) => errors.push(error);
  process.prependListener('uncaughtException', handler);
  return { errors, stop: () => process.off('uncaughtException', handler) };
}

describe('Emitter', () => {
  it('delivers typed payloads, once and off', () => {
    const emitter = new Emitter<TestEvents>('test');
    const seen: number[] = [];
    const onceSeen: number[] = [];
    const listener = (payload: { id: number }) => seen.push(payload.id);
    emitter.on('acquired', listener);
    emitter.once('acquired', (payload) => onceSeen.push(payload.id));
    emitter.emit('acquired', { id: 1 });
    emitter.emit('acquired', { id: 2 });
    emitter.off('acquired', listener);
    emitter.emit('acquired', { id: 3 });
    expect(seen).toEqual([1, 2]);
    expect(onceSeen).toEqual([1]);
    expect(emitter.listenerCount('acquired')).toBe(0);
  });

  it('returns an unsubscribe function from on()', () => {
    const emitter = new Emitter<TestEvents>('test');
    let count = 0;
    const off = emitter.on('closed', () => count++);
    emitter.emit('closed', undefined);
    off();
    emitter.emit('closed', undefined);
    expect(count).toBe(1);
  });

  it('keeps calling listeners after one throws, and reports the error asynchronously', async () => {
    const emitter = new Emitter<TestEvents>('test');
    const seen: string[] = [];
    emitter.on('acquired', () => {
      seen.push('first');
      throw new Error('bad listener');
    });
    emitter.on('acquired', () => seen.push('second'));
    const uncaught = catchUncaught();
    try {
      expect(() => emitter.emit('acquired', { id: 1 })).not.toThrow();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      uncaught.stop();
    }
    expect(seen).toEqual(['first', 'second']);
    expect(uncaught.errors).toHaveLength(1);
    expect((uncaught.errors[0] as Error).message).toBe('bad listener');
  });

  it('publishes on poolkit:<family>:<event> diagnostics channels', () => {
    const emitter = new Emitter<TestEvents>('unit');
    const received: unknown[] = [];
    const subscriber = (message: unknown) => received.push(message);
    expect(emitter.wants('acquired')).toBe(false);
    diagnosticsChannel.subscribe('poolkit:unit:acquired', subscriber);
    try {
      expect(emitter.wants('acquired')).toBe(true);
      emitter.emit('acquired', { id: 7 });
    } finally {
      diagnosticsChannel.unsubscribe('poolkit:unit:acquired', subscriber);
    }
    expect(received).toEqual([{ id: 7 }]);
  });

  it('tolerates a listener removing itself or another during emit', () => {
    const emitter = new Emitter<TestEvents>('test');
    const seen: string[] = [];
    const second = () => seen.push('second');
    emitter.on('closed', () => {
      seen.push('first');
      emitter.off('closed', second);
    });
    emitter.on('closed', second);
    emitter.emit('closed', undefined);
    emitter.emit('closed', undefined);
    expect(seen).toEqual(['first', 'second', 'first']);
  });
});
