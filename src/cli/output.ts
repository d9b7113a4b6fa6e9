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
