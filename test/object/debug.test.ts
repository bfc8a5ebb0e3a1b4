import { describe, expect, it } from 'vitest';
import { gcEpoch, ObjectPool } from '../../src/object/index.js';

gcEpoch.disable();

class Row {
  id = 0;
  name = '';
}

describe('ObjectPool debug block', () => {
  it('poisons on release, so a stale reference sees it, and lends out a reset object', () => {
    const pool = new ObjectPool<Row>({
      create: () => new Row(),
      reset: (r) => {
        r.id = 0;
        r.name = '';
      },
      debug: {
        poison: (r) => {
          r.id = Number.NaN;
          r.name = 'POISONED';
        },
      },
    });
    const row = pool.acquire();
    row.id = 7;
    pool.release(row);
    expect(row.name).toBe('POISONED'); // what a holder that kept `row` would now see
    expect(Number.isNaN(row.id)).toBe(true);
    const again = pool.acquire();
    expect(again).toBe(row);
    expect(again).toMatchObject({ id: 0, name: '' });
  });

  it('drops every release at dropRate 1 and none at dropRate 0', () => {
    const always = new ObjectPool({ create: () => ({}), debug: { dropRate: 1 } });
    for (let i = 0; i < 10; i++) always.release(always.acquire());
    expect(always.stats()).toMatchObject({ idle: 0, created: 10 });
    expect(always.stats().dropped.debug).toBe(10);
    const never = new ObjectPool({ create: () => ({}), debug: { dropRate: 0 } });
    for (let i = 0; i < 10; i++) never.release(never.acquire());
    expect(never.stats()).toMatchObject({ idle: 1, created: 1 });
  });

  it('still detects double release in debug mode', () => {
    const pool = new ObjectPool({ create: () => ({}), debug: { leakSampleRate: 1 } });
    const o = pool.acquire();
    pool.release(o);
    expect(() => pool.release(o)).toThrow(expect.objectContaining({ code: 'POOLKIT_DOUBLE_RELEASE' }));
  });
});
