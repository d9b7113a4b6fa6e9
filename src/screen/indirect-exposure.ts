import type { Asset } from '../model/asset.ts';
import type { CounterpartyFlows, Store } from '../store/store.ts';
import type { ExposureSource, IndirectExposure, LabelRef } from './types.ts';

/** Counterparties read per address and asset and hop (largest first); the rest is unattributed. */
export const DEFAULT_MAX_COUNTERPARTIES = 1000;
/** Intermediate addresses followed per screened address, direction and hop (largest value first). */
export const DEFAULT_MAX_PATHS = 1000;
/** Contributors kept per exposure for the explanation. */
const MAX_SOURCES = 5;
/** Share precision: shares are computed in integers of 1e-12, then divided. */
const SHARE_SCALE = 10n ** 12n;
/** Value below one raw unit is not followed further (it rounds to nothing). */
const MIN_FOLLOWED_UNITS = 0.5;
/**
 * Addresses value is never followed through: the EVM zero address is the `from` of every mint and
 * the `to` of every burn, so following it would tie unrelated holders together.
 */
const NOT_FOLLOWED = new Set(['0x0000000000000000000000000000000000000000']);

/** Input of {@link computeIndirectExposure}. */
export type ComputeIndirectExposureParameters = {
  store: Store;
  chain: string;
  /** Canonical addresses to screen, all of `chain`. */
  addresses: readonly string[];
  /** Hops to follow (1 = direct counterparties only). */
  hops: number;
  /** The current labels of an address (undefined or empty: unlabelled, value is followed through). */
  labelsOf: (address: string) => readonly LabelRef[] | undefined;
  /** Symbol and decimals per asset key of `chain`. */
  assets: ReadonlyMap<string, Asset>;
  /**
   * Category groups measured as one (e.g. `illicit`): a counterparty with labels in several of a
   * group's categories counts once, so a group's share is never the sum of its members' shares.
   */
  groups?: ReadonlyMap<string, ReadonlySet<string>> | undefined;
  /** Only transfers at or before this Unix time. */
  until?: number | undefined;
  maxCounterparties?: number | undefined;
  maxPaths?: number | undefined;
};

/** Per screened address: its exposures, and notes on what was left out. */
export type ComputeIndirectExposureReturnType = Map<
  string,
  { exposures: IndirectExposure[]; notes: string[] }
>;

/** A path from a screened address outward, as a linked list from its far end (shared prefixes). */
type Trail = { node: string; prev: Trail | null };

/** Value of one asset that reached `node` on its way to (in) or from (out) a screened address. */
type Packet = {
  seed: string;
  asset: string | null;
  node: string;
  /**
   * Raw units, as a float: beyond the first hop, values are proportional estimates anyway, and
   * bigint multiplication and division per step made dense graphs several times slower.
   */
  value: number;
  /** The addresses from the screened address outward, `node` last; null for the screened address. */
  trail: Trail | null;
  /** The value of the single largest path merged into this packet (the one `trail` names). */
  best: number;
};

/** An address's flows of one asset, with each counterparty's share of the total as a float. */
type NodeFlows = { f: CounterpartyFlows; ratios: Float64Array };

function onTrail(trail: Trail | null, node: string): boolean {
  for (let t = trail; t !== null; t = t.prev) if (t.node === node) return true;
  return false;
}

/** The trail's addresses, nearest the screened address first. */
function trailPath(trail: Trail | null): string[] {
  const path: string[] = [];
  for (let t = trail; t !== null; t = t.prev) path.push(t.node);
  return path.reverse();
}

type Accumulator = {
  amount: bigint;
  byHop: bigint[];
  /** Per labelled counterparty, with the value of the largest single path (the one it names). */
  sources: Map<string, { source: ExposureSource; best: bigint; trail: Trail }>;
};

/**
 * Value-weighted indirect exposure by proportional (haircut) propagation, per asset.
 *
 * Definition, for inflows (outflows mirror it): let T be what address A received of asset X, from
 * every counterparty (gas fees and self-transfers left out). A sender S that carries labels passes
 * its categories the full amount it sent A (hop 1). An unlabelled sender S is followed: each of S's
 * own senders U is taken to have funded S's payment to A in proportion to its share of what S
 * received of X, i.e. U is attributed amount(S→A) × amount(U→S) / received(S), and so on up to
 * `hops`. Propagation stops at labelled addresses (an identified party is an endpoint), at the zero
 * address, and on cycles. The exposure to category C is the sum attributed to C; its share is that
 * sum / T. An address with labels in several categories counts in each, so shares of different
 * categories may add up to more than 1.
 *
 * Precision: direct counterparties' amounts are exact sums; beyond them, attributed amounts are
 * proportional estimates carried as floats (about 15 significant digits) and rounded to raw units.
 *
 * Limits (stated in the notes of a result where they apply): amounts are aggregated over time, so
 * value that reached S after S paid A still counts; assets are followed separately (a swap ends the
 * trail); only the largest `maxCounterparties` counterparties per address, asset and hop and the
 * largest `maxPaths` intermediate addresses per screened address and hop are followed, and the rest
 * stays unattributed.
 *
 * @example
 * const byAddress = await computeIndirectExposure({
 *   store, chain: 'ethereum', addresses: [address], hops: 2,
 *   labelsOf: (a) => index.byChain.get('ethereum')?.get(a)?.current, assets: new Map(),
 * });
 * byAddress.get(address)?.exposures; // [{ direction: 'in', category: 'sanctioned', share: 0.5, … }]
 */
export async function computeIndirectExposure(
  parameters: ComputeIndirectExposureParameters,
): Promise<ComputeIndirectExposureReturnType> {
  const { store, chain, hops, labelsOf, assets } = parameters;
  const groups = parameters.groups ?? new Map<string, ReadonlySet<string>>();
  const maxPaths = parameters.maxPaths ?? DEFAULT_MAX_PATHS;
  const out: ComputeIndirectExposureReturnType = new Map();
  const seeds = [...new Set(parameters.addresses)];
  for (const seed of seeds) out.set(seed, { exposures: [], notes: [] });
  if (hops < 1 || seeds.length === 0) return out;

  for (const direction of ['in', 'out'] as const) {
    // Per seed: totals per asset and accumulators per asset and category.
    const totals = new Map<string, Map<string, bigint>>();
    const acc = new Map<string, Map<string, Map<string, Accumulator>>>();
    const omitted = new Map<string, number>();
    const notFollowed = new Map<string, number>();
    let packets: Packet[] = seeds.map((seed) => ({
      seed,
      asset: null,
      node: seed,
      value: 0,
      trail: null,
      best: 0,
    }));
    for (let hop = 1; hop <= hops && packets.length > 0; hop++) {
      const flows = await store.getCounterpartyFlows({
        chain,
        addresses: [...new Set(packets.map((p) => p.node))],
        direction,
        ...(parameters.maxCounterparties === undefined
          ? {}
          : { maxCounterparties: parameters.maxCounterparties }),
        ...(parameters.until === undefined ? {} : { until: parameters.until }),
      });
      const byNode = new Map<string, NodeFlows[]>();
      for (const f of flows) {
        const total = Number(f.total);
        const ratios = new Float64Array(f.flows.length);
        for (let i = 0; i < f.flows.length; i++) ratios[i] = Number(f.flows[i]!.amount) / total;
        const list = byNode.get(f.address);
        if (list) list.push({ f, ratios });
        else byNode.set(f.address, [{ f, ratios }]);
      }
      // Per screened address and asset, the packets of the next hop by address: paths through the
      // same address merge.
      const next = new Map<string, Map<string, Packet>>();
      for (const p of packets) {
        for (const { f, ratios } of byNode.get(p.node) ?? []) {
          if (p.asset !== null && f.asset !== p.asset) continue;
          if (hop === 1) {
            let t = totals.get(p.seed);
            if (!t) totals.set(p.seed, (t = new Map()));
            t.set(f.asset, f.total);
          }
          if (f.counterparties > f.flows.length)
            omitted.set(p.seed, (omitted.get(p.seed) ?? 0) + f.counterparties - f.flows.length);
          let group: Map<string, Packet> | undefined;
          for (let i = 0; i < f.flows.length; i++) {
            const cp = f.flows[i]!;
            // Hop 1 amounts are exact sums; beyond, the packet's value times the counterparty's share.
            const value = hop === 1 ? Number(cp.amount) : p.value * ratios[i]!;
            if (!(value >= MIN_FOLLOWED_UNITS)) continue;
            const a = cp.counterparty;
            if (a === p.seed || onTrail(p.trail, a)) continue;
            const labels = labelsOf(a);
            if (labels && labels.length > 0) {
              const exact = hop === 1 ? cp.amount : BigInt(Math.round(value));
              credit(acc, p.seed, f.asset, labels, groups, a, exact, hop, p.trail, hops);
              continue;
            }
            if (hop === hops || NOT_FOLLOWED.has(a)) continue;
            if (group === undefined) {
              const key = `${p.seed}\u0000${f.asset}`;
              group = next.get(key);
              if (!group) next.set(key, (group = new Map()));
            }
            const merged = group.get(a);
            if (!merged)
              group.set(a, {
                seed: p.seed,
                asset: f.asset,
                node: a,
                value,
                trail: { node: a, prev: p.trail },
                best: value,
              });
            else {
              // The largest single path through an address is the one the explanation names.
              if (value > merged.best) {
                merged.trail = { node: a, prev: p.trail };
                merged.best = value;
              }
              merged.value += value;
            }
          }
        }
      }
      const merged: Packet[] = [];
      for (const group of next.values()) for (const packet of group.values()) merged.push(packet);
      packets = keepLargest(merged, maxPaths, notFollowed);
    }
    for (const seed of seeds) {
      const entry = out.get(seed)!;
      const perAsset = acc.get(seed);
      for (const [asset, byCategory] of perAsset ?? []) {
        const total = totals.get(seed)?.get(asset) ?? 0n;
        const meta = assets.get(asset);
        for (const [category, a] of byCategory) {
          const members = groups.get(category);
          entry.exposures.push({
            direction,
            category,
            ...(members ? { members: [...members].sort() } : {}),
            asset,
            symbol: meta?.symbol ?? null,
            decimals: meta?.decimals ?? null,
            amount: a.amount,
            total,
            share:
              total === 0n ? 0 : Number((a.amount * SHARE_SCALE) / total) / Number(SHARE_SCALE),
            byHop: a.byHop,
            sources: [...a.sources.values()]
              .sort((x, y) =>
                y.source.amount > x.source.amount ? 1 : y.source.amount < x.source.amount ? -1 : 0,
              )
              .slice(0, MAX_SOURCES)
              .map(({ source, trail }) => {
                const path = trailPath(trail);
                return {
                  ...source,
                  path: direction === 'in' ? [...path.reverse(), seed] : [seed, ...path],
                };
              }),
          });
        }
      }
      const o = omitted.get(seed);
      if (o)
        entry.notes.push(
          `${direction === 'in' ? 'inflows' : 'outflows'}: ${o} smaller counterparties not followed (limit ${parameters.maxCounterparties ?? DEFAULT_MAX_COUNTERPARTIES} per address, asset and hop); their value is unattributed`,
        );
      const n = notFollowed.get(seed);
      if (n)
        entry.notes.push(
          `${direction === 'in' ? 'inflows' : 'outflows'}: ${n} smaller intermediate paths not followed (limit ${maxPaths} per hop); their value is unattributed`,
        );
    }
  }
  for (const entry of out.values())
    entry.exposures.sort(
      (a, b) =>
        a.direction.localeCompare(b.direction) ||
        b.share - a.share ||
        a.category.localeCompare(b.category) ||
        a.asset.localeCompare(b.asset),
    );
  return out;
}

function credit(
  acc: Map<string, Map<string, Map<string, Accumulator>>>,
  seed: string,
  asset: string,
  labels: readonly LabelRef[],
  groups: ReadonlyMap<string, ReadonlySet<string>>,
  address: string,
  value: bigint,
  hop: number,
  /** The trail of the packet that reached `address` (not including it). */
  via: Trail | null,
  hops: number,
): void {
  let perAsset = acc.get(seed);
  if (!perAsset) acc.set(seed, (perAsset = new Map()));
  let byCategory = perAsset.get(asset);
  if (!byCategory) perAsset.set(asset, (byCategory = new Map()));
  // Each category of the counterparty's labels, and each group holding one of them, gets the value once.
  const targets = new Map<string, (l: LabelRef) => boolean>();
  for (const l of labels) targets.set(l.category, (x) => x.category === l.category);
  for (const [name, members] of groups)
    if (labels.some((l) => members.has(l.category)))
      targets.set(name, (x) => members.has(x.category));
  for (const [category, matches] of targets) {
    let a = byCategory.get(category);
    if (!a) {
      a = { amount: 0n, byHop: new Array<bigint>(hops).fill(0n), sources: new Map() };
      byCategory.set(category, a);
    }
    a.amount += value;
    a.byHop[hop - 1]! += value;
    const known = a.sources.get(address);
    if (!known)
      a.sources.set(address, {
        // The path is filled in from `trail` when the result is built.
        source: { address, labels: labels.filter(matches), hops: hop, amount: value, path: [] },
        best: value,
        trail: { node: address, prev: via },
      });
    else {
      if (value > known.best) {
        known.trail = { node: address, prev: via };
        known.best = value;
      }
      known.source.amount += value;
      known.source.hops = Math.min(known.source.hops, hop);
    }
  }
}

/** Keeps, per screened address, the `max` packets of largest value; counts the rest in `dropped`. */
function keepLargest(packets: Packet[], max: number, dropped: Map<string, number>): Packet[] {
  const bySeed = new Map<string, Packet[]>();
  for (const p of packets) {
    const list = bySeed.get(p.seed);
    if (list) list.push(p);
    else bySeed.set(p.seed, [p]);
  }
  const kept: Packet[] = [];
  for (const [seed, list] of bySeed) {
    if (list.length > max) {
      list.sort((a, b) => b.value - a.value);
      dropped.set(seed, (dropped.get(seed) ?? 0) + list.length - max);
      list.length = max;
    }
    kept.push(...list);
  }
  return kept;
}
