import { describe, expect, it } from 'vitest';
import { ClosedError, InvalidOptionError, UnknownOptionError } from '../../src/errors.js';
import { createSocketPool, type SocketTarget } from '../../src/net/index.js';

describe('socket pool: bad input gets typed errors', () => {
  it('rejects bad targets and options with InvalidOptionError / UnknownOptionError', () => {
    const badTargets = [
      { port: 0 },
      { port: 70000 },
      { port: '80' },
      { port: 80, host: '' },
      { port: 80, tls: 'yes' },
      null,
    ];
    for (const target of badTargets) {
      expect(() => createSocketPool(target as unknown as SocketTarget)).toThrow(InvalidOptionError);
    }
    expect(() => createSocketPool({ port: 80 }, { maxPerAddress: 0 })).toThrow(InvalidOptionError);
    expect(() => createSocketPool({ port: 80 }, { maxPerAddress: 2, maxIdlePerAddress: 3 })).toThrow(
      /Expected `maxIdlePerAddress` to be an integer <= maxPerAddress \(2\), got `3` \(number\)/,
    );
    expect(() => createSocketPool({ port: 80 }, { connectTimeoutMs: -1 })).toThrow(InvalidOptionError);
    expect(() => createSocketPool({ port: 80 }, { conectTimeoutMs: 5 } as never)).toThrow(UnknownOptionError);
  });

  it('an acquire after close fails with ClosedError; acquire() without any target is a typed error too', async () => {
    const pool = createSocketPool(undefined);
    expect(() => pool.tryAcquire()).toThrow(TypeError);
    await expect(pool.acquire({ port: 0 } as SocketTarget)).rejects.toBeInstanceOf(InvalidOptionError);
    await pool.close();
    await expect(pool.acquire({ port: 1 })).rejects.toBeInstanceOf(ClosedError);
  });
});
