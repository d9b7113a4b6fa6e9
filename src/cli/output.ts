import { formatUnits } from '../model/amount.ts';

/**
 * Writes `value` as JSON on stdout; bigints become decimal strings (amounts are never JS numbers).
 *
 * @example
 * printJson({ amount: 10n ** 18n }); // {"amount":"1000000000000000000"}
 */
export function printJson(value: unknown, out: NodeJS.WritableStream = process.stdout): void {
  out.write(
    `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`,
  );
}

/**
 * Renders rows as an aligned text table (numbers right-aligned).
 *
 * @example
 * formatTable(['chain', 'transfers'], [['ethereum', '291']]);
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = header.map(
    (_, i) => rows.length > 0 && rows.every((r) => /^-?[\d.,]+$|^$/.test(r[i] ?? '')),
  );
  const fmt = (cells: readonly string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

/**
 * Groups digits of an integer string in threes for reading (`1234567` -> `1,234,567`).
 *
 * @example
 * groupDigits('1234567.5'); // '1,234,567.5'
 */
export function groupDigits(text: string): string {
  const [whole = '', frac] = text.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/**
 * An amount as people read it: whole units with the asset's symbol (`1,250,000 USDT`) when its
 * decimals are known, whole units alone when only the symbol is missing, else raw integer units
 * (`1,234 raw units`). Exact: every digit is kept.
 *
 * @example
 * formatAssetAmount(1_250_000_000_000n, { symbol: 'USDT', decimals: 6 }); // '1,250,000 USDT'
 */
export function formatAssetAmount(
  raw: bigint,
  asset: { symbol: string | null; decimals: number | null },
): string {
  if (asset.decimals === null) return `${groupDigits(raw.toString())} raw units`;
  const units = groupDigits(formatUnits(raw, asset.decimals));
  return asset.symbol === null ? units : `${units} ${asset.symbol}`;
}

/**
 * Lines up amounts made by {@link formatAssetAmount} for a table column: the numbers right-aligned,
 * each followed by its symbol, so digits stay under digits (a table treats such cells as text).
 *
 * @example
 * alignAmounts(['1,250,000 USDT', '5.5 WETH']); // ['1,250,000 USDT', '      5.5 WETH']
 */
export function alignAmounts(amounts: readonly string[]): string[] {
  const parts = amounts.map((a) => {
    const space = a.indexOf(' ');
    return space < 0 ? [a, ''] : [a.slice(0, space), a.slice(space + 1)];
  });
  const width = Math.max(0, ...parts.map(([n]) => n!.length));
  return parts.map(([n, unit]) => `${n!.padStart(width)}${unit ? ` ${unit}` : ''}`);
}
