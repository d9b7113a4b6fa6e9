// Downloads of the graph: PNG from the canvas, JSON of the saved state, GraphML for other tools.
import type { GraphState } from './model.ts';

/** Saves a blob as a file through a temporary object URL. */
export function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoking at once can cancel the download in some browsers.
  window.setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** A case name as a file name part: `simulated-bybit-theft`. */
export function fileStem(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'case'
  );
}

function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * GraphML of the graph as drawn (all nodes and edges, filters not applied; pass the graph without
 * its hidden nodes, see ./hide.ts withoutHidden), with the same keys as the API's trace GraphML plus
 * seed, annotation, kind (`utxo_tx` for a transaction), transfers, first/last times and the bridge a
 * hop crosses, and on the graph how many nodes the investigator hid and this file leaves out.
 */
export function buildGraphml(
  state: GraphState,
  annotations: Record<string, string>,
  hiddenLeftOut = 0,
): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    '  <key id="label" for="node" attr.name="label" attr.type="string"/>',
    '  <key id="chain" for="node" attr.name="chain" attr.type="string"/>',
    '  <key id="address" for="node" attr.name="address" attr.type="string"/>',
    '  <key id="category" for="node" attr.name="category" attr.type="string"/>',
    '  <key id="entity" for="node" attr.name="entity" attr.type="string"/>',
    '  <key id="seed" for="node" attr.name="seed" attr.type="boolean"/>',
    '  <key id="annotation" for="node" attr.name="annotation" attr.type="string"/>',
    '  <key id="kind" for="node" attr.name="kind" attr.type="string"/>',
    '  <key id="x" for="node" attr.name="x" attr.type="double"/>',
    '  <key id="y" for="node" attr.name="y" attr.type="double"/>',
    '  <key id="asset" for="edge" attr.name="asset" attr.type="string"/>',
    '  <key id="amount" for="edge" attr.name="amount" attr.type="string"/>',
    '  <key id="tainted" for="edge" attr.name="tainted" attr.type="string"/>',
    '  <key id="transfers" for="edge" attr.name="transfers" attr.type="int"/>',
    '  <key id="hop" for="edge" attr.name="hop" attr.type="int"/>',
    '  <key id="first" for="edge" attr.name="first" attr.type="long"/>',
    '  <key id="last" for="edge" attr.name="last" attr.type="long"/>',
    '  <key id="source" for="edge" attr.name="source" attr.type="string"/>',
    '  <key id="bridge" for="edge" attr.name="bridge" attr.type="string"/>',
    '  <key id="hidden_left_out" for="graph" attr.name="hidden_left_out" attr.type="int"/>',
    '  <graph id="case" edgedefault="directed">',
    `    <data key="hidden_left_out">${hiddenLeftOut}</data>`,
  ];
  const data = (key: string, value: string | number | boolean | null) =>
    value === null || value === '' ? '' : `<data key="${key}">${xml(String(value))}</data>`;
  for (const n of state.nodes)
    lines.push(
      `    <node id="${xml(n.id)}">${data('label', n.entity ?? n.address)}${data('chain', n.chain)}${data('address', n.address)}${data('category', n.category)}${data('entity', n.entity)}${data('seed', n.seed)}${data('annotation', annotations[n.id] ?? null)}${data('kind', n.kind ?? null)}${data('x', n.x)}${data('y', n.y)}</node>`,
    );
  for (const e of state.edges)
    lines.push(
      `    <edge id="${xml(e.id)}" source="${xml(e.from)}" target="${xml(e.to)}">${data('asset', e.asset)}${data('amount', e.amount)}${data('tainted', e.tainted)}${data('transfers', e.transfers)}${data('hop', e.hop)}${data('first', e.first)}${data('last', e.last)}${data('source', e.source)}${data('bridge', e.bridge ?? null)}</edge>`,
    );
  lines.push('  </graph>', '</graphml>', '');
  return lines.join('\n');
}
