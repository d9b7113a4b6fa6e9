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

/**
 * Whether `value` nests arrays and objects more than `max` levels deep, found without recursion
 * (a JSON body 4,500 levels deep parses, then overflows the stack of whatever recurses over it).
 *
 * @example
 * nestedDeeperThan({ a: { b: [1] } }, 2); // true
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}
