/**
 * Prints an aligned table for the eval and bench output: the first column left-aligned, the others
 * right-aligned, indented by two spaces, a rule under the headers.
 *
 * @example
 * printTable(['case', 'recall'], [['HB', '78.6%']]);
 */
export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    '  ' +
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(headers));
  console.log('  ' + widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}
