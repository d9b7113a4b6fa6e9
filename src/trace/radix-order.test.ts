import { describe, expect, it } from 'vitest';
import { createRandom } from '../simulate/random.ts';
import { radixOrder } from './radix-order.ts';

describe('radixOrder', () => {
  it('orders by major then minor, like a comparator sort, over the full 32-bit range', () => {
    const random = createRandom('radixOrder');
    for (const n of [0, 1, 2, 50, 3000]) {
      // Few distinct majors (ties for minor to break), minors spread over 32 bits.
      const major = Uint32Array.from({ length: n }, () => random.int(0, 20) * 0x10000001);
      const minor = Uint32Array.from({ length: n }, () => Math.floor(random.next() * 2 ** 32));
      const expected = [...major.keys()].sort(
        (a, b) => major[a]! - major[b]! || minor[a]! - minor[b]! || a - b,
      );
      expect([...radixOrder(major, minor)]).toEqual(expected);
    }
  });

  it('keeps the input order of equal items (stable)', () => {
    expect([...radixOrder(Uint32Array.of(7, 7, 3, 7), Uint32Array.of(1, 1, 9, 0))]).toEqual([
      2, 3, 0, 1,
    ]);
  });
});
