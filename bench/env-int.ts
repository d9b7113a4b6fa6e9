/**
 * A positive integer setting of a benchmark from the environment, `fallback` when unset; anything
 * else stops the run naming the variable.
 *
 * @example
 * const blocks = envInt('BENCH_BTC_BLOCKS', 200);
 */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}
