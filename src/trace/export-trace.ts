import type { TraceEdge, TraceNode, TraceResult } from './types.ts';

/**
 * Canonical JSON of a value: object keys sorted at every depth, `undefined` fields dropped, two-space
 * indentation, a final newline. Key order then never depends on how the engine built its objects.
 * Reports hash their data section with it (src/report/report-data-hash.ts).
 *
 * @example
 * canonicalJson({ b: 1, a: [2] }); // '{\n  "a": [\n    2\n  ],\n  "b": 1\n}\n'
 */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) {
        const inner = (v as Record<string, unknown>)[key];
        if (inner !== undefined) out[key] = sort(inner);
      }
      return out;
    }
    return v;
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Nodes by id; edges by hop, time, transaction, ends and asset: an order that is a property of the graph. */
function sortedNodes(nodes: readonly TraceNode[]): TraceNode[] {
  return [...nodes].sort((a, b) => compareText(a.id, b.id));
}

function sortedEdges(edges: readonly TraceEdge[]): TraceEdge[] {
  return [...edges].sort(
    (a, b) =>
      a.hop - b.hop ||
      a.time - b.time ||
      compareText(a.txHash, b.txHash) ||
      compareText(a.from, b.from) ||
      compareText(a.to, b.to) ||
      compareText(a.asset, b.asset) ||
      compareText(a.tainted, b.tainted) ||
      compareText(a.amount, b.amount),
  );
}

/**
 * A trace as canonical JSON: keys sorted at every depth, nodes sorted by id and edges by (hop, time,
 * tx, from, to, asset), endpoints kept in the engine's order (strongest first). The same result
 * gives the same bytes however the engine ordered its nodes and edges, so exports can be diffed and
 * hashed as evidence.
 *
 * @example
 * fs.writeFileSync('trace.json', traceToJson(result));
 */
export function traceToJson(result: TraceResult): string {
  return canonicalJson({
    ...result,
    nodes: sortedNodes(result.nodes),
    edges: sortedEdges(result.edges),
  });
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A text field starting
 * with `=`, `+`, `-` or `@` gets a leading `'` so a spreadsheet does not run it as a formula (entity
 * names come from label lists anyone can publish); numbers are left alone.
 */
function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text))
    text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]) {
  return [header, ...rows].map((r) => `${r.map(csvField).join(',')}\r\n`).join('');
}

/** Unix seconds as ISO 8601 UTC without milliseconds, e.g. `2025-02-21T14:13:35Z`. */
function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * The trace's edges as CSV, one row per edge in the JSON export's order:
 * `from,to,tx_hash,asset,amount,tainted,hop,time,kind`. `from` and `to` are the nodes' addresses (a
 * UTXO transaction node's is its hash); amounts are raw units; `time` is ISO 8601 UTC; `kind` is
 * `traced`, or `sweep` for an exchange sweeping an inferred deposit address (evidence). CRLF line ends.
 *
 * @example
 * fs.writeFileSync('trace-edges.csv', traceToCsv(result));
 */
export function traceToCsv(result: TraceResult): string {
  const address = new Map(result.nodes.map((n) => [n.id, n.address]));
  return csv(
    ['from', 'to', 'tx_hash', 'asset', 'amount', 'tainted', 'hop', 'time', 'kind'],
    sortedEdges(result.edges).map((e) => [
      address.get(e.from) ?? e.from,
      address.get(e.to) ?? e.to,
      e.txHash,
      e.asset,
      e.amount,
      e.tainted,
      e.hop,
      isoTime(e.time),
      e.sweep ? 'sweep' : 'traced',
    ]),
  );
}

/**
 * The trace's endpoints as CSV, in the engine's order (strongest first):
 * `chain,address,category,entity,asset,amount,share,finding,destination_chain,destination_address,path,`
 * `via,bridged_from_chain,bridged_from_tx,inferred_from_sweeps_to,sweep_tx_hashes,confidence`, where
 * `path` is the strongest evidence path as addresses joined by ` > `, `via` the addresses of the same
 * service the value passed, and the last three the evidence of an inferred deposit address.
 *
 * @example
 * fs.writeFileSync('trace-endpoints.csv', traceEndpointsToCsv(result));
 */
export function traceEndpointsToCsv(result: TraceResult): string {
  return csv(
    [
      'chain',
      'address',
      'category',
      'entity',
      'asset',
      'amount',
      'share',
      'finding',
      'destination_chain',
      'destination_address',
      'path',
      'via',
      'bridged_from_chain',
      'bridged_from_tx',
      'inferred_from_sweeps_to',
      'sweep_tx_hashes',
      'confidence',
    ],
    result.endpoints.map((e) => [
      e.chain,
      e.address,
      e.category,
      e.entity,
      e.asset,
      e.amount,
      e.share,
      e.finding,
      e.destination?.chain ?? null,
      e.destination?.address ?? null,
      (e.paths[0] ?? []).join(' > '),
      (e.via ?? []).join(' > ') || null,
      e.bridgedFrom ? (e.bridgedFrom.chain ?? 'unknown') : null,
      e.bridgedFrom?.txHash ?? null,
      e.inferred?.exchangeAddress ?? null,
      e.inferred?.sweeps.join(';') ?? null,
      e.inferred?.confidence ?? null,
    ]),
  );
}

/**
 * Text for XML content or a quoted attribute: the five special characters escaped, and characters XML
 * 1.0 cannot carry at all (C0 controls but tab and line breaks, lone surrogates, U+FFFE/U+FFFF)
 * replaced by U+FFFD, so a hostile label cannot make the file unreadable.
 */
function xml(text: string): string {
  return text
    .replace(
      // eslint-disable-next-line no-control-regex
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      '\uFFFD',
    )
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** GraphML attribute keys: id, what it belongs to, name, type. */
const GRAPHML_KEYS = [
  ['label', 'node', 'label', 'string'],
  ['chain', 'node', 'chain', 'string'],
  ['address', 'node', 'address', 'string'],
  ['category', 'node', 'category', 'string'],
  ['entity', 'node', 'entity', 'string'],
  ['asset', 'edge', 'asset', 'string'],
  ['amount', 'edge', 'amount', 'string'],
  ['tainted', 'edge', 'tainted', 'string'],
  ['weight', 'edge', 'weight', 'double'],
  ['hop', 'edge', 'hop', 'int'],
  ['time', 'edge', 'time', 'long'],
  ['tx', 'edge', 'tx', 'string'],
  ['sweep', 'edge', 'sweep', 'boolean'],
] as const;

/**
 * The trace graph as GraphML 1.0 (opens in Gephi, Maltego, yEd, networkx): a directed graph whose
 * nodes carry `label`, `chain`, `address`, `category`, `entity` and whose edges carry `asset`,
 * `amount` and `tainted` (raw units as text, since they exceed a double's exact range), `weight`
 * (tainted as a double, what Gephi sizes edges by), `hop`, `time` (Unix seconds), `tx` and `sweep`
 * (true for an exchange sweeping an inferred deposit address: evidence, not a hop). An edge
 * end that is not among the result's nodes is added as a bare node so the file stays valid.
 *
 * @example
 * fs.writeFileSync('trace.graphml', traceToGraphml(result));
 */
export function traceToGraphml(result: TraceResult): string {
  const nodes = sortedNodes(result.nodes);
  const known = new Set(nodes.map((n) => n.id));
  for (const e of result.edges)
    for (const id of [e.from, e.to])
      if (!known.has(id)) {
        known.add(id);
        nodes.push({ id, chain: '', address: id, category: null, entity: null });
      }
  const data = (key: string, value: string | number | null) =>
    value === null || value === '' ? '' : `<data key="${key}">${xml(String(value))}</data>`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ...GRAPHML_KEYS.map(
      ([id, target, name, type]) =>
        `  <key id="${id}" for="${target}" attr.name="${name}" attr.type="${type}"/>`,
    ),
    `  <graph id="trace" edgedefault="directed">`,
    ...nodes.map(
      (n) =>
        `    <node id="${xml(n.id)}">` +
        data('label', n.entity ? `${n.entity} ${n.address}` : n.address) +
        data('chain', n.chain) +
        data('address', n.address) +
        data('category', n.category) +
        data('entity', n.entity) +
        '</node>',
    ),
    ...sortedEdges(result.edges).map(
      (e, i) =>
        `    <edge id="e${i}" source="${xml(e.from)}" target="${xml(e.to)}">` +
        data('asset', e.asset) +
        data('amount', e.amount) +
        data('tainted', e.tainted) +
        data('weight', Number(e.tainted)) +
        data('hop', e.hop) +
        data('time', e.time) +
        data('tx', e.txHash) +
        data('sweep', e.sweep ? 'true' : null) +
        '</edge>',
    ),
    '  </graph>',
    '</graphml>',
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Reached addresses ({@link reachStore}) as CSV: chain, address, hops, category, entity.
 *
 * @example
 * fs.writeFileSync('reach.csv', reachToCsv(addresses));
 */
export function reachToCsv(
  addresses: readonly {
    chain: string;
    address: string;
    hops: number;
    category: string | null;
    entity: string | null;
  }[],
): string {
  return csv(
    ['chain', 'address', 'hops', 'category', 'entity'],
    addresses.map((a) => [a.chain, a.address, a.hops, a.category, a.entity]),
  );
}
