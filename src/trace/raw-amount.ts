/**
 * A trace amount (raw units as a decimal string made from a double, so possibly `1.5e+21` or with a
 * fraction after a haircut split) as a bigint of raw units, rounded to the nearest unit.
 *
 * @example
 * traceAmountToBigInt('1.5e+21'); // 1500000000000000000000n
 */
export function traceAmountToBigInt(amount: string): bigint {
  const text = amount.trim();
  if (/^\d+$/.test(text)) return BigInt(text);
  const value = Number(text);
  // A double that is not finite or negative is a broken result, not an amount to round.
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`Not a raw trace amount: "${amount}"`);
  return BigInt(Math.round(value));
}
