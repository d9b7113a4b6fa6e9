import { formatUnits } from '../../model/amount.ts';
import { formatTimestamp } from '../../model/time.ts';
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
    illicitShare({
      store,
      assets: options.asset?.split(','),
      chains: options.chain?.split(','),
      by: options.by,
    }),
  );
  if (options.json) return printJson(result, ctx.stdout);
  ctx.stdout.write(renderIllicitShare(result));
}

function units(raw: bigint, decimals: number | null): string {
  return decimals === null
    ? `${groupDigits(raw.toString())} raw`
    : groupDigits(formatUnits(raw, decimals));
}

const percent = (share: number | null) => (share === null ? '' : `${(share * 100).toFixed(4)}%`);
const day = (seconds: number | null) => (seconds === null ? '?' : formatTimestamp(seconds));

/**
 * Human-readable illicit share: the per-chain figures, the figures combined across chains, then
 * the methodology: definitions, categories counted, label lists (name, date, SHA-256) and the block
 * span stored per chain.
 *
 * @example
 * process.stdout.write(renderIllicitShare(await illicitShare({ store })));
 */
export function renderIllicitShare(r: IllicitShareReturnType): string {
  if (r.rows.length === 0)
    return `No transfers stored (of these assets${r.chains.length ? ` on ${r.chains.join(', ')}` : ''}).\n`;
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
  const cells = (
    chain: string,
    symbol: string,
    row: {
      period: string | null;
      group: string | null;
      illicitVolume: bigint;
      volume: bigint;
      share: number | null;
      illicitTransfers: number;
      transfers: number;
    },
    decimals: number | null,
  ) => [
    chain,
    symbol,
    ...(r.by === 'month' ? [row.period ?? ''] : []),
    ...(grouped ? [row.group ?? '(all illicit)'] : []),
    units(row.illicitVolume, decimals),
    units(row.volume, decimals),
    percent(row.share),
    groupDigits(String(row.illicitTransfers)),
    groupDigits(String(row.transfers)),
  ];
  const rows = r.rows.map((row) => cells(row.chain, row.symbol ?? row.asset, row, row.decimals));
  const combined = r.combined.map((row) =>
    cells([...new Set(row.parts.map((p) => p.chain))].join('+'), row.symbol, row, row.decimals),
  );
  const combinedParts = [
    ...new Map(
      r.combined.map((c) => [
        c.symbol,
        `  ${c.symbol} = ${c.parts.map((p) => `${p.chain}:${p.asset} (${p.decimals} decimals)`).join(' + ')}, in units of 10^-${c.decimals}`,
      ]),
    ).values(),
    ...r.notCombined.map((n) => `  ${n.symbol} not combined: ${n.reason}`),
  ];
  // Name, date and hash of each list, so the same lists can be found and checked again.
  const lists = r.labelSet.used.map(
    (i) =>
      `  #${i.id} ${i.listName === null ? `${i.source} (${i.format})` : `${i.listName} (${i.format}, ${i.source})`}, list date ${i.listDate ?? 'not given'}, imported ${i.importedAt}, sha256 ${i.sha256 ?? 'not recorded'}`,
  );
  if (r.labelSet.usedLabelsWithoutImport) lists.push('  labels written without an import record');
  const ranges = r.ranges.map(
    (c) =>
      `  ${c.chain}: ${
        c.firstBlock === null
          ? 'no transfers stored'
          : `transfers stored in blocks ${c.firstBlock}-${c.lastBlock} (${day(c.firstTime)} to ${day(c.lastTime)})`
      }; ${c.syncedTo === null ? 'no sync checkpoint (imported, not synced)' : `synced to block ${c.syncedTo}`}`,
  );
  return `${[
    formatTable(header, [...rows, ...combined]),
    '',
    ...(combinedParts.length ? ['combined across chains:', ...combinedParts] : []),
    'methodology:',
    `numerator: ${r.definitions.numerator}`,
    `denominator: ${r.definitions.denominator}`,
    `share: ${r.definitions.share}`,
    `combined: ${r.definitions.combined}`,
    ...(r.definitions.groups ? [`groups: ${r.definitions.groups}`] : []),
    `illicit categories counted: ${r.categories.join(', ')}`,
    `label set: ${r.labelSet.used.length} of ${r.labelSet.imports} label imports matched${lists.length ? `:\n${lists.join('\n')}` : ''}`,
    `range per chain:${ranges.length ? `\n${ranges.join('\n')}` : ' none'}`,
  ].join('\n')}\n`;
}
