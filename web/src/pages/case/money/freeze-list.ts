import type { TraceResult } from '../../../api/types.ts';
import { formatTime, formatUnits, type AssetInfo } from '../../../lib/format.ts';
import { arrivalsOf } from './arrivals.ts';
import { FREEZE_CATEGORIES } from './buckets.ts';
import { heldAmounts } from './held-amounts.ts';
import { endpointMeasure, rawBigInt, type Valuation } from './valuation.ts';
import { shareText } from './text.ts';
import { csvField } from '../../../lib/csv-field.ts';

/** A transaction by which traced value reached a deposit address. */
export type FreezeArrival = {
  txHash: string;
  /** Unix seconds. */
  time: number;
  asset: string;
  /** Tainted raw units it brought (integer string). */
  tainted: string;
};

/** One deposit address of an exchange and one asset it received. */
export type FreezeDeposit = {
  chain: string;
  address: string;
  category: string;
  asset: string;
  /** Traced raw units (integer string). */
  amount: string;
  /** Of the stolen value (0-1). */
  share: number;
  /** In the valuation's measure (see {@link Valuation}). */
  measure: number;
  arrivals: FreezeArrival[];
  /**
   * Set when no list names the deposit address and the trace inferred it from its sweeps to the
   * exchange's labelled address: that address, the sweep transactions and the confidence (0-100).
   */
  inferred?: { exchangeAddress: string; sweeps: string[]; confidence: number } | undefined;
};

/** An exchange (an entity, or an unlabelled address standing for itself) and what it can freeze. */
export type FreezeExchange = {
  /** The entity, or the address when the endpoint has none. */
  name: string;
  entity: string | null;
  deposits: FreezeDeposit[];
  /** Per asset, the sum of its deposits (integer strings), the largest value first. */
  totals: { chain: string; asset: string; amount: string }[];
  share: number;
  measure: number;
};

/**
 * The freeze list of a trace: endpoints at services that can freeze (exchanges, deposit and hot
 * wallets, OTC desks, instant exchanges) grouped by entity, largest first. Endpoints at one address
 * in one asset are one deposit; each deposit carries the transactions by which the value arrived.
 *
 * @example
 * buildFreezeList(result, valuationOf(result))[0]; // { name: 'Alder Exchange', deposits: [...], … }
 */
export function buildFreezeList(result: TraceResult, valuation: Valuation): FreezeExchange[] {
  const into = arrivalsOf(result);
  const exchanges = new Map<string, FreezeExchange>();
  const deposits = new Map<string, FreezeDeposit>();
  for (const e of result.endpoints) {
    if (!FREEZE_CATEGORIES.has(e.category)) continue;
    const name = e.entity ?? e.address;
    let exchange = exchanges.get(name);
    if (!exchange) {
      exchange = { name, entity: e.entity, deposits: [], totals: [], share: 0, measure: 0 };
      exchanges.set(name, exchange);
    }
    const key = `${name}\u0000${e.chain}\u0000${e.address}\u0000${e.asset}`;
    let deposit = deposits.get(key);
    if (!deposit) {
      const byTx = new Map<string, FreezeArrival>();
      for (const edge of into(e)) {
        const seen = byTx.get(edge.txHash);
        if (seen) {
          seen.tainted = (rawBigInt(seen.tainted) + rawBigInt(edge.tainted)).toString();
          seen.time = Math.min(seen.time, edge.time);
        } else
          byTx.set(edge.txHash, {
            txHash: edge.txHash,
            time: edge.time,
            asset: edge.asset,
            tainted: rawBigInt(edge.tainted).toString(),
          });
      }
      deposit = {
        chain: e.chain,
        address: e.address,
        category: e.category,
        asset: e.asset,
        amount: '0',
        share: 0,
        measure: 0,
        arrivals: [...byTx.values()].sort((a, b) => a.time - b.time),
        ...(e.inferred ? { inferred: e.inferred } : {}),
      };
      deposits.set(key, deposit);
      exchange.deposits.push(deposit);
    }
    deposit.amount = (rawBigInt(deposit.amount) + rawBigInt(e.amount)).toString();
    deposit.share += e.share;
    deposit.measure += endpointMeasure(valuation, e);
    exchange.share += e.share;
    exchange.measure += endpointMeasure(valuation, e);
  }
  const list = [...exchanges.values()];
  for (const x of list) {
    x.deposits.sort((a, b) => b.share - a.share || cmp(a.address, b.address));
    // Largest value first: raw units of assets with different decimals (wei, satoshis) do not compare.
    x.totals = heldAmounts(x.deposits).map((t) => ({
      chain: t.chain,
      asset: t.asset,
      amount: t.amount.toString(),
    }));
  }
  return list.sort((a, b) => b.share - a.share || cmp(a.name, b.name));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** What a freeze request or CSV says about the case it comes from. */
export type FreezeContext = {
  caseName: string;
  /** The case's seeds (theft transactions or addresses), quoted in a request. */
  seeds: readonly string[];
  traceId: string;
  policy: string;
  direction: string;
  asset(chain: string, asset: string): AssetInfo;
};

function symbolOf(ctx: FreezeContext, chain: string, asset: string): string {
  return ctx.asset(chain, asset).symbol ?? asset;
}

/** Raw units in whole units with the asset's symbol, e.g. `10.07962715 ETH`. */
export function amountText(
  ctx: FreezeContext,
  chain: string,
  asset: string,
  raw: string,
  maxFraction = 8,
): string {
  const info = ctx.asset(chain, asset);
  return `${formatUnits(raw, info.decimals, maxFraction)} ${symbolOf(ctx, chain, asset)}`;
}

const CSV_HEADER = [
  'exchange',
  'category',
  'chain',
  'deposit_address',
  'asset',
  'symbol',
  'amount',
  'amount_raw',
  'share_of_stolen_percent',
  'arrival_tx_hashes',
  'arrival_times_utc',
  'inferred_from_sweeps_to',
  'sweep_tx_hashes',
  'trace_id',
  'policy',
];

/**
 * The freeze list as CSV: one row per deposit address and asset, amounts in whole units (full
 * precision, no thousands separators) and raw units, arrival transactions and their times joined by
 * `;` in the same order.
 */
export function freezeListCsv(exchanges: readonly FreezeExchange[], ctx: FreezeContext): string {
  const rows = [CSV_HEADER.join(',')];
  for (const x of exchanges)
    for (const d of x.deposits) {
      const info = ctx.asset(d.chain, d.asset);
      rows.push(
        [
          x.name,
          d.category,
          d.chain,
          d.address,
          d.asset,
          info.symbol ?? '',
          formatUnits(d.amount, info.decimals, info.decimals ?? 0).replace(/,/g, ''),
          d.amount,
          (d.share * 100).toFixed(4),
          d.arrivals.map((a) => a.txHash).join(';'),
          d.arrivals.map((a) => isoTime(a.time)).join(';'),
          d.inferred?.exchangeAddress ?? '',
          d.inferred?.sweeps.join(';') ?? '',
          ctx.traceId,
          ctx.policy,
        ]
          .map(csvField)
          .join(','),
      );
    }
  return `${rows.join('\r\n')}\r\n`;
}

function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A plain-text freeze request to one exchange: the case, each deposit address with its asset,
 * amount and the transactions (with times) by which the stolen value arrived, the total, and the
 * trace (id and policy) the figures come from.
 */
export function freezeRequestText(exchange: FreezeExchange, ctx: FreezeContext): string {
  const lines: string[] = [];
  lines.push(`Freeze request: ${exchange.name}`);
  lines.push('');
  lines.push(`Case: ${ctx.caseName}`);
  if (ctx.seeds.length > 0) lines.push(`Theft (case seeds): ${ctx.seeds.join(', ')}`);
  lines.push(
    `Trace: ${ctx.traceId} (${ctx.direction}, ${ctx.policy} policy). Amounts are the stolen value this trace follows to each address.`,
  );
  lines.push('');
  lines.push(
    `Our trace of the stolen funds finds that the following ${exchange.deposits.length === 1 ? 'address' : `${exchange.deposits.length} addresses`} at ${exchange.name} received them. We ask you to freeze these funds, preserve the account records, and contact us.`,
  );
  exchange.deposits.forEach((d, i) => {
    lines.push('');
    lines.push(`${i + 1}. ${d.address} (${d.chain}, ${d.category.replace(/_/g, ' ')})`);
    if (d.inferred)
      lines.push(
        `   Deposit address inferred from its sweeps to your address ${d.inferred.exchangeAddress}: ${d.inferred.sweeps.join(', ')}`,
      );
    lines.push(
      `   Amount: ${amountText(ctx, d.chain, d.asset, d.amount)} (${shareText(d.share)} of the stolen value)`,
    );
    if (d.arrivals.length === 0) lines.push('   Arrived by: (no transaction in the trace)');
    else {
      lines.push('   Arrived by:');
      for (const a of d.arrivals)
        lines.push(
          `   - ${a.txHash} at ${formatTime(a.time)} (${amountText(ctx, d.chain, a.asset, a.tainted)})`,
        );
    }
  });
  lines.push('');
  const totals = exchange.totals
    .map((t) => amountText(ctx, t.chain, t.asset, t.amount))
    .join(' + ');
  lines.push(`Total: ${totals} (${shareText(exchange.share)} of the stolen value)`);
  return `${lines.join('\n')}\n`;
}

/** `Alder Exchange` as `alder-exchange`, for file names. */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'case'
  );
}
