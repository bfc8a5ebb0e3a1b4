import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/resource/index.js';
import { FakeClock } from '../../src/testing/index.js';
import { testFactory } from './helpers.js';

describe('waiters are served FIFO', () => {
  it('in arrival order', async () => {
    const pool = createPool(testFactory().factory, { max: 1 });
    const first = await pool.acquire();
    const order: number[] = [];
    const waiters = [0, 1, 2, 3, 4].map((index) =>
      pool.acquire().then((lease) => {
        order.push(index);
        lease.release();
      }),
    );
    first.release();
    await Promise.all(waiters);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    await pool.close();
  });

  it('and a waiter whose resource failed validation keeps its place', async () => {
    const clock = new FakeClock();
    const bad = new Set<number>();
    const fixture = testFactory({ validate: (conn) => !bad.has(conn.id) });
    const pool = createPool(fixture.factory, { clock, max: 2, validateAfterIdleMs: 10 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    const order: string[] = [];
    const first = pool.acquire().then((lease) => {
      order.push(`first:${lease.value.id}`);
      return lease;
    });
    const second = pool.acquire().then((lease) => {
      order.push(`second:${lease.value.id}`);
      return lease;
    });
    bad.add(a.value.id);
    pool.pause(); // park both releases in the idle list so that they are validated on borrow
    a.release();
    b.release();
    await clock.advance(20);
    pool.resume(); // first gets a (fails validation, destroyed), keeps its place, then gets b
    await clock.advance(0);
    const firstLease = await first;
    expect(order[0]).toBe(`first:${b.value.id}`);
    firstLease.release();
    const secondLease = await second;
    expect(order[1]).toMatch(/^second:/); // served after first: first kept its place at the head
    secondLease.release();
    await pool.close();
  });
});
