import { formatTimestamp } from '../../model/time.ts';
import type { StoreStats } from '../../store/store.ts';
import type { CliContext, GlobalOptions } from '../context.ts';
import { alignAmounts, formatAssetAmount, formatTable, groupDigits, printJson } from '../output.ts';
import { withStore } from '../with-store.ts';

/**
 * Runs `chaintrail stats` (its options and help: src/cli/commands/stats.ts).
 *
 * @example
 * await runStats(ctx, { json: true });
 */
export async function runStats(ctx: CliContext, options: GlobalOptions): Promise<void> {
  const stats = await withStore(ctx, options, (store) => store.getStats());
  if (options.json) return printJson(stats);
  ctx.stdout.write(renderStats(stats));
}

/**
 * Human-readable stats: one table of chains, one of assets with amounts in whole units and their
 * symbol where the asset's metadata is known (`1,250,000 USDT`), else in raw units.
 *
 * @example
 * process.stdout.write(renderStats(await store.getStats()));
 */
export function renderStats(stats: StoreStats, options: { topAssets?: number } = {}): string {
  if (stats.chains.length === 0)
    return 'The database is empty. Import data with `chaintrail import`.\n';
  const shownAssets =
    options.topAssets === undefined
      ? stats.assets
      : [...stats.assets]
          .sort((a, b) => b.transfers - a.transfers || a.asset.localeCompare(b.asset))
          .slice(0, options.topAssets);
  const hidden = stats.assets.length - shownAssets.length;
  const chains = formatTable(
    ['chain', 'transfers', 'events', 'addresses', 'blocks', 'from (UTC)', 'to (UTC)'],
    stats.chains.map((c) => [
      c.chain,
      groupDigits(String(c.transfers)),
      groupDigits(String(c.events)),
      groupDigits(String(c.addresses)),
      c.firstBlock === null ? '' : `${c.firstBlock}-${c.lastBlock}`,
      c.firstTime === null ? '' : formatTimestamp(c.firstTime),
      c.lastTime === null ? '' : formatTimestamp(c.lastTime!),
    ]),
  );
  const amounts = alignAmounts(shownAssets.map((a) => formatAssetAmount(a.amount, a)));
  const assets = formatTable(
    ['chain', 'asset', 'symbol', 'kind', 'transfers', 'amount'],
    shownAssets.map((a, i) => [
      a.chain,
      a.asset,
      a.symbol ?? '',
      a.kind,
      groupDigits(String(a.transfers)),
      amounts[i]!,
    ]),
  );
  const events = stats.events.length
    ? `\n\n${formatTable(
        ['chain', 'event', 'count'],
        stats.events.map((e) => [e.chain, e.type, groupDigits(String(e.count))]),
      )}`
    : '';
  const more = hidden > 0 ? `\n(${hidden} more assets: chaintrail stats)` : '';
  return `${chains}\n\n${assets}${more}${events}\n`;
}
