import { formatUnits } from '../../model/amount.ts';
import { type IllicitShareReturnType, illicitShare } from '../../stats/illicit-share.ts';
import type { IllicitShareOptions } from '../commands/stats-illicit-share.ts';
import type { CliContext } from '../context.ts';
import { formatTable, groupDigits, printJson } from '../output.ts';
import { withStore } from '../with-store.ts';

/**
 * Runs `chaintrail stats illicit-share` (its options and help: src/cli/commands/stats-illicit-share.ts).
 *
 * @example
 * await runIllicitShare(ctx, { by: 'month', asset: 'USDT' });
 */
export async function runIllicitShare(
  ctx: CliContext,
  options: IllicitShareOptions,
): Promise<void> {
  const result = await withStore(ctx, options, (store) =>
    illicitShare({ store, assets: options.asset?.split(','), by: options.by }),
  );
  if (options.json) return printJson(result, ctx.stdout);
  ctx.stdout.write(renderIllicitShare(result));
}

function units(raw: bigint, decimals: number | null): string {
  return decimals === null
    ? `${groupDigits(raw.toString())} raw`
    : groupDigits(formatUnits(raw, decimals));
}

/**
 * Human-readable illicit share: the figures, then their definitions and the label set.
 *
 * @example
 * process.stdout.write(renderIllicitShare(await illicitShare({ store })));
 */
export function renderIllicitShare(r: IllicitShareReturnType): string {
  if (r.rows.length === 0) return 'No transfers stored (of these assets).\n';
  const grouped = r.by === 'category' || r.by === 'actor';
  const header = [
    'chain',
    'asset',
    ...(r.by === 'month' ? ['month'] : []),
    ...(grouped ? [r.by] : []),
    'illicit volume',
    'total volume',
    'share',
    'illicit transfers',
    'transfers',
  ];
  const rows = r.rows.map((row) => [
    row.chain,
    row.symbol ?? row.asset,
    ...(r.by === 'month' ? [row.period ?? ''] : []),
    ...(grouped ? [row.group ?? '(all illicit)'] : []),
    units(row.illicitVolume, row.decimals),
    units(row.volume, row.decimals),
    row.share === null ? '' : `${(row.share * 100).toFixed(4)}%`,
    groupDigits(String(row.illicitTransfers)),
    groupDigits(String(row.transfers)),
  ]);
  const lists = r.labelSet.used.map(
    (i) =>
      `  #${i.id} ${i.listName ?? i.format}${i.listDate ? ` of ${i.listDate}` : ''}${i.sha256 ? ` sha256 ${i.sha256.slice(0, 12)}…` : ''} (${i.source})`,
  );
  if (r.labelSet.usedLabelsWithoutImport) lists.push('  labels written without an import record');
  return `${[
    formatTable(header, rows),
    '',
    `numerator: ${r.definitions.numerator}`,
    `denominator: ${r.definitions.denominator}`,
    `share: ${r.definitions.share}`,
    ...(r.definitions.groups ? [`groups: ${r.definitions.groups}`] : []),
    `label set: ${r.labelSet.used.length} of ${r.labelSet.imports} label imports matched${lists.length ? `:\n${lists.join('\n')}` : ''}`,
  ].join('\n')}\n`;
}
