import { describe, expect, it } from 'vitest';
import { createFairQueue, type FairQueue, type FairQueueOwner } from './fair-queue.ts';

const A1 = { org: 'a', key: 'a-key1' };
const A2 = { org: 'a', key: 'a-key2' };
const B = { org: 'b', key: 'b-key' };
const C = { org: 'c', key: 'c-key' };

/** Queues `n` items named `<prefix><i>` for `owner`. */
function pushMany(queue: FairQueue<string>, owner: FairQueueOwner, prefix: string, n: number) {
  for (let i = 1; i <= n; i++) queue.push(owner, `${prefix}${i}`);
}

function drain(queue: FairQueue<string>): string[] {
  const out: string[] = [];
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) out.push(item);
  return out;
}

describe('createFairQueue', () => {
  it("takes organisations in turn: b's one item comes after one of a's, not after all of them", () => {
    const queue = createFairQueue<string>();
    pushMany(queue, A1, 'a', 5);
    queue.push(B, 'b1');
    expect(queue.size).toBe(6);
    expect(queue.orgs).toBe(2);
    expect(drain(queue)).toEqual(['a1', 'b1', 'a2', 'a3', 'a4', 'a5']);
    expect(queue.size).toBe(0);
  });

  it('puts an organisation that starts waiting before one just served (whose job runs)', () => {
    const queue = createFairQueue<string>();
    queue.push(A1, 'a1');
    expect(queue.shift()).toBe('a1'); // running; a's queue is empty
    pushMany(queue, A1, 'a', 3); // a queues more while a1 runs
    queue.push(B, 'b1'); // then b queues one
    expect(drain(queue)).toEqual(['b1', 'a1', 'a2', 'a3']);
  });

  it('cycles through three busy organisations, each in the order it queued', () => {
    const queue = createFairQueue<string>();
    pushMany(queue, A1, 'a', 3);
    pushMany(queue, B, 'b', 2);
    pushMany(queue, C, 'c', 3);
    expect(drain(queue)).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'c2', 'a3', 'c3']);
  });

  it('takes the keys of one organisation in turn too', () => {
    const queue = createFairQueue<string>();
    pushMany(queue, A1, 'x', 3);
    pushMany(queue, A2, 'y', 2);
    queue.push(B, 'b1');
    expect(drain(queue)).toEqual(['x1', 'b1', 'y1', 'x2', 'y2', 'x3']);
  });

  it('never returns a removed item, and forgets an organisation left with none', () => {
    const queue = createFairQueue<string>();
    pushMany(queue, A1, 'a', 2);
    queue.push(B, 'b1');
    expect(queue.remove(B, 'b1')).toBe(true);
    expect(queue.remove(B, 'b1')).toBe(false);
    expect(queue.remove(A1, 'zz')).toBe(false);
    expect(queue.orgs).toBe(1);
    expect(queue.remove(A1, 'a1')).toBe(true);
    expect(drain(queue)).toEqual(['a2']);
  });
});
