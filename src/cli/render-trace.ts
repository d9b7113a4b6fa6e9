import { formatTable, groupDigits } from './output.ts';
import { formatUnits } from '../model/amount.ts';
import { traceAmountToBigInt } from '../trace/raw-amount.ts';
import { isFreezable, summariseFreezable } from '../trace/freezable.ts';
import type { TraceResult, TraceSeed } from '../trace/types.ts';

/** Symbol and decimals of an asset, when known (from the store's asset metadata). */
export type AssetLookup = (
  chain: string,
  asset: string,
) => { symbol: string; decimals: number } | undefined;

export type RenderTraceParameters = {
  /** Formats amounts in units with their symbol; without it (or for an unknown asset) amounts are raw units. */
  assets?: AssetLookup | undefined;
  /** Endpoints listed with their finding and evidence path (default 5). */
  topEndpoints?: number | undefined;
};

/** Fraction digits shown of a formatted amount: enough to read, not a ledger. */
const SHOWN_FRACTION_DIGITS = 4;
const DEFAULT_TOP_ENDPOINTS = 5;

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** A share that is not zero but rounds to 0.0% says so. */
function smallPercent(share: number): string {
  return share > 0 && share < 0.0005 ? '< 0.1%' : percent(share);
}

function seedText(seed: TraceSeed): string {
  return seed.kind === 'address'
    ? `${seed.chain} ${seed.address}`
    : seed.kind === 'tx'
      ? `${seed.chain} tx ${seed.txHash}`
      : `${seed.chain} tx ${seed.txHash} #${seed.position}`;
}

/** Why a trace has no seed value, in words a user can act on. */
function noSeedValue(p: TraceResult['parameters']): string {
  if (!p.seeds.every((s) => s.kind === 'address')) return 'none (no seed transfer in the window)';
  return p.direction === 'backward'
    ? 'none: the seed addresses received nothing in the window (try an earlier --since or a later --until)'
    : 'none: the seed addresses sent nothing in the window (a forward trace follows what an address sends on; try --direction backward, or an earlier --since)';
}

/**
 * The TTY answer to "where is the money now": the traced value by category and entity with amounts
 * and share of the seed (traced and untraced adding up to 100%), then the top endpoints with their
 * finding and strongest evidence path.
 *
 * @example
 * process.stdout.write(renderTrace(result, { assets: (chain, asset) => meta.get(`${chain}|${asset}`) }));
 */
export function renderTrace(result: TraceResult, parameters: RenderTraceParameters = {}): string {
  const amount = (chain: string, asset: string, raw: bigint) => {
    const meta = parameters.assets?.(chain, asset);
    if (!meta) return `${groupDigits(raw.toString())} ${asset === 'native' ? '' : `${asset} `}raw`;
    const [whole = '0', fraction = ''] = formatUnits(raw, meta.decimals).split('.');
    const shown = fraction.slice(0, SHOWN_FRACTION_DIGITS).replace(/0+$/, '');
    return `${groupDigits(whole)}${shown ? `.${shown}` : ''} ${meta.symbol}`;
  };
  // Amounts per (category, entity) and asset, summed from the endpoints in exact integers.
  const amounts = new Map<string, Map<string, { chain: string; asset: string; raw: bigint }>>();
  for (const e of result.endpoints) {
    const key = `${e.category}|${e.entity ?? ''}`;
    const byAsset = amounts.get(key) ?? new Map();
    const assetKey = `${e.chain}|${e.asset}`;
    const row = byAsset.get(assetKey) ?? { chain: e.chain, asset: e.asset, raw: 0n };
    row.raw += traceAmountToBigInt(e.amount);
    byAsset.set(assetKey, row);
    amounts.set(key, byAsset);
  }
  const rows = [...result.summary.byCategory]
    .sort((a, b) => b.share - a.share)
    .map((c) => [
      c.category,
      c.entity ?? '',
      [...(amounts.get(`${c.category}|${c.entity ?? ''}`)?.values() ?? [])]
        .map((a) => amount(a.chain, a.asset, a.raw))
        .join(' + '),
      percent(c.share),
    ]);
  const { traced, untraced, untracedBy, seedValue } = result.summary;
  const causes = [
    ['gas fees', untracedBy.fees],
    ['hop limit', untracedBy.hopLimit],
    ['dust', untracedBy.dust],
    ['unresolved swaps', untracedBy.conversion],
  ] as const;
  const why = causes
    .filter(([, share]) => share > 0)
    .map(([cause, share]) => `${cause} ${smallPercent(share)}`)
    .join(', ');
  rows.push(['untraced', why === '' ? '' : `(${why})`, '', percent(untraced)]);
  // Amounts carry a symbol, so formatTable sees text: right-align them here to line up digits.
  const amountWidth = Math.max(...rows.map((r) => r[2]!.length));
  for (const r of rows) r[2] = r[2]!.padStart(amountWidth);
  const p = result.parameters;
  // Shares of a seed of several assets need a common unit: say which one, or that there was none.
  const { valuedIn } = result.summary;
  const symbolOf = (chain: string, asset: string) =>
    parameters.assets?.(chain, asset)?.symbol ?? asset;
  const valuation =
    seedValue.length < 2
      ? ''
      : valuedIn
        ? ` (shares: valued in ${symbolOf(valuedIn.chain, valuedIn.asset)} at the swap rates in the data)`
        : ' (shares: no swap rate links these assets; each counts as an equal part)';
  const lines = [
    `Trace ${p.direction} (${p.policy}${p.maxHops !== undefined ? `, up to ${p.maxHops} hops` : ''}) from ${p.seeds.map(seedText).join(', ')}`,
    `Seed value: ${seedValue.map((s) => amount(s.chain, s.asset, traceAmountToBigInt(s.amount))).join(' + ') || noSeedValue(p)}${valuation}`,
    '',
    'Where the money is now:',
    ...formatTable(['category', 'entity', 'amount', 'share'], rows)
      .split('\n')
      .map((l) => `  ${l}`),
    `  traced ${percent(traced)} + untraced ${percent(untraced)} = ${percent(traced + untraced)} of the seed`,
  ];
  const freezable =
    result.summary.freezable === undefined
      ? summariseFreezable(p.direction, result.endpoints)
      : result.summary.freezable;
  if (freezable) {
    // Exact per-asset sums of the same endpoints the summary counted (src/trace/freezable.ts).
    const byAsset = new Map<string, { chain: string; asset: string; raw: bigint }>();
    for (const e of result.endpoints) {
      if (!isFreezable(e.category)) continue;
      const row = byAsset.get(`${e.chain}|${e.asset}`) ?? {
        chain: e.chain,
        asset: e.asset,
        raw: 0n,
      };
      row.raw += traceAmountToBigInt(e.amount);
      byAsset.set(`${e.chain}|${e.asset}`, row);
    }
    const amounts = [...byAsset.values()].map((a) => amount(a.chain, a.asset, a.raw)).join(' + ');
    lines.push(
      freezable.services === 0
        ? '  Freezable: nothing (no traced value reached an exchange, OTC desk or instant exchange)'
        : `  Freezable: ${amounts} (${percent(freezable.share)}) at ${freezable.services} service${freezable.services === 1 ? '' : 's'} that can freeze it (exchanges, OTC desks, instant exchanges)`,
    );
  }
  const top = result.endpoints.slice(0, parameters.topEndpoints ?? DEFAULT_TOP_ENDPOINTS);
  if (top.length > 0) {
    lines.push('', `Top endpoints (${top.length} of ${result.endpoints.length}):`);
    top.forEach((e, i) => {
      lines.push(
        `  ${i + 1}. ${e.finding}: ${amount(e.chain, e.asset, traceAmountToBigInt(e.amount))} (${percent(e.share)})`,
        `     at ${e.chain} ${e.address} (${e.category}${e.entity ? `, ${e.entity}` : ''})`,
      );
      if (e.destination)
        lines.push(`     destination: ${e.destination.chain} ${e.destination.address}`);
      if (e.paths[0]) lines.push(`     path: ${e.paths[0].join(' > ')}`);
    });
  }
  return `${lines.join('\n')}\n`;
}
