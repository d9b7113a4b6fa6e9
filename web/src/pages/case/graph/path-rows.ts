// A path from a seed as evidence: every transfer along it, hop by hop, from the trace results of the
// layers its edges belong to (a graph edge sums transfers; the table lists each one with its
// transaction and time). Pure, so the rows, the TSV and the CSV are tested without a browser.
import type { TraceEdge, TraceResult } from '../../../api/types.ts';
import { csvField } from '../../../lib/csv-field.ts';
import { formatUnits } from '../../../lib/format.ts';
import type { AssetLookup } from './derive.ts';
import { flowId, looksLikeUtxoTx, type GraphEdge } from './model.ts';

/**
 * One transfer on a path (or a counterparty flow, which names no transaction), or the hop across a
 * bridge between two chains (`bridge`), which no transfer makes.
 */
export type PathRow = {
  /** Place of its edge on the path, from 1. */
  hop: number;
  /** The chain of `from`; `toChain` is that of `to`, another one only on a bridge hop. */
  chain: string;
  toChain: string;
  /** Addresses (without the chain); a UTXO transaction's hash for a transaction node. */
  from: string;
  to: string;
  asset: string;
  /** Raw units the transfer moved: what `to` received (null on a bridge hop: no transfer). */
  amountIn: string | null;
  /** Raw units of it the trace counts as tainted (null: a counterparty flow, which no trace followed). */
  taintedOut: string | null;
  /** Null for a counterparty flow (`transfers` transfers summed). */
  txHash: string | null;
  /** Unix seconds (a counterparty flow: its first transfer's), null when unknown. */
  time: number | null;
  transfers: number;
  /** The trace (layer) whose result the row comes from; null for a counterparty flow. */
  traceId: string | null;
  /**
   * On the hop across a bridge (THORChain from an EVM chain to Bitcoin, say): the bridge's name.
   * Its transaction is the payout on the other chain when that is a UTXO transaction (its memo names
   * the deposit, e.g. `OUT:<hash>`), and its time the payout's.
   */
  bridge: string | null;
};

const addressOf = (id: string) => id.slice(id.indexOf(':') + 1);
const chainOfId = (id: string) => id.slice(0, id.indexOf(':'));

/**
 * The row of a bridge hop: from where the value left one chain (the bridge's router) to where it
 * came out on the other (the payout). No transfer joins the two, so it has no amount; when the
 * payout is a UTXO transaction, it is the hop's transaction and its outputs' first time the hop's.
 */
function bridgeRow(hop: number, e: GraphEdge, result: TraceResult): PathRow {
  const node = (id: string) => result.nodes.find((n) => n.id === id);
  const to = node(e.to);
  const toChain = to?.chain ?? chainOfId(e.to);
  const payout = to?.kind === 'utxo_tx' || looksLikeUtxoTx(toChain, to?.address ?? addressOf(e.to));
  let time: number | null = null;
  for (const t of result.edges) if (t.from === e.to) time = Math.min(time ?? t.time, t.time);
  return {
    hop,
    chain: node(e.from)?.chain ?? chainOfId(e.from),
    toChain,
    from: addressOf(e.from),
    to: addressOf(e.to),
    asset: e.asset,
    amountIn: null,
    taintedOut: null,
    txHash: payout ? addressOf(e.to) : null,
    time,
    transfers: 0,
    traceId: e.layer,
    bridge: e.bridge ?? 'bridge',
  };
}

/** A trace's transfers by flow (`<from>><to>><asset>`), oldest first; built once per result. */
const byFlowCache = new WeakMap<TraceResult, Map<string, TraceEdge[]>>();
function transfersByFlow(result: TraceResult): Map<string, TraceEdge[]> {
  let map = byFlowCache.get(result);
  if (map) return map;
  map = new Map();
  for (const t of result.edges) {
    const key = flowId(t);
    const list = map.get(key);
    if (list) list.push(t);
    else map.set(key, [t]);
  }
  for (const list of map.values()) list.sort((a, b) => a.time - b.time || a.hop - b.hop);
  byFlowCache.set(result, map);
  return map;
}

/**
 * The rows of a path: for each of its steps (the graph edges one drawn edge stands for, in path
 * order), each transfer of the layer's trace result along that edge, oldest first; a counterparty
 * flow is one row. Null while a layer's result is not at hand (`resultOf` gives null), with the ids
 * of the traces missing.
 *
 * @example
 * pathRows([[edge]], (id) => results.get(id) ?? null); // { rows: [{ hop: 1, txHash: '0x…', … }], missing: [] }
 */
export function pathRows(
  steps: readonly (readonly GraphEdge[])[],
  resultOf: (traceId: string) => TraceResult | null,
): { rows: PathRow[]; missing: string[] } {
  const rows: PathRow[] = [];
  const missing = new Set<string>();
  steps.forEach((edges, i) => {
    const hop = i + 1;
    const step: PathRow[] = [];
    for (const e of edges) {
      if (e.layer === null) {
        step.push({
          hop,
          chain: e.chain,
          toChain: e.chain,
          from: addressOf(e.from),
          to: addressOf(e.to),
          asset: e.asset,
          amountIn: e.amount,
          taintedOut: e.tainted,
          txHash: null,
          time: e.first,
          transfers: e.transfers,
          traceId: null,
          bridge: null,
        });
        continue;
      }
      const result = resultOf(e.layer);
      if (!result) {
        missing.add(e.layer);
        continue;
      }
      // The hop across chains is a row of its own: without it the table skipped a hop number and
      // the path seemed to stop at the bridge and start again from nowhere.
      if (e.bridge !== undefined) {
        step.push(bridgeRow(hop, e, result));
        continue;
      }
      for (const t of transfersByFlow(result).get(flowId(e)) ?? [])
        step.push({
          hop,
          chain: e.chain,
          toChain: e.chain,
          from: addressOf(t.from),
          to: addressOf(t.to),
          asset: t.asset,
          amountIn: t.amount,
          taintedOut: t.tainted,
          txHash: t.txHash,
          time: t.time,
          transfers: 1,
          traceId: e.layer,
          bridge: null,
        });
    }
    step.sort((a, b) => (a.time ?? 0) - (b.time ?? 0));
    rows.push(...step);
  });
  return missing.size ? { rows: [], missing: [...missing] } : { rows, missing: [] };
}

/** Unix seconds as `2025-02-21T14:13:35Z`. */
export function isoUtc(seconds: number | null): string {
  return seconds === null ? '' : new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Raw units as an integer string. A trace writes its doubles in the shortest form that reads back
 * the same (`1.0003126404753986e+19`): that is expanded digit for digit (`10003126404753986000`),
 * not through the double's binary value (`…985536`), whose extra digits the trace never computed.
 */
export function integerRaw(raw: string): string {
  const text = raw.trim();
  const m = /^(-?)(\d+)(?:\.(\d+))?e\+?(\d+)$/i.exec(text);
  if (m) {
    const [, sign, whole, fraction = '', exponent] = m;
    const shift = Number(exponent) - fraction.length;
    if (shift >= 0)
      return sign + `${whole}${fraction}${'0'.repeat(shift)}`.replace(/^0+(?=\d)/, '');
  }
  if (/^-?\d+$/.test(text)) return text;
  const value = Number(text);
  return Number.isFinite(value) ? BigInt(Math.round(value)).toString() : text;
}

/** Raw units as whole units at full precision, without thousands separators (`10.003126404753986`); none as ''. */
export function exactUnits(raw: string | null, decimals: number | null): string {
  if (raw === null) return '';
  const units = integerRaw(raw);
  return decimals === null ? units : formatUnits(units, decimals, decimals).replace(/,/g, '');
}

/** Columns of the copied TSV and the CSV, in order. */
export const PATH_COLUMNS = [
  'hop',
  'from',
  'to',
  'chain',
  'asset',
  'symbol',
  'amount_in',
  'amount_in_raw',
  'tainted_out',
  'tainted_out_raw',
  'transaction',
  'time_utc',
  'transfers',
  'trace_id',
  'to_chain',
  'bridge',
] as const;

function fields(row: PathRow, lookup: AssetLookup): (string | number)[] {
  // A bridge hop moves no asset of its own: no symbol, no amounts.
  const info =
    row.bridge === null ? lookup(row.chain, row.asset) : { symbol: null, decimals: null };
  return [
    row.hop,
    row.from,
    row.to,
    row.chain,
    row.asset,
    info.symbol ?? '',
    exactUnits(row.amountIn, info.decimals),
    row.amountIn ?? '',
    exactUnits(row.taintedOut, info.decimals),
    row.taintedOut ?? '',
    row.txHash ?? '',
    isoUtc(row.time),
    row.transfers,
    row.traceId ?? '',
    row.toChain,
    row.bridge ?? '',
  ];
}

/** The rows as CSV (RFC 4180, CRLF): amounts in whole units at full precision and in raw units. */
export function pathCsv(rows: readonly PathRow[], lookup: AssetLookup): string {
  const lines = [PATH_COLUMNS.join(',')];
  for (const r of rows) lines.push(fields(r, lookup).map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * The rows as tab-separated text for the clipboard (a spreadsheet pastes it into cells). A field that
 * would paste as a formula (a token's symbol is whatever its contract says) is prefixed with `'`, as
 * in the CSV.
 */
export function pathTsv(rows: readonly PathRow[], lookup: AssetLookup): string {
  const clean = (v: string | number) => {
    const text = String(v).replace(/[\t\r\n]+/g, ' ');
    return /^[=+\-@]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
  };
  const lines = [PATH_COLUMNS.join('\t')];
  for (const r of rows) lines.push(fields(r, lookup).map(clean).join('\t'));
  return `${lines.join('\n')}\n`;
}
