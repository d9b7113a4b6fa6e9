import { isFreezable, summariseFreezable } from './freezable.ts';
import { LABEL_PASS } from './sweep/node-labels.ts';
import { EDGE_SWEEP } from './sweep/traced-edges.ts';
import type { TaintSweep } from './sweep/taint-sweep.ts';
import {
  NODE_UTXO_TX,
  type TraceEdge,
  type TraceEndpoint,
  type TraceNode,
  type TraceParameters,
  type TraceResult,
} from './types.ts';

/** Evidence paths kept per endpoint (its largest arrivals). */
const PATHS_PER_ENDPOINT = 3;

/** An exchange's own categories: its name says what it is (others are named, e.g. "(otc)"). */
const EXCHANGE_CATEGORIES: ReadonlySet<string> = new Set([
  'exchange',
  'deposit_wallet',
  'hot_wallet',
]);

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Raw units as an integer decimal string (fractions of a raw unit are float residue). A double's
 * shortest round-trip digits, then zeros: a double that stands for 1234567890123456789 prints
 * 1234567890123456800, claiming no false digits. Below 1e21 `String` gives exactly that; above, it
 * gives an exponent, which is spelled out here (BigInt would print the double's binary expansion,
 * false digits included, and costs 4x more).
 */
export function toDecimal(value: number): string {
  const rounded = Math.round(value);
  if (Math.abs(rounded) < 1e21) return String(rounded === 0 ? 0 : rounded);
  const text = String(rounded);
  const e = text.indexOf('e+');
  if (e < 0) return text;
  const mantissa = text.slice(0, e);
  const exponent = Number(text.slice(e + 2));
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '');
  const point = digits.indexOf('.');
  const whole = point < 0 ? digits : digits.slice(0, point);
  const fraction = point < 0 ? '' : digits.slice(point + 1);
  return sign + whole + fraction + '0'.repeat(exponent - fraction.length);
}

/** What an endpoint's accumulator says about where the value stopped (the parts a finding names). */
type FindingParts = {
  category: string;
  inferred?: { exchangeAddress: string } | null | undefined;
  destination?: { chain: string; address: string } | null | undefined;
  bridgedFrom?: { txHash: string; chain: string | null } | null | undefined;
};

/**
 * An endpoint's finding in words: forward, where the value arrived and whether it is freezable
 * (src/trace/freezable.ts); backward, where it came from.
 */
function findingOf(fwd: boolean, name: string, acc: FindingParts, address: string): string {
  const kind = acc.category.replace(/_/g, ' ');
  if (!fwd) {
    const from = acc.bridgedFrom;
    if (acc.category === 'bridge')
      return from
        ? `came over ${name} from ${from.chain === null ? `transaction ${from.txHash} on a chain the store does not hold` : `${from.chain} transaction ${from.txHash}`}`
        : `came out of bridge ${name}`;
    return acc.category === 'origin' ? `came from ${name}` : `came from ${name} (${kind})`;
  }
  if (acc.inferred)
    return `arrived at ${name} (deposit address ${address}, inferred from its sweeps to ${acc.inferred.exchangeAddress}): freezable`;
  if (isFreezable(acc.category))
    return EXCHANGE_CATEGORIES.has(acc.category)
      ? `arrived at ${name}: freezable`
      : `arrived at ${name} (${kind}): freezable`;
  if (acc.category === 'mixer') return `entered ${name}`;
  if (acc.category === 'bridge')
    return acc.destination
      ? `bridged to ${acc.destination.chain} ${acc.destination.address}`
      : `entered bridge ${name}`;
  return `arrived at ${name} (${kind})`;
}

/** A finished sweep's parts that its result needs, and what the trace was asked. */
export type BuildTraceResultParameters = {
  sweep: TaintSweep;
  /** The trace's parameters as given (without the index and the store's extras). */
  parameters: TraceParameters;
  /** Slots its issuer froze: tainted value held there is "frozen", not "still held". */
  frozenSlots?: ReadonlySet<number> | undefined;
};

/**
 * The trace's answer from a finished sweep: endpoints (services where value stopped, and where it is
 * still held) with findings and evidence paths, the traced edges and their nodes, and the summary
 * (seed value, traced and untraced shares by cause, value by category). Names and strings are made
 * here, once per node and asset, not during the sweep.
 *
 * Shares are normalised over everything accounted for (endpoints and untraced causes): poison
 * multiplies value, value-denominated haircut may too (see policies/haircut.ts), and float
 * splitting drifts.
 *
 * @example
 * const result = buildTraceResult({ sweep, parameters });
 */
export function buildTraceResult(parameters: BuildTraceResultParameters): TraceResult {
  const { sweep } = parameters;
  const { index, fwd, near, far, slotNode, slotAsset, tx, amount, time } = sweep;
  const n = index.nodeCount;
  const bestIn = sweep.state.bestIn;
  // Names are looked up once per node and asset: a result lists many edges between few nodes.
  // A typed column of positions into a packed list of names: neither a Map (its lookups were an
  // eighth of building a 156,000-edge result) nor a holey array of nodeCount (slow dictionary
  // elements when large).
  const memo = (count: number, name: (id: number) => string) => {
    const at = new Int32Array(count).fill(-1);
    const known: string[] = [];
    return (id: number) => {
      const i = at[id]!;
      if (i >= 0) return known[i]!;
      at[id] = known.length;
      const value = name(id);
      known.push(value);
      return value;
    };
  };
  const nodeName = memo(n, (node) => {
    const { chain, address } = index.node(node);
    return `${chain}:${address}`;
  });
  const addressOf = memo(n, (node) => index.node(node).address);
  let assets = 0;
  for (let s = 0; s < slotAsset.length; s++)
    if (slotAsset[s]! >= assets) assets = slotAsset[s]! + 1;
  // An asset no slot has (value converted into it, held elsewhere) is named, just not remembered.
  const assetName = memo(assets, (a) => index.assetOf(a).asset);
  const nearNode = (e: number) => slotNode[near[e]!]!;
  const farNode = (e: number) => slotNode[far[e]!]!;
  const seedEdgeSet = new Set(sweep.seedEdges);
  // Nodes on the path being built carry its stamp: a cycle of best arrivals ends the path.
  const onPath = new Uint32Array(n);
  let stamp = 0;
  const pathTo = (edge: number) => {
    stamp++;
    const path: string[] = [addressOf(farNode(edge))];
    onPath[farNode(edge)] = stamp;
    let e = edge;
    while (e >= 0) {
      const from = nearNode(e);
      if (onPath[from] === stamp) break;
      onPath[from] = stamp;
      path.push(addressOf(from));
      if (sweep.seedNode[from] || seedEdgeSet.has(e)) break;
      e = bestIn[near[e]!]!;
      // A hop without an edge (value bridged from another chain): name the bridge it left by.
      if (e >= 0 && farNode(e) !== from && onPath[farNode(e)] !== stamp) {
        onPath[farNode(e)] = stamp;
        path.push(addressOf(farNode(e)));
      }
    }
    return fwd ? path.reverse() : path;
  };

  // Shares are raw (of the seed as swept) until normalised below.
  const endpoints: TraceEndpoint[] = [];
  for (const acc of sweep.endpoints.byKey.values()) {
    const { chain, address } = index.node(acc.node);
    const name = acc.entity ?? address;
    const finding = findingOf(fwd, name, acc, address);
    const arrivals = [...acc.arrivals].sort((a, b) => b.taint - a.taint || a.edge - b.edge);
    endpoints.push({
      chain,
      address,
      category: acc.category,
      entity: acc.entity,
      asset: index.assetOf(acc.asset).asset,
      amount: toDecimal(acc.taint),
      share: acc.share,
      finding,
      destination: acc.destination,
      ...(acc.bridgedFrom ? { bridgedFrom: acc.bridgedFrom } : {}),
      ...(acc.inferred
        ? {
            inferred: {
              exchangeAddress: acc.inferred.exchangeAddress,
              sweeps: acc.inferred.sweeps.map((w) => w.txHash),
              confidence: acc.inferred.confidence,
            },
          }
        : {}),
      ...(acc.via.length > 0 ? { via: acc.via.map((node) => index.node(node).address) } : {}),
      paths: arrivals.slice(0, PATHS_PER_ENDPOINT).map((a) => pathTo(a.edge)),
    });
  }
  const unspent = [
    ...sweep.heldSlots.map((s) => {
      const taint = sweep.rule.held(s);
      return {
        slot: s,
        node: slotNode[s]!,
        asset: slotAsset[s]!,
        taint,
        share: sweep.rule.heldShare(s, taint),
      };
    }),
    ...[...sweep.heldElsewhere.values()].map((h) => ({ ...h, slot: -1 })),
  ];
  for (const u of unspent) {
    const { chain, address } = index.node(u.node);
    const label = sweep.labels.state(u.node) === LABEL_PASS ? sweep.labels.get(u.node)! : null;
    // A token balance its issuer froze cannot move: the issuer holds the key to it.
    const frozen = fwd && u.slot >= 0 && parameters.frozenSlots?.has(u.slot) === true;
    endpoints.push({
      chain,
      address,
      // Backward, value "still held" is where the trace found its origin.
      category: frozen ? 'frozen' : fwd ? 'unspent' : 'origin',
      entity: label?.entity ?? null,
      asset: assetName(u.asset),
      amount: toDecimal(u.taint),
      share: u.share,
      finding: frozen
        ? `frozen at ${address} by the issuer of ${assetName(u.asset)}`
        : fwd
          ? `still held at ${address}`
          : `came from ${address}`,
      destination: undefined,
      paths:
        u.slot >= 0 && bestIn[u.slot]! >= 0 && !sweep.seedNode[u.node]
          ? [pathTo(bestIn[u.slot]!)]
          : [[address]],
    });
  }
  const lost = sweep.lost;
  const lostTotal = lost.limit + lost.dust + lost.conversion + lost.fee;
  const tracedRaw = endpoints.reduce((s, e) => s + e.share, 0);
  const total = tracedRaw + lostTotal;
  const norm = total > 0 ? 1 / total : 0;
  for (const e of endpoints) e.share *= norm;
  endpoints.sort(
    (a, b) =>
      b.share - a.share ||
      cmp(a.chain, b.chain) ||
      cmp(a.address, b.address) ||
      cmp(a.asset, b.asset) ||
      cmp(a.destination?.address ?? '', b.destination?.address ?? ''),
  );

  const byCat = new Map<string, { category: string; entity: string | null; share: number }>();
  for (const e of endpoints) {
    const key = `${e.category}\u0000${e.entity ?? ''}`;
    const row = byCat.get(key) ?? { category: e.category, entity: e.entity, share: 0 };
    row.share += e.share;
    byCat.set(key, row);
  }
  const byCategory = [...byCat.values()].sort(
    (a, b) =>
      b.share - a.share || cmp(a.category, b.category) || cmp(a.entity ?? '', b.entity ?? ''),
  );

  const nodeIds: number[] = [];
  const nodeSeen = new Uint8Array(n);
  const addNode = (node: number) => {
    if (!nodeSeen[node]) {
      nodeSeen[node] = 1;
      nodeIds.push(node);
    }
  };
  for (const node of sweep.seedNodes) addNode(node);
  const edges: TraceEdge[] = [];
  const src = (e: number) => slotNode[index.srcSlot[e]!]!;
  const dst = (e: number) => slotNode[index.dstSlot[e]!]!;
  const traced = sweep.traced;
  for (let i = 0; i < traced.count; i++) {
    const e = traced.edge[i]!;
    addNode(src(e));
    addNode(dst(e));
    edges.push({
      from: nodeName(src(e)),
      to: nodeName(dst(e)),
      txHash: index.txHash(tx[e]!),
      asset: assetName(slotAsset[index.srcSlot[e]!]!),
      amount: toDecimal(amount[e]!),
      tainted: toDecimal(traced.taint[i]!),
      hop: traced.hop[i]!,
      time: time[e]!,
      ...(traced.kind[i] === EDGE_SWEEP ? { sweep: true } : {}),
    });
  }
  const nodes: TraceNode[] = nodeIds.map((node) => {
    const { chain, address } = index.node(node);
    sweep.labels.state(node);
    const label = sweep.labels.get(node);
    return {
      id: nodeName(node),
      chain,
      address,
      category: label?.category ?? null,
      entity: label?.entity ?? null,
      // The graph draws a transaction apart from addresses, and links it to its page.
      ...(index.nodeKind[node] === NODE_UTXO_TX ? { kind: 'utxo_tx' as const } : {}),
    };
  });

  return {
    parameters: parameters.parameters,
    endpoints,
    nodes,
    edges,
    summary: {
      seedValue: sweep.seedAssets.map((a) => ({
        ...index.assetOf(a),
        amount: toDecimal(sweep.seedValue.get(a)!),
      })),
      valuedIn: sweep.valuedIn === null ? null : index.assetOf(sweep.valuedIn),
      traced: tracedRaw * norm,
      untraced: lostTotal * norm,
      untracedBy: {
        hopLimit: lost.limit * norm,
        dust: lost.dust * norm,
        conversion: lost.conversion * norm,
        fees: lost.fee * norm,
      },
      byCategory,
      freezable: summariseFreezable(parameters.parameters.direction, endpoints),
    },
  };
}
