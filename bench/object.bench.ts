/**
 * Object suite: what pooling small objects buys in V8, and where it loses.
 * - get-put: one acquire+release pair of a small class instance, against `new` of the same
 *   class (kept reachable through a sink, so escape analysis cannot delete the allocation).
 * - container-refill: a container whose array is refilled with fresh child objects on every
 *   use, 1,000 of them alive at a time. Pooled containers get old and point at young children:
 *   every store hits the write barrier and the remembered set, and scavenges must scan them.
 *   This is the case DESIGN §11 says pooling loses; the numbers here say by how much.
 */

import { FreeList, ObjectPool } from '../dist/object/index.js';
import { defineSuite } from './harness.js';

class Message {
  id = 0;
  kind = 0;
  offset = 0;
  length = 0;
  flags = 0;
  next: Message | null = null;
}

class Child {
  constructor(
    readonly key: number,
    readonly value: number,
  ) {}
}

class Container {
  readonly children: Child[] = [];
  total = 0;
}

const PAIRS = 2_000_000;
const CONTAINERS = 200_000;
const CHILDREN = 16;
const LIVE = 1_000;
let sink: unknown;
let checksum = 0;

function fill(container: Container, seed: number): void {
  for (let j = 0; j < CHILDREN; j++) container.children.push(new Child(seed + j, j));
  container.total = seed;
}

const messagePool = new ObjectPool({ create: () => new Message(), eviction: 'none' });
const messageList = new FreeList({ create: () => new Message(), max: 64 });
const containerPool = new ObjectPool({
  create: () => new Container(),
  reset: (container) => {
    container.children.length = 0;
  },
  maxIdle: LIVE * 2,
  eviction: 'none',
});

export default defineSuite({
  name: 'object',
  cases: [
    {
      name: 'get-put',
      description: `${PAIRS.toLocaleString()} acquire+release pairs of a 6-field object (vs new + drop); ops = pairs`,
      rounds: 9,
      impls: {
        poolkit: {
          run: () => {
            for (let i = 0; i < PAIRS; i++) {
              const message = messagePool.acquire();
              message.id = i;
              message.length = i & 1023;
              messagePool.release(message);
            }
            return PAIRS;
          },
        },
        'poolkit-freelist': {
          run: () => {
            for (let i = 0; i < PAIRS; i++) {
              const message = messageList.alloc();
              message.id = i;
              message.length = i & 1023;
              messageList.free(message);
            }
            return PAIRS;
          },
        },
        new: {
          run: () => {
            for (let i = 0; i < PAIRS; i++) {
              const message = new Message();
              message.id = i;
              message.length = i & 1023;
              sink = message;
            }
            return PAIRS;
          },
        },
      },
    },
    {
      name: 'container-refill',
      description: `${CONTAINERS.toLocaleString()} containers of ${CHILDREN} fresh children, ${LIVE} alive at a time; ops = containers`,
      rounds: 7,
      impls: {
        poolkit: {
          run: () => {
            const live: Container[] = new Array(LIVE);
            for (let i = 0; i < CONTAINERS; i++) {
              const slot = i % LIVE;
              const old = live[slot];
              if (old !== undefined) {
                checksum += old.total;
                containerPool.release(old);
              }
              const container = containerPool.acquire();
              fill(container, i);
              live[slot] = container;
            }
            for (const container of live) containerPool.release(container);
            return CONTAINERS;
          },
        },
        new: {
          run: () => {
            const live: Container[] = new Array(LIVE);
            for (let i = 0; i < CONTAINERS; i++) {
              const slot = i % LIVE;
              const old = live[slot];
              if (old !== undefined) checksum += old.total;
              const container = new Container();
              fill(container, i);
              live[slot] = container;
            }
            sink = live;
            return CONTAINERS;
          },
        },
      },
    },
  ],
});

process.on('exit', () => {
  if (sink === 42) console.log(checksum); // keeps the work observable
});
