// What the graph knows of a node or an edge, for the tooltip on the canvas and the side panel
// (which keyboard users reach): the same facts in both. Pure.
import type { TraceResult } from '../../../api/types.ts';
import { formatTime, shortAddress } from '../../../lib/format.ts';
import { amountText, type AssetLookup } from './derive.ts';
import { addRaw, isPseudo, isUtxoTx, type GraphEdge, type GraphNode } from './model.ts';

/** What a tooltip says: a title and lines of facts, each with its name. */
export type TooltipContent = {
  title: string;
  lines: { name: string; text: string; mono?: boolean }[];
};

/** Assets (per layer) a node's tooltip lists; the side panel lists them all. */
const TOOLTIP_ASSETS = 3;

/** A node's sums over the graph's edges in one asset and layer. */
export type NodeTotal = {
  asset: string;
  layer: string | null;
  chain: string;
  in: string;
  out: string;
  /** Tainted amounts where a trace found them (null: no trace edge that way). */
  taintedIn: string | null;
  taintedOut: string | null;
};

/**
 * Sums of the graph's edges into and out of a node, per asset and layer (tainted where a trace found
 * it): two traces through one address each count its transfers, so their sums stay apart.
 */
export function nodeTotals(id: string, edges: readonly GraphEdge[]): NodeTotal[] {
  const totals = new Map<string, NodeTotal>();
  for (const e of edges) {
    // A bridge hop moves no amount of its own: the deposit and the payout edges carry it.
    if ((e.from !== id && e.to !== id) || e.bridge !== undefined) continue;
    const key = `${e.asset}|${e.layer ?? ''}`;
    const t = totals.get(key) ?? {
      asset: e.asset,
      layer: e.layer,
      chain: e.chain,
      in: '0',
      out: '0',
      taintedIn: null,
      taintedOut: null,
    };
    if (e.to === id) {
      t.in = addRaw(t.in, e.amount);
      if (e.tainted !== null) t.taintedIn = addRaw(t.taintedIn ?? '0', e.tainted);
    }
    if (e.from === id) {
      t.out = addRaw(t.out, e.amount);
      if (e.tainted !== null) t.taintedOut = addRaw(t.taintedOut ?? '0', e.tainted);
    }
    totals.set(key, t);
  }
  return [...totals.values()];
}

/** The first and last transfer time over a node's edges in the graph (null when none has one). */
export function nodeTimes(
  id: string,
  edges: readonly GraphEdge[],
): { first: number | null; last: number | null } {
  let first: number | null = null;
  let last: number | null = null;
  for (const e of edges) {
    if (e.from !== id && e.to !== id) continue;
    if (e.first !== null && (first === null || e.first < first)) first = e.first;
    if (e.last !== null && (last === null || e.last > last)) last = e.last;
  }
  return { first, last };
}

/**
 * The transactions behind the graph's edges, from their traces' results, earliest first (by hash
 * among equal times). Counterparty flows have none at hand: their transfers are summed by the API.
 */
export function edgeTransactions(
  parts: readonly GraphEdge[],
  resultOf: (layer: string) => Pick<TraceResult, 'edges'> | null,
): string[] {
  const found = new Map<string, number>();
  for (const p of parts) {
    if (p.layer === null) continue;
    const result = resultOf(p.layer);
    for (const t of result?.edges ?? [])
      if (t.from === p.from && t.to === p.to && t.asset === p.asset)
        found.set(t.txHash, Math.min(found.get(t.txHash) ?? Infinity, t.time));
  }
  return [...found]
    .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([hash]) => hash);
}

/** `first … · last …`, or one time when they are the same. */
function timeText(first: number | null, last: number | null): string {
  if (first === null && last === null) return 'no time';
  if (first === last || last === null) return formatTime(first);
  return `${formatTime(first)} to ${formatTime(last)}`;
}

/**
 * A node's tooltip: its address, who it is (entity, category, seed), the tainted value in and out
 * per asset (with the symbol; untraced flows when no trace reached it) and its first and last time.
 */
export function nodeTooltip(args: {
  node: GraphNode;
  /** Drawn as a seed; and as the theft's (red). */
  seed: boolean;
  theftSeed: boolean;
  edges: readonly GraphEdge[];
  lookup: AssetLookup;
  /** `#2` for a layer when several are drawn, else null. */
  traceLabel: (layer: string | null) => string | null;
}): TooltipContent {
  const { node, lookup } = args;
  const who = [
    node.category ? node.category.replace(/_/g, ' ') : 'unlabelled',
    ...(args.theftSeed ? ['theft seed'] : args.seed ? ['seed'] : []),
  ].join(' · ');
  const tx = isUtxoTx(node);
  const lines: TooltipContent['lines'] = [
    {
      name: tx ? 'Transaction' : 'Address',
      text: `${node.address} (${node.chain})`,
      mono: !isPseudo(node.address),
    },
    ...(tx ? [] : [{ name: 'Who', text: who }]),
  ];
  const totals = nodeTotals(node.id, args.edges);
  const amount = (t: NodeTotal, raw: string | null) =>
    raw === null ? '—' : amountText(lookup, t.chain, t.asset, raw);
  for (const t of totals.slice(0, TOOLTIP_ASSETS)) {
    const trace = args.traceLabel(t.layer);
    const traced = t.taintedIn !== null || t.taintedOut !== null;
    lines.push({
      name: `${traced ? 'Tainted' : 'Flows'}${trace ? ` (${trace})` : ''}`,
      text: traced
        ? `in ${amount(t, t.taintedIn)} · out ${amount(t, t.taintedOut)}`
        : `in ${amount(t, t.in)} · out ${amount(t, t.out)}`,
    });
  }
  if (totals.length > TOOLTIP_ASSETS)
    lines.push({ name: 'More', text: `${totals.length - TOOLTIP_ASSETS} more in the side panel` });
  const { first, last } = nodeTimes(node.id, args.edges);
  lines.push({ name: 'Time', text: timeText(first, last) });
  return {
    title:
      node.entity ??
      (args.theftSeed ? 'Theft seed' : tx ? `Transaction on ${node.chain}` : 'Address'),
    lines,
  };
}

/**
 * An edge's tooltip: the amount (summed where it stands for several of the graph's edges), the
 * tainted part, its transaction (short; how many more), and its time.
 */
export function edgeTooltip(args: {
  parts: readonly GraphEdge[];
  transactions: readonly string[];
  lookup: AssetLookup;
}): TooltipContent | null {
  const { parts, lookup } = args;
  const e = parts[0];
  if (!e) return null;
  if (e.bridge !== undefined) return bridgeTooltip(e);
  let amount = '0';
  let tainted: string | null = null;
  let transfers = 0;
  let first: number | null = null;
  let last: number | null = null;
  for (const p of parts) {
    amount = addRaw(amount, p.amount);
    if (p.tainted !== null) tainted = addRaw(tainted ?? '0', p.tainted);
    transfers += p.transfers;
    if (p.first !== null && (first === null || p.first < first)) first = p.first;
    if (p.last !== null && (last === null || p.last > last)) last = p.last;
  }
  const tx = args.transactions;
  return {
    title: `${transfers.toLocaleString('en-US')} transfer${transfers === 1 ? '' : 's'}`,
    lines: [
      { name: 'Amount', text: amountText(lookup, e.chain, e.asset, amount) },
      {
        name: 'Tainted',
        text:
          tainted === null
            ? 'not traced (counterparty flow)'
            : amountText(lookup, e.chain, e.asset, tainted),
      },
      {
        name: tx.length > 1 ? 'Transactions' : 'Transaction',
        text: tx.length
          ? `${shortAddress(tx[0]!, 8)}${tx.length > 1 ? ` and ${tx.length - 1} more` : ''}`
          : 'not at hand (summed by the API)',
        mono: tx.length > 0,
      },
      { name: 'Time', text: timeText(first, last) },
    ],
  };
}

/** The chain of a node id (`<chain>:<address>`). */
const chainOfId = (id: string) => id.slice(0, id.indexOf(':'));

/**
 * A bridge hop's tooltip: which bridge, from which chain to which, and why no transfer is shown (the
 * deposit and the payout are the edges on either side).
 */
function bridgeTooltip(e: GraphEdge): TooltipContent {
  const from = chainOfId(e.from);
  const to = chainOfId(e.to);
  return {
    title: `Bridge hop: ${e.bridge}`,
    lines: [
      { name: 'From', text: from },
      { name: 'To', text: to },
      {
        name: 'How',
        text: `the trace followed a deposit into ${e.bridge} on ${from} to its payout on ${to}; no transfer joins them`,
      },
    ],
  };
}
