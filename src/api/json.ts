/**
 * A copy of `value` that JSON can carry: bigints (raw amounts) become decimal strings.
 *
 * @example
 * jsonSafe({ amount: 10n ** 20n }); // { amount: '100000000000000000000' }
 */
export function jsonSafe<T>(value: T): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
  );
}
