import { describe, expect, it } from 'vitest';
import { type Carried, preparePayments, splitInflows, splitOutflows } from './flow-split.ts';

/** A transfer carrying `units` of its `amount` on the path `trail` (same asset as the exposure). */
const carried = (time: number, amount: number, units: number, trail: string): Carried<string> => ({
  time,
  amount,
  units,
  value: units,
  best: units,
  trail,
});

/** The share's figures to 12 digits (floats), and its trail. */
function expectShare(
  share: { units: number; value: number; best: number; trail: string } | null | undefined,
  expected: { units: number; value: number; best: number; trail: string },
) {
  expect(share).not.toBeNull();
  for (const k of ['units', 'value', 'best'] as const)
    expect(share![k]).toBeCloseTo(expected[k], 12);
  expect(share!.trail).toBe(expected.trail);
}

describe('time-respecting split', () => {
  it('inflows: a payment draws on what arrived by its time, never more than arrived, and a receipt gives at most its amount', () => {
    // Receipts: 10 at t=1 (r1), 10 at t=3 (r2). Payments on the path: 5 at t=2, 15 at t=4, 8 at t=0.
    const receipts = [
      { amount: 10, time: 1, received: 10 },
      { amount: 10, time: 3, received: 20 },
    ];
    const receivedBy = (t: number) => (t >= 3 ? 20 : t >= 1 ? 10 : 0);
    const [r1, r2] = splitInflows(
      [carried(2, 5, 5, 'a'), carried(4, 15, 15, 'b'), carried(0, 8, 8, 'c')],
      receivedBy,
      receipts,
    );
    // r1 would give 5 × 10/10 + 15 × 10/20 = 12.5 of its 10: scaled to 10. r2 gives 15 × 10/20.
    // The payment at t=0 came before any receipt: nothing funds it.
    expectShare(r1, { units: 10, value: 10, best: 7.5 * (10 / 12.5), trail: 'b' });
    expectShare(r2, { units: 7.5, value: 7.5, best: 7.5, trail: 'b' });
    // A payment larger than what had arrived draws only what had: 4 received, 10 paid, 6 of them on the path.
    const [drawn] = splitInflows([carried(2, 10, 6, 'd')], () => 4, [
      { amount: 4, time: 1, received: 4 },
    ]);
    expectShare(drawn, { units: 2.4, value: 2.4, best: 2.4, trail: 'd' });
  });

  it('outflows: a payment carries the share of what arrived by its time, and a receipt leaves in at most its amount', () => {
    // 6 of a receipt of 10 at t=1 are on the path; the address pays 5 at t=0, 5 at t=2 and 20 at t=3.
    const [early, second, third] = splitOutflows(
      [carried(1, 10, 6, 'a')],
      preparePayments([
        { amount: 5, time: 0, received: 0 },
        { amount: 5, time: 2, received: 10 },
        { amount: 20, time: 3, received: 20 },
      ]),
    );
    expect(early).toBeNull();
    // Weights 5/10 and min(1, 20/20): 1.5 in all, so the 6 leave as 6 × (0.5, 1) / 1.5.
    expectShare(second, { units: 2, value: 2, best: 2, trail: 'a' });
    expectShare(third, { units: 4, value: 4, best: 4, trail: 'a' });
  });
});
