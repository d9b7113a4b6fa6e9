import type { Asset } from '../model/asset.ts';
import type { FlowTarget, FlowTransfer, FlowTransfers, ChainStore } from '../store/store.ts';
import {
  type Carried,
  type PreparedPayments,
  preparePayments,
  type Share,
  splitInflows,
  splitOutflows,
} from './flow-split.ts';
import { convertedFrom, convertedTo, readConversions } from './tx-conversions.ts';
import type { ExposureSource, ExposureTransfer, IndirectExposure, LabelRef } from './types.ts';
import { keepLargest, onTrail } from './exposure-paths.ts';

/** Direct counterparties read per screened address and asset (largest first); the rest is unattributed. */
export const DEFAULT_MAX_COUNTERPARTIES = 1000;
/** Transfers read per address, asset and hop to follow value (largest first); the rest is unattributed. */
export const DEFAULT_MAX_TRANSFERS = 1000;
/** Intermediate addresses followed per screened address, direction and hop (largest value first). */
export const DEFAULT_MAX_PATHS = 1000;
/**
 * Swaps of its own funds a path may go through (an address swapping ETH for a token, then the token
 * for another): each costs a store read and is not a hop, so this bounds the reads per hop.
 */
export const MAX_SWAPS_PER_PATH = 3;
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
const NOT_FOLLOWED = ['0x0000000000000000000000000000000000000000'];
const NOT_FOLLOWED_SET: ReadonlySet<string> = new Set(NOT_FOLLOWED);

/** Input of {@link computeIndirectExposure}. */
export type ComputeIndirectExposureParameters = {
  store: ChainStore;
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
  maxTransfers?: number | undefined;
  maxPaths?: number | undefined;
};

/** Per screened address: its exposures, and notes on what was left out. */
export type ComputeIndirectExposureReturnType = Map<
  string,
  { exposures: IndirectExposure[]; notes: string[] }
>;

/** The transfers of a path from its far end toward the screened address (shared tails). */
export type Trail = { step: ExposureTransfer; prev: Trail | null };

/**
 * Value on its way to (in) or from (out) a screened address, at one address and asset: for inflows
 * the address's payments that carried it on, for outflows its receipts that brought it.
 */
type Packet = {
  seed: string;
  /** The screened address's asset the exposure is measured in (values are raw units of it). */
  seedAsset: string;
  node: string;
  asset: string;
  /** Hops of the transfers read at `node` (1: the screened address's own). */
  hop: number;
  /** Swaps of its own funds the value went through to get here. */
  swaps: number;
  flows: Carried<Trail | null>[];
  /** The flows' values summed: the packet's weight among the paths kept. */
  value: number;
};

/** What {@link credit} adds up per screened address, asset and category. */
export type Accumulator = {
  amount: bigint;
  byHop: bigint[];
  /** Per labelled counterparty, with the value of the largest single path (the one it names). */
  sources: Map<string, { source: ExposureSource; best: number; trail: Trail }>;
};

/** The trail's transfers in the order money moved. */
function trailTransfers(trail: Trail, direction: 'in' | 'out'): ExposureTransfer[] {
  const steps: ExposureTransfer[] = [];
  for (let t: Trail | null = trail; t !== null; t = t.prev) steps.push(t.step);
  // A trail starts at its far end: the first payment for inflows, the last one for outflows.
  return direction === 'in' ? steps : steps.reverse();
}

/** The addresses value passed, in the order it moved (an address that swapped its own funds once). */
function pathOf(transfers: readonly ExposureTransfer[]): string[] {
  const path = [transfers[0]!.from];
  for (const t of transfers) if (path.at(-1) !== t.to) path.push(t.to);
  return path;
}

/**
 * Value-weighted indirect exposure by time-respecting proportional (haircut) propagation, per asset,
 * through swaps and wraps.
 *
 * Definition, for inflows (outflows mirror it): let T be what address A received of asset X, from
 * every counterparty (gas fees and self-transfers left out). A sender S that carries labels passes
 * its categories the full amount it sent A (hop 1). An unlabelled sender S is followed: a payment S
 * made at time t is taken to be made of what S had received by t, in proportion, so each receipt of
 * S from U before the payment is attributed `paid × amount(U→S) / max(received by t, paid)`, and a
 * receipt after it nothing: value counts only along paths whose transfers follow one another in
 * time (each hop no later than the next). A receipt never passes on more than its amount. And so on
 * up to `hops`. Propagation stops at labelled addresses (an identified party is an endpoint), at the
 * zero address, and on cycles. A receipt that is the output of a swap or wrap in its transaction
 * (resolved as the trace engine resolves them) is followed to who paid its input, in the asset paid:
 * an address that swapped its own ETH for a token passed on ETH it had received before the swap, at
 * the same hop. The exposure to category C is the sum attributed to C, in units of X; its share is
 * that sum / T. An address with labels in several categories counts in each, so shares of different
 * categories may add up to more than 1.
 *
 * Each source names the transfers of its largest path: on each hop the one that carried the most of
 * it, and the swaps, in the order money moved.
 *
 * Precision: direct counterparties' amounts are exact sums; beyond them, attributed amounts are
 * proportional estimates carried as floats (about 15 significant digits) and rounded to raw units.
 *
 * Limits (stated in the notes of a result where they apply): the largest `maxCounterparties` direct
 * counterparties per asset, the largest `maxTransfers` transfers per address, asset and hop and the
 * largest `maxPaths` intermediate addresses per screened address and hop are followed, and at most
 * {@link MAX_SWAPS_PER_PATH} swaps per path; the rest stays unattributed. Transfers without a time
 * count as the earliest.
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
  const maxTransfers = parameters.maxTransfers ?? DEFAULT_MAX_TRANSFERS;
  const until = parameters.until === undefined ? {} : { until: parameters.until };
  const out: ComputeIndirectExposureReturnType = new Map();
  const seeds = [...new Set(parameters.addresses)];
  for (const seed of seeds) out.set(seed, { exposures: [], notes: [] });
  if (hops < 1 || seeds.length === 0) return out;
  const labelled = (a: string) => {
    const l = labelsOf(a);
    return l && l.length > 0 ? l : null;
  };

  for (const direction of ['in', 'out'] as const) {
    const totals = new Map<string, Map<string, bigint>>();
    const acc = new Map<string, Map<string, Map<string, Accumulator>>>();
    const counts = {
      counterparties: new Map<string, number>(),
      transfers: new Map<string, number>(),
      paths: new Map<string, number>(),
      swaps: new Map<string, number>(),
    };
    const count = (what: Map<string, number>, seed: string, n: number) => {
      if (n > 0) what.set(seed, (what.get(seed) ?? 0) + n);
    };
    /** A transfer of `p.node` as a step of a path: it from (in) or to (out) `party`. */
    const stepOf = (
      p: { node: string; hop: number },
      txHash: string,
      asset: string,
      party: string,
      swapped: string | null,
    ): ExposureTransfer =>
      direction === 'in'
        ? {
            hop: p.hop,
            txHash,
            from: party,
            to: p.node,
            asset: swapped ?? asset,
            ...(swapped === null ? {} : { swappedTo: asset }),
          }
        : {
            hop: p.hop,
            txHash,
            from: p.node,
            to: party,
            asset,
            ...(swapped === null ? {} : { swappedTo: swapped }),
          };

    // Hop 1: the direct counterparties, exact sums (the totals, and the labelled ones' credits).
    const direct = await store.getCounterpartyFlows({
      chain,
      addresses: seeds,
      direction,
      ...(parameters.maxCounterparties === undefined
        ? {}
        : { maxCounterparties: parameters.maxCounterparties }),
      ...until,
    });
    const followed = new Set<string>();
    // The direct labelled counterparties are credited already: their transfers would only take
    // places in the first read's limit.
    const excluded = new Set(NOT_FOLLOWED);
    for (const f of direct) {
      let t = totals.get(f.address);
      if (!t) totals.set(f.address, (t = new Map()));
      t.set(f.asset, f.total);
      count(counts.counterparties, f.address, f.counterparties - f.flows.length);
      for (const cp of f.flows) {
        const labels = labelled(cp.counterparty);
        if (labels === null) {
          followed.add(`${f.address}\u0000${f.asset}\u0000${cp.counterparty}`);
          continue;
        }
        excluded.add(cp.counterparty);
        // The explanation names its largest transfer.
        const step = stepOf(
          { node: f.address, hop: 1 },
          cp.largestTx,
          f.asset,
          cp.counterparty,
          null,
        );
        const trail = { step, prev: null };
        credit(acc, f.address, f.asset, labels, groups, cp.counterparty, cp.amount, 1, trail, {
          best: Number(cp.amount),
          hops,
        });
      }
    }

    // Then transfer by transfer: the unlabelled direct counterparties' transfers, and hop by hop
    // (and swap by swap) the transfers that could have carried value on.
    let packets: Packet[] | null = null;
    while (packets === null || packets.length > 0) {
      const first = packets === null;
      const targets = new Map<string, FlowTarget & { times: Set<number> }>();
      for (const p of packets ?? []) {
        const key = `${p.node}\u0000${p.asset}`;
        let t = targets.get(key);
        if (!t)
          targets.set(
            key,
            (t = { address: p.node, asset: p.asset, bound: null, times: new Set() }),
          );
        for (const f of p.flows) {
          t.times.add(f.time);
          if (direction === 'in') t.bound = t.bound === null ? f.time : Math.max(t.bound, f.time);
          else t.bound = t.bound === null ? f.time : Math.min(t.bound, f.time);
        }
      }
      const read = await store.getFlowTransfers({
        chain,
        direction,
        targets: first
          ? seeds.map((address) => ({ address, asset: null, bound: null }))
          : [...targets.values()].map(({ times, ...t }) => ({
              ...t,
              ...(direction === 'in' ? { receivedAt: [...times] } : {}),
            })),
        maxTransfers,
        excludeCounterparties: first ? [...excluded] : NOT_FOLLOWED,
        ...until,
      });
      const txs = new Set<string>();
      for (const f of read)
        for (const r of f.transfers)
          if (r.converts && labelled(r.counterparty) === null) txs.add(r.txHash);
      const conversions = await readConversions({ store, chain, txHashes: txs });
      const byKey = new Map<string, { f: FlowTransfers; payments: PreparedPayments | null }>();
      for (const f of read)
        byKey.set(`${f.address}\u0000${f.asset}`, {
          f,
          payments: direction === 'out' && !first ? preparePayments(f.transfers) : null,
        });

      const next = new Map<string, Packet>();
      const route = (p: Packet, asset: string, row: FlowTransfer, share: Share<Trail | null>) => {
        if (!(share.value >= MIN_FOLLOWED_UNITS)) return;
        const tx = row.converts ? conversions.get(row.txHash) : undefined;
        const converted =
          tx === undefined
            ? null
            : direction === 'in'
              ? convertedFrom(tx, row.counterparty, p.node, asset)
              : convertedTo(tx, p.node, row.counterparty, asset);
        const party = converted?.address ?? row.counterparty;
        const nextAsset = converted?.asset ?? asset;
        const rate = converted?.rate ?? 1;
        const own = party === p.node;
        if (!own && party === p.seed) return;
        const labels = own ? null : labelled(party);
        // Most transfers of the last hop end here: nothing to credit, nothing to follow.
        if (labels === null && !own && (p.hop >= hops || NOT_FOLLOWED_SET.has(party))) return;
        if (!own && onTrail(share.trail, party)) return;
        const trail: Trail = {
          step: stepOf(p, row.txHash, asset, party, converted === null ? null : nextAsset),
          prev: share.trail,
        };
        if (labels !== null) {
          const exact = BigInt(Math.round(share.value));
          credit(acc, p.seed, p.seedAsset, labels, groups, party, exact, p.hop, trail, {
            best: share.best,
            hops,
          });
          return;
        }
        if (own && p.swaps >= MAX_SWAPS_PER_PATH) return count(counts.swaps, p.seed, 1);
        const hop = own ? p.hop : p.hop + 1;
        const key = `${p.seed}\u0000${p.seedAsset}\u0000${party}\u0000${nextAsset}\u0000${hop}`;
        let q = next.get(key);
        if (!q)
          next.set(
            key,
            (q = {
              seed: p.seed,
              seedAsset: p.seedAsset,
              node: party,
              asset: nextAsset,
              hop,
              swaps: 0,
              flows: [],
              value: 0,
            }),
          );
        q.swaps = Math.max(q.swaps, own ? p.swaps + 1 : p.swaps);
        q.flows.push({
          time: row.time,
          amount: row.amount * rate,
          units: share.units * rate,
          value: share.value,
          best: share.best,
          trail,
        });
        q.value += share.value;
      };

      if (first) {
        for (const { f } of byKey.values()) {
          const p: Packet = {
            seed: f.address,
            seedAsset: f.asset,
            node: f.address,
            asset: f.asset,
            hop: 1,
            swaps: 0,
            flows: [],
            value: 0,
          };
          count(counts.transfers, p.seed, f.count - f.transfers.length);
          for (const r of f.transfers) {
            // Counterparties past the direct limit stay unattributed, as its note says.
            if (!followed.has(`${f.address}\u0000${f.asset}\u0000${r.counterparty}`)) continue;
            const { amount } = r;
            route(p, f.asset, r, { units: amount, value: amount, best: amount, trail: null });
          }
        }
      } else {
        for (const p of packets!) {
          const found = byKey.get(`${p.node}\u0000${p.asset}`);
          if (!found) continue;
          const { f, payments } = found;
          count(counts.transfers, p.seed, f.count - f.transfers.length);
          let shares: (Share<Trail | null> | null)[];
          if (direction === 'in') {
            const times = [...targets.get(`${p.node}\u0000${p.asset}`)!.times];
            const receivedBy = new Map<number, number>();
            times.forEach((t, j) => receivedBy.set(t, f.receivedAt[j] ?? 0));
            shares = splitInflows(p.flows, (t) => receivedBy.get(t) ?? 0, f.transfers);
          } else shares = splitOutflows(p.flows, payments!);
          shares.forEach((share, i) => {
            if (share !== null) route(p, p.asset, f.transfers[i]!, share);
          });
        }
      }
      packets = keepLargest([...next.values()], maxPaths, counts.paths);
    }

    for (const seed of seeds) {
      const entry = out.get(seed)!;
      entry.exposures.push(
        ...exposuresOf(direction, acc.get(seed), totals.get(seed), assets, groups),
      );
      const flows = direction === 'in' ? 'inflows' : 'outflows';
      const c = counts.counterparties.get(seed);
      if (c)
        entry.notes.push(
          `${flows}: ${c} smaller direct counterparties not followed (limit ${parameters.maxCounterparties ?? DEFAULT_MAX_COUNTERPARTIES} per asset); their value is unattributed`,
        );
      const t = counts.transfers.get(seed);
      if (t)
        entry.notes.push(
          `${flows}: ${t} smaller transfers not followed (limit ${maxTransfers} per address, asset and hop); their value is unattributed`,
        );
      const n = counts.paths.get(seed);
      if (n)
        entry.notes.push(
          `${flows}: ${n} smaller intermediate paths not followed (limit ${maxPaths} per hop); their value is unattributed`,
        );
      const s = counts.swaps.get(seed);
      if (s)
        entry.notes.push(
          `${flows}: ${s} transfers after more than ${MAX_SWAPS_PER_PATH} swaps on one path not followed; their value is unattributed`,
        );
    }
  }
  for (const entry of out.values()) sortExposures(entry.exposures);
  return out;
}

/** Exposures in the order results give them: inflows first, then by share, category and asset. */
export function sortExposures(exposures: IndirectExposure[]): IndirectExposure[] {
  return exposures.sort(
    (a, b) =>
      a.direction.localeCompare(b.direction) ||
      b.share - a.share ||
      a.category.localeCompare(b.category) ||
      a.asset.localeCompare(b.asset),
  );
}

/**
 * One screened address's exposures in one direction, from what {@link credit} accumulated per asset
 * and category and its totals per asset: shares, and the largest sources with their paths.
 */
export function exposuresOf(
  direction: 'in' | 'out',
  byAsset: ReadonlyMap<string, ReadonlyMap<string, Accumulator>> | undefined,
  totals: ReadonlyMap<string, bigint> | undefined,
  assets: ReadonlyMap<string, Asset>,
  groups: ReadonlyMap<string, ReadonlySet<string>>,
): IndirectExposure[] {
  const exposures: IndirectExposure[] = [];
  for (const [asset, byCategory] of byAsset ?? []) {
    const total = totals?.get(asset) ?? 0n;
    const meta = assets.get(asset);
    for (const [category, a] of byCategory) {
      const members = groups.get(category);
      exposures.push({
        direction,
        category,
        ...(members ? { members: [...members].sort() } : {}),
        asset,
        symbol: meta?.symbol ?? null,
        decimals: meta?.decimals ?? null,
        amount: a.amount,
        total,
        share: total === 0n ? 0 : Number((a.amount * SHARE_SCALE) / total) / Number(SHARE_SCALE),
        byHop: a.byHop,
        sources: [...a.sources.values()]
          .sort((x, y) =>
            y.source.amount > x.source.amount ? 1 : y.source.amount < x.source.amount ? -1 : 0,
          )
          .slice(0, MAX_SOURCES)
          .map(({ source, trail }) => {
            const transfers = trailTransfers(trail, direction);
            return { ...source, path: pathOf(transfers), transfers };
          }),
      });
    }
  }
  return exposures;
}

/**
 * Credits `value` reaching labelled `address` at `hop` to each category of its labels, and to each
 * group holding one of them, once: the amounts, the split by hop and the source with its best path.
 */
export function credit(
  acc: Map<string, Map<string, Map<string, Accumulator>>>,
  seed: string,
  asset: string,
  labels: readonly LabelRef[],
  groups: ReadonlyMap<string, ReadonlySet<string>>,
  address: string,
  value: bigint,
  hop: number,
  /** The path that reached `address`, its last transfer first. */
  trail: Trail,
  options: { best: number; hops: number },
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
      a = { amount: 0n, byHop: new Array<bigint>(options.hops).fill(0n), sources: new Map() };
      byCategory.set(category, a);
    }
    a.amount += value;
    a.byHop[hop - 1]! += value;
    const known = a.sources.get(address);
    if (!known)
      a.sources.set(address, {
        // The path and its transfers are filled in from `trail` when the result is built.
        source: {
          address,
          labels: labels.filter(matches),
          hops: hop,
          amount: value,
          path: [],
          transfers: [],
        },
        best: options.best,
        trail,
      });
    else {
      if (options.best > known.best) {
        known.trail = trail;
        known.best = options.best;
      }
      known.source.amount += value;
      known.source.hops = Math.min(known.source.hops, hop);
    }
  }
}
