/** Bits of one limb of an amount (`a0`..`a3` in the transfers table). */
const LIMB_BITS = 64n;
const LIMB_MASK = (1n << LIMB_BITS) - 1n;
/** Limbs kept: 4 x 64 bits hold any EVM amount (uint256). */
export const AMOUNT_LIMBS = 4;
/** Half a limb: sums add halves, so no 64-bit sum overflows before 2^32 rows. */
const HALF_BITS = 32n;

/**
 * An amount (0 ≤ amount < 2^256) as four 64-bit limbs, least significant first, as decimal text
 * (ClickHouse's JSON reads UInt64 from a string exactly).
 *
 * @example
 * amountLimbs(2n ** 64n + 5n); // ['5', '1', '0', '0']
 */
export function amountLimbs(amount: bigint): string[] {
  if (amount < 0n || amount >> (LIMB_BITS * BigInt(AMOUNT_LIMBS)) !== 0n)
    throw new RangeError(`Amount ${amount} is outside 0..2^256-1`);
  const limbs: string[] = [];
  for (let i = 0; i < AMOUNT_LIMBS; i++)
    limbs.push(((amount >> (LIMB_BITS * BigInt(i))) & LIMB_MASK).toString());
  return limbs;
}

/**
 * SQL of the eight sums that add amounts exactly on any ClickHouse release (18.16 has no 256-bit
 * integer and its `sum` of UInt64 wraps): each limb's low and high 32 bits summed apart, as
 * `s0l, s0h, …, s3h`. {@link limbSumsTotal} puts them together.
 */
export const LIMB_SUMS_SQL = Array.from(
  { length: AMOUNT_LIMBS },
  (_, i) =>
    `toString(sum(bitAnd(a${i}, 4294967295))) AS s${i}l, toString(sum(bitShiftRight(a${i}, 32))) AS s${i}h`,
).join(', ');

/** The exact total of the sums {@link LIMB_SUMS_SQL} selected, from a result row. */
export function limbSumsTotal(row: Record<string, unknown>): bigint {
  let total = 0n;
  for (let i = 0; i < AMOUNT_LIMBS; i++) {
    const low = BigInt(String(row[`s${i}l`] ?? 0));
    const high = BigInt(String(row[`s${i}h`] ?? 0));
    total += (low + (high << HALF_BITS)) << (LIMB_BITS * BigInt(i));
  }
  return total;
}
