// A path from a seed as evidence: every transfer along it, hop by hop, from the trace results of the
// layers its edges belong to (a graph edge sums transfers; the table lists each one with its
// transaction and time). Pure, so the rows, the TSV and the CSV are tested without a browser.
import type { TraceEdge, TraceResult } from '../../../api/types.ts';
import { csvField } from '../../../lib/csv-field.ts';
import { formatUnits } from '../../../lib/format.ts';
import type { AssetLookup } from './derive.ts';
import { flowId, type GraphEdge } from './model.ts';

/** One transfer on a path (or a counterparty flow, which names no transaction). */
export type PathRow = {
  /** Place of its edge on the path, from 1. */
  hop: number;
  chain: string;
  /** Addresses (without the chain). */
  from: string;
  to: string;
  asset: string;
  /** Raw units the transfer moved: what `to` received. */
  amountIn: string;
  /** Raw units of it the trace counts as tainted (null: a counterparty flow, which no trace followed). */
  taintedOut: string | null;
  /** Null for a counterparty flow (`transfers` transfers summed). */
  txHash: string | null;
  /** Unix seconds (a counterparty flow: its first transfer's), null when unknown. */
  time: number | null;
  transfers: number;
  /** The trace (layer) whose result the row comes from; null for a counterparty flow. */
  traceId: string | null;
};

const addressOf = (id: string) => id.slice(id.indexOf(':') + 1);

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
          from: addressOf(e.from),
          to: addressOf(e.to),
          asset: e.asset,
          amountIn: e.amount,
          taintedOut: e.tainted,
          txHash: null,
          time: e.first,
          transfers: e.transfers,
          traceId: null,
        });
        continue;
      }
      const result = resultOf(e.layer);
      if (!result) {
        missing.add(e.layer);
        continue;
      }
      for (const t of transfersByFlow(result).get(flowId(e)) ?? [])
        step.push({
          hop,
          chain: e.chain,
          from: addressOf(t.from),
          to: addressOf(t.to),
          asset: t.asset,
          amountIn: t.amount,
          taintedOut: t.tainted,
          txHash: t.txHash,
          time: t.time,
          transfers: 1,
          traceId: e.layer,
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

/** Raw units as whole units at full precision, without thousands separators (`10.003126404753986`). */
export function exactUnits(raw: string, decimals: number | null): string {
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
] as const;

function fields(row: PathRow, lookup: AssetLookup): (string | number)[] {
  const info = lookup(row.chain, row.asset);
  return [
    row.hop,
    row.from,
    row.to,
    row.chain,
    row.asset,
    info.symbol ?? '',
    exactUnits(row.amountIn, info.decimals),
    row.amountIn,
    row.taintedOut === null ? '' : exactUnits(row.taintedOut, info.decimals),
    row.taintedOut ?? '',
    row.txHash ?? '',
    isoUtc(row.time),
    row.transfers,
    row.traceId ?? '',
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
