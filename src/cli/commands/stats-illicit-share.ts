import { type Command, InvalidArgumentError } from 'commander';
import { formatUnits } from '../../model/amount.ts';
import {
  ILLICIT_SHARE_GROUPINGS,
  type IllicitShareGrouping,
  type IllicitShareReturnType,
  illicitShare,
} from '../../stats/illicit-share.ts';
import { type CliContext, type GlobalOptions, withStore } from '../context.ts';
import { withGlobalOptions } from '../options.ts';
import { formatTable, groupDigits, printJson } from '../output.ts';

function parseGrouping(value: string): IllicitShareGrouping {
  if (!(ILLICIT_SHARE_GROUPINGS as readonly string[]).includes(value))
    throw new InvalidArgumentError(`expected one of ${ILLICIT_SHARE_GROUPINGS.join(', ')}`);
  return value as IllicitShareGrouping;
}

/**
 * `chaintrail stats illicit-share`: share of transfer volume sent to or from addresses labelled
 * illicit, per chain and asset (and month, category or actor), printed with the definitions of its
 * numerator and denominator and the label imports behind it. `--json` prints the same as an object.
 *
 * @example
 * chaintrail stats illicit-share --asset USDT,USDC --by month --json
 */
export function registerIllicitShareCommand(stats: Command, ctx: CliContext): void {
  withGlobalOptions(
    stats
      .command('illicit-share')
      .description('share of transfer volume sent to or from addresses labelled illicit')
      .option(
        '--asset <assets>',
        'comma-separated symbols, token contracts, native, or chain:asset',
      )
      .option(
        '--by <grouping>',
        `rows per ${ILLICIT_SHARE_GROUPINGS.join(' | ')}`,
        parseGrouping,
        'chain',
      ),
  ).action(async (_options: unknown, command: Command) => {
    // `stats` has --db and --json too and takes them wherever they stand: merge both levels.
    const options = command.optsWithGlobals<
      GlobalOptions & { asset?: string; by: IllicitShareGrouping }
    >();
    const result = await withStore(ctx, options, (store) =>
      illicitShare({ store, assets: options.asset?.split(','), by: options.by }),
    );
    if (options.json) return printJson(result, ctx.stdout);
    ctx.stdout.write(renderIllicitShare(result));
  });
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
