import { type CoinJoinMatch, detectCoinJoin } from '../cluster/coinjoin/detect-coinjoin.ts';
import type { Asset } from '../model/asset.ts';
import type { Transfer } from '../model/transfer.ts';
import type { ChainStore, ClusterStore, UtxoAddressFlows } from '../store/store.ts';
import { COINJOIN_CATEGORY, coinJoinEntity } from '../trace/coinjoin-nodes.ts';
import {
  type Carried,
  preparePayments,
  type Share,
  splitInflows,
  splitOutflows,
} from './flow-split.ts';
import {
  type Accumulator,
  credit,
  DEFAULT_MAX_PATHS,
  DEFAULT_MAX_TRANSFERS,
  exposuresOf,
  sortExposures,
  type Trail,
} from './indirect-exposure.ts';
import type { ExposureTransfer, IndirectExposure, LabelRef } from './types.ts';
import { keepLargest, onTrail } from './exposure-paths.ts';

/**
 * Addresses of a screened address's cluster whose transactions are read: a cluster is the entity
 * behind the address, but the largest (an exchange's) hold millions of addresses.
 */
export const DEFAULT_MAX_CLUSTER_ADDRESSES = 1000;
/** Value below half a satoshi is not followed further (it rounds to nothing). */
const MIN_FOLLOWED_SATS = 0.5;
/** The asset key of a UTXO chain's coin: every `utxo_in` / `utxo_out` row carries it. */
const NATIVE = 'native';
/** The category a label of a cluster-mate never passes to a counterparty's exposure. */
const SANCTIONED = 'sanctioned';

/** A screened address and the cluster the multi-input heuristic put it in (absent: none). */
export type UtxoSeed = { address: string; cluster?: { id: string; size: number } | undefined };

/** Input of {@link computeUtxoExposure}. */
export type ComputeUtxoExposureParameters = {
  store: ChainStore & Pick<ClusterStore, 'listClusterAddresses'>;
  /** A Bitcoin-family chain. */
  chain: string;
  seeds: readonly UtxoSeed[];
  /** Hops to follow (1 = direct counterparties only). */
  hops: number;
  /** An address's own current labels, the caller's private ones included. */
  labelsOf: (address: string) => readonly LabelRef[] | undefined;
  /**
   * The labels that reach addresses through their clusters (ClusterScreening.viaCluster): they
   * label a counterparty that has none of its own.
   */
  viaClusterOf: (addresses: readonly string[]) => Promise<Map<string, readonly LabelRef[]>>;
  /** Symbol and decimals of `native`. */
  assets: ReadonlyMap<string, Asset>;
  groups?: ReadonlyMap<string, ReadonlySet<string>> | undefined;
  /** Only transfers at or before this Unix time. */
  until?: number | undefined;
  /** Transactions read per address and hop, largest value first; the rest is unattributed. */
  maxTransfers?: number | undefined;
  /** Intermediate addresses followed per screened address, direction and hop. */
  maxPaths?: number | undefined;
  /** Addresses of a screened address's cluster whose transactions are read. */
  maxClusterAddresses?: number | undefined;
};

/** Per screened address: its exposures, and notes on how they were measured and what was left out. */
export type ComputeUtxoExposureReturnType = Map<
  string,
  { exposures: IndirectExposure[]; notes: string[] }
>;

/** One stored transaction: its inputs (spent outputs) and outputs, each in transaction order. */
type UtxoTx = {
  hash: string;
  block: number;
  inputs: { address: string | null; amount: bigint }[];
  outputs: { address: string | null; amount: bigint }[];
  /** Satoshis spent by the inputs. */
  spent: bigint;
  coinJoin: CoinJoinMatch | null;
};

/** Value at an intermediate address on its way to (in) or from (out) a screened address's cluster. */
type Packet = {
  seed: string;
  node: string;
  /** Hop of the transactions read at `node`. */
  hop: number;
  flows: Carried<Trail | null>[];
  value: number;
};

/** `in:3` → 3. */
const indexOf = (position: string): number => Number(position.slice(position.indexOf(':') + 1));

/** The stored transactions, whole, by hash (fee rows left out: a fee is inputs minus outputs). */
function assemble(rows: readonly Transfer[]): Map<string, UtxoTx> {
  const parts = new Map<
    string,
    { block: number; ins: [number, Transfer][]; outs: [number, Transfer][] }
  >();
  for (const t of rows) {
    if (t.kind !== 'utxo_in' && t.kind !== 'utxo_out') continue;
    let p = parts.get(t.txHash);
    if (!p) parts.set(t.txHash, (p = { block: Number(t.blockNumber), ins: [], outs: [] }));
    (t.kind === 'utxo_in' ? p.ins : p.outs).push([indexOf(t.position), t]);
  }
  const txs = new Map<string, UtxoTx>();
  for (const [hash, p] of parts) {
    // Positions sort as text (`in:10` before `in:2`): CoinJoin rules read transaction order.
    p.ins.sort((a, b) => a[0] - b[0]);
    p.outs.sort((a, b) => a[0] - b[0]);
    const inputs = p.ins.map(([, t]) => ({ address: t.from, amount: t.amount }));
    const outputs = p.outs.map(([, t]) => ({ address: t.to, amount: t.amount }));
    txs.set(hash, {
      hash,
      block: p.block,
      inputs,
      outputs,
      spent: inputs.reduce((s, i) => s + i.amount, 0n),
      coinJoin: detectCoinJoin({
        inputs: inputs.map((i) => ({ address: i.address, value: Number(i.amount) })),
        outputs: outputs.map((o) => ({ address: o.address, value: Number(o.amount) })),
      }),
    });
  }
  return txs;
}

/** Satoshis per address among `ios` (ios without an address left out). */
function byAddress(
  ios: readonly { address: string | null; amount: bigint }[],
): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const io of ios)
    if (io.address !== null) out.set(io.address, (out.get(io.address) ?? 0n) + io.amount);
  return out;
}

/**
 * What `address` paid (out) or received (in) in a transaction, net of what it got back or put in
 * itself (its change): the payment or receipt the time-respecting split weighs.
 */
function netOf(
  address: string,
  direction: 'in' | 'out',
  ins: ReadonlyMap<string, bigint>,
  outs: ReadonlyMap<string, bigint>,
): number {
  const paid = ins.get(address) ?? 0n;
  const got = outs.get(address) ?? 0n;
  const net = direction === 'out' ? paid - got : got - paid;
  return net > 0n ? Number(net) : 0;
}

/** A detected CoinJoin as the label of the counterparty it is (the trace engine names it alike). */
function coinJoinLabel(match: CoinJoinMatch): LabelRef {
  return {
    category: COINJOIN_CATEGORY,
    entity: coinJoinEntity(match.kind),
    actor: null,
    country: null,
    source: `detected CoinJoin: rule ${match.rule} (src/cluster/coinjoin)`,
    confidence: null,
    sanctionList: null,
    programs: [],
    validFrom: null,
    validTo: null,
    importId: null,
    inferred: true,
  };
}

/**
 * Value-weighted exposure of Bitcoin-family addresses, through their clusters: the same result as
 * computeIndirectExposure gives on EVM chains (src/screen/indirect-exposure.ts), per screened
 * address and direction, in satoshis of `native`.
 *
 * The entity: a screened address stands for its cluster (the multi-input heuristic's, when the store
 * has clusters of the chain; else itself). Exposure is measured over the transactions of the
 * cluster's addresses (at most `maxClusterAddresses` of them, a note says how many were read), and
 * a transaction whose inputs and outputs are all the cluster's moves nothing in or out of it.
 *
 * The rule, per transaction (the trace engine's haircut at a UTXO transaction: its inputs flow into
 * the transaction and each output carries their value in proportion, src/trace/graph-index.ts and
 * src/trace/policies/haircut.ts):
 * - inflows: what the transaction paid the cluster (R) came from its inputs pro rata: input address
 *   i gave `R × v_i / V`, V all the inputs spent. The cluster's own inputs' part is its own money
 *   coming back (not exposure, not in the total); a coinbase has no sender and counts for nothing.
 * - outflows: what the cluster's inputs spent (S) went to the outputs pro rata: output o got
 *   `S × v_o / V`. Outputs back to the cluster (change) are not exposure and not in the total; the
 *   fee's part goes to no one.
 * The total is what came from (went to) outside the cluster; a share is the part of it attributed to
 * a category.
 *
 * Counterparties: an address's own labels (the caller's private ones included), or failing those
 * the labels of its cluster's other addresses (via-cluster: half confidence, at most 50). A
 * cluster-mate's `sanctioned` label never makes a counterparty sanctioned: a cluster is an
 * inference and only a list names sanctioned addresses, so a rule on sanctioned exposure does not
 * fire because of it (a note says so, and the counterparty is followed as unlabelled). A detected
 * CoinJoin (src/cluster/coinjoin) is a counterparty of its own, `mixer` labelled `CoinJoin
 * (<kind>)` as the trace engine names it, under its transaction's hash: the value that went
 * through it cannot be told apart, so it is not followed through.
 *
 * Hops: an unlabelled counterparty is followed, address by address, time-respecting by block as on
 * EVM chains (src/screen/flow-split.ts): a payment at block b is made of what the address had
 * received by the end of b, in proportion, and each of those receipts of its inputs pro rata;
 * forward, what it received leaves in its later payments in proportion, and each payment to its
 * outputs pro rata. Following stops at labelled addresses, CoinJoins, coinbases, the screened
 * cluster and cycles, and at `hops`.
 *
 * Limits, stated in the notes where they apply: the largest `maxTransfers` transactions per address
 * and hop (at hop 1, the ones left out are not in the total either), the largest `maxPaths`
 * intermediate addresses per screened address and hop, value below half a satoshi.
 *
 * @example
 * const byAddress = await computeUtxoExposure({
 *   store, chain: 'bitcoin', seeds: [{ address }], hops: 2,
 *   labelsOf: (a) => index.byChain.get('bitcoin')?.get(a)?.current,
 *   viaClusterOf: (as) => clusters.viaCluster('bitcoin', as), assets,
 * });
 * byAddress.get(address)?.exposures; // [{ direction: 'in', category: 'theft', share: 0.333…, … }]
 */
export async function computeUtxoExposure(
  parameters: ComputeUtxoExposureParameters,
): Promise<ComputeUtxoExposureReturnType> {
  const { store, chain, hops, assets } = parameters;
  const groups = parameters.groups ?? new Map<string, ReadonlySet<string>>();
  const maxTransfers = parameters.maxTransfers ?? DEFAULT_MAX_TRANSFERS;
  const maxPaths = parameters.maxPaths ?? DEFAULT_MAX_PATHS;
  const maxCluster = parameters.maxClusterAddresses ?? DEFAULT_MAX_CLUSTER_ADDRESSES;
  const until = parameters.until === undefined ? {} : { until: parameters.until };
  const out: ComputeUtxoExposureReturnType = new Map();
  const seeds = new Map<string, UtxoSeed>();
  for (const s of parameters.seeds) seeds.set(s.address, s);
  for (const seed of seeds.keys()) out.set(seed, { exposures: [], notes: [] });
  if (hops < 1 || seeds.size === 0) return out;

  // The entity each screened address stands for: its cluster's addresses (those read).
  const members = new Map<string, Set<string>>();
  const seedsOf = new Map<string, string[]>();
  const clustersRead = new Map<string, string[]>();
  for (const [seed, s] of seeds) {
    const id = s.cluster?.id;
    let addresses = id === undefined ? undefined : clustersRead.get(id);
    if (id !== undefined && addresses === undefined) {
      addresses = await store.listClusterAddresses(chain, id, { limit: maxCluster });
      clustersRead.set(id, addresses);
    }
    const set = new Set([seed, ...(addresses ?? [])]);
    members.set(seed, set);
    for (const a of set) {
      const list = seedsOf.get(a);
      if (list) list.push(seed);
      else seedsOf.set(a, [seed]);
    }
    const notes = out.get(seed)!.notes;
    if (s.cluster && s.cluster.size > 1) {
      notes.push(
        `measured over ${seed}'s cluster (multi-input heuristic, ${s.cluster.size.toLocaleString('en-US')} addresses): its transactions with addresses outside the cluster are exposure, those within it are not`,
      );
      if (s.cluster.size > set.size)
        notes.push(
          `the cluster is large: the transactions of ${set.size.toLocaleString('en-US')} of its ${s.cluster.size.toLocaleString('en-US')} addresses were read (the screened one and the first ${maxCluster.toLocaleString('en-US')} clustered); the others' are not counted`,
        );
    }
  }

  // Labels of counterparties: their own, else their cluster's (no sanction through a cluster).
  const labels = new Map<string, readonly LabelRef[] | null>();
  const sanctionedMates = new Map<string, Set<string>>();
  const resolveLabels = async (addresses: Iterable<string>) => {
    const unknown: string[] = [];
    for (const a of addresses) {
      if (labels.has(a)) continue;
      const own = parameters.labelsOf(a);
      if (own && own.length > 0) labels.set(a, own);
      else {
        labels.set(a, null);
        unknown.push(a);
      }
    }
    if (unknown.length === 0) return;
    for (const [a, via] of await parameters.viaClusterOf(unknown)) {
      const kept = via.filter((l) => l.category !== SANCTIONED);
      if (kept.length < via.length)
        sanctionedMates.set(
          a,
          new Set(via.filter((l) => l.category === SANCTIONED).map((l) => l.viaCluster!.address)),
        );
      if (kept.length > 0) labels.set(a, kept);
    }
  };
  const labelled = (a: string) => labels.get(a) ?? null;

  const readTxs = async (hashes: Set<string>) =>
    hashes.size === 0
      ? new Map<string, UtxoTx>()
      : assemble(await store.listTransfers({ chain, txHashes: [...hashes] }));

  for (const direction of ['in', 'out'] as const) {
    const flowsWord = direction === 'in' ? 'inflows' : 'outflows';
    const acc = new Map<string, Map<string, Map<string, Accumulator>>>();
    const totals = new Map<string, Map<string, bigint>>();
    const counts = {
      transfers: new Map<string, number>(),
      paths: new Map<string, number>(),
      coinJoins: new Map<string, Set<string>>(),
      sanctionedMates: new Map<string, Set<string>>(),
    };
    const count = (what: Map<string, number>, seed: string, n: number) => {
      if (n > 0) what.set(seed, (what.get(seed) ?? 0) + n);
    };
    const stepOf = (hop: number, txHash: string, node: string, party: string): ExposureTransfer =>
      direction === 'in'
        ? { hop, txHash, from: party, to: node, asset: NATIVE }
        : { hop, txHash, from: node, to: party, asset: NATIVE };
    const creditTo = (
      seed: string,
      party: string,
      partyLabels: readonly LabelRef[],
      value: bigint,
      hop: number,
      trail: Trail,
      best: number,
    ) => credit(acc, seed, NATIVE, partyLabels, groups, party, value, hop, trail, { best, hops });
    const creditCoinJoin = (
      seed: string,
      tx: UtxoTx,
      node: string,
      value: number,
      hop: number,
      prev: Trail | null,
      best: number,
    ) => {
      if (!(value >= MIN_FOLLOWED_SATS)) return;
      let seen = counts.coinJoins.get(seed);
      if (!seen) counts.coinJoins.set(seed, (seen = new Set()));
      seen.add(tx.hash);
      const trail = { step: stepOf(hop, tx.hash, node, tx.hash), prev };
      creditTo(
        seed,
        tx.hash,
        [coinJoinLabel(tx.coinJoin!)],
        BigInt(Math.round(value)),
        hop,
        trail,
        best,
      );
    };
    const next = new Map<string, Packet>();
    /** Value reaching unlabelled `party` at `hop`: followed from it at `hop + 1` when within `hops`. */
    const follow = (seed: string, party: string, hop: number, flow: Carried<Trail | null>) => {
      if (hop >= hops) return;
      const key = `${seed}\u0000${party}`;
      let q = next.get(key);
      if (!q) next.set(key, (q = { seed, node: party, hop: hop + 1, flows: [], value: 0 }));
      q.flows.push(flow);
      q.value += flow.value;
    };
    /** Value reaching `party`: credited when it is labelled, else followed. */
    const reach = (
      seed: string,
      party: string,
      hop: number,
      value: number,
      exact: bigint | null,
      step: ExposureTransfer,
      prev: Trail | null,
      best: number,
      flow: { time: number; amount: number },
    ) => {
      if (!(value >= MIN_FOLLOWED_SATS)) return;
      const mates = sanctionedMates.get(party);
      if (mates) {
        let list = counts.sanctionedMates.get(seed);
        if (!list) counts.sanctionedMates.set(seed, (list = new Set()));
        for (const m of mates) list.add(`${party} (cluster-mate ${m})`);
      }
      const trail: Trail = { step, prev };
      const found = labelled(party);
      if (found !== null)
        return creditTo(seed, party, found, exact ?? BigInt(Math.round(value)), hop, trail, best);
      follow(seed, party, hop, { ...flow, units: value, value, best, trail });
    };

    // Hop 1: the transactions of the clusters' addresses.
    const first = await store.getUtxoFlows({
      chain,
      direction,
      targets: [...seedsOf.keys()].map((address) => ({ address, bound: null })),
      maxTransactions: maxTransfers,
      ...until,
    });
    const txsOfSeed = new Map<string, Set<string>>();
    const hashes = new Set<string>();
    for (const f of first.flows)
      for (const seed of seedsOf.get(f.address) ?? []) {
        count(counts.transfers, seed, f.count - f.transactions.length);
        let set = txsOfSeed.get(seed);
        if (!set) txsOfSeed.set(seed, (set = new Set()));
        for (const t of f.transactions) {
          set.add(t.txHash);
          hashes.add(t.txHash);
        }
      }
    const txs = await readTxs(hashes);
    const parties = new Set<string>();
    for (const tx of txs.values())
      for (const io of direction === 'in' ? tx.inputs : tx.outputs)
        if (io.address !== null) parties.add(io.address);
    await resolveLabels(parties);
    for (const [seed, set] of txsOfSeed) {
      const cluster = members.get(seed)!;
      let total = 0n;
      for (const hash of set) {
        const tx = txs.get(hash);
        if (!tx || tx.inputs.length === 0 || tx.spent === 0n) continue;
        const ins = byAddress(tx.inputs);
        const outs = byAddress(tx.outputs);
        // The cluster's side of the transaction: what it received (in) or spent (out), and where.
        const own = direction === 'in' ? outs : ins;
        let side = 0n;
        let node = seed;
        let largest = -1n;
        for (const [a, v] of own)
          if (cluster.has(a)) {
            side += v;
            if (v > largest) [node, largest] = [a, v];
          }
        if (side === 0n) continue;
        const far = direction === 'in' ? tx.inputs : tx.outputs;
        const outside = far.filter((io) => io.address === null || !cluster.has(io.address));
        if (outside.length === 0) continue; // internal to the cluster
        if (tx.coinJoin !== null) {
          const ext = outside.reduce((s, io) => s + io.amount, 0n);
          const value = (side * ext) / tx.spent;
          total += value;
          creditCoinJoin(seed, tx, node, Number(value), 1, null, Number(value));
          continue;
        }
        for (const [party, v] of byAddress(outside)) {
          const value = (side * v) / tx.spent;
          total += value;
          const step = stepOf(1, tx.hash, node, party);
          reach(seed, party, 1, Number(value), value, step, null, Number(value), {
            time: tx.block,
            amount: netOf(party, direction === 'in' ? 'out' : 'in', ins, outs),
          });
        }
        // Outputs without an address (bare scripts) count in the total, with no one to credit.
        for (const io of outside) if (io.address === null) total += (side * io.amount) / tx.spent;
      }
      totals.set(seed, new Map([[NATIVE, total]]));
    }

    // Hops 2 and on: address by address, time-respecting, then through each transaction pro rata.
    let packets = keepLargest([...next.values()], maxPaths, counts.paths);
    next.clear();
    while (packets.length > 0) {
      const targets = new Map<string, { address: string; bound: number | null }>();
      const points: { address: string; block: number }[] = [];
      const pointAt = new Map<string, number>();
      for (const p of packets) {
        let t = targets.get(p.node);
        if (!t) targets.set(p.node, (t = { address: p.node, bound: null }));
        for (const f of p.flows) {
          if (direction === 'in') {
            t.bound = t.bound === null ? f.time : Math.max(t.bound, f.time);
            const key = `${p.node}\u0000${f.time}`;
            if (!pointAt.has(key)) {
              pointAt.set(key, points.length);
              points.push({ address: p.node, block: f.time });
            }
          } else t.bound = t.bound === null ? f.time : Math.min(t.bound, f.time);
        }
      }
      const read = await store.getUtxoFlows({
        chain,
        direction,
        targets: [...targets.values()],
        ...(direction === 'in' ? { receivedAt: points } : {}),
        maxTransactions: maxTransfers,
        ...until,
      });
      const flowsOf = new Map<string, UtxoAddressFlows>(read.flows.map((f) => [f.address, f]));
      const shares: {
        p: Packet;
        row: UtxoAddressFlows['transactions'][number];
        share: Share<Trail | null>;
      }[] = [];
      const wanted = new Set<string>();
      for (const p of packets) {
        const f = flowsOf.get(p.node);
        if (!f) continue;
        count(counts.transfers, p.seed, f.count - f.transactions.length);
        const rows = f.transactions.map((t) => ({
          amount: Number(t.amount),
          time: t.block,
          received: t.received,
        }));
        const split =
          direction === 'in'
            ? splitInflows(
                p.flows,
                (b) => read.receivedAt[pointAt.get(`${p.node}\u0000${b}`) ?? -1] ?? 0,
                rows,
              )
            : splitOutflows(p.flows, preparePayments(rows));
        split.forEach((share, i) => {
          if (share === null || !(share.value >= MIN_FOLLOWED_SATS)) return;
          shares.push({ p, row: f.transactions[i]!, share });
          wanted.add(f.transactions[i]!.txHash);
        });
      }
      const hopTxs = await readTxs(wanted);
      const hopParties = new Set<string>();
      for (const tx of hopTxs.values())
        if (tx.coinJoin === null)
          for (const io of direction === 'in' ? tx.inputs : tx.outputs)
            if (io.address !== null) hopParties.add(io.address);
      await resolveLabels(hopParties);
      for (const { p, row, share } of shares) {
        const tx = hopTxs.get(row.txHash);
        if (!tx || tx.inputs.length === 0 || tx.spent === 0n) continue;
        const cluster = members.get(p.seed)!;
        // The part of the transaction's value that is the followed address's receipt (in) or payment
        // (out): in, the receipt came from every input pro rata; out, the payment left to every
        // output pro rata (the fee's part to no one).
        if (tx.coinJoin !== null) {
          const value =
            direction === 'in'
              ? share.value
              : (share.value * Number(tx.outputs.reduce((s, o) => s + o.amount, 0n))) /
                Number(tx.spent);
          creditCoinJoin(p.seed, tx, p.node, value, p.hop, share.trail, share.best);
          continue;
        }
        const ins = byAddress(tx.inputs);
        const outs = byAddress(tx.outputs);
        const far = direction === 'in' ? ins : outs;
        // The followed address's net receipt came from the other inputs, its net payment went to
        // the other outputs and the fee, each pro rata: its own side of the transaction (its
        // inputs, its change) is left out of the base.
        const base = Number(tx.spent - ((direction === 'in' ? ins : outs).get(p.node) ?? 0n));
        if (!(base > 0)) continue;
        for (const [party, v] of far) {
          // Change to itself, the screened cluster's own coins, and cycles are not followed.
          if (party === p.node || cluster.has(party) || onTrail(share.trail, party)) continue;
          const fraction = Number(v) / base;
          const value = share.value * fraction;
          reach(
            p.seed,
            party,
            p.hop,
            value,
            null,
            stepOf(p.hop, tx.hash, p.node, party),
            share.trail,
            share.best * fraction,
            {
              time: tx.block,
              amount: netOf(party, direction === 'in' ? 'out' : 'in', ins, outs),
            },
          );
        }
      }
      packets = keepLargest([...next.values()], maxPaths, counts.paths);
      next.clear();
    }

    for (const seed of seeds.keys()) {
      const entry = out.get(seed)!;
      entry.exposures.push(
        ...exposuresOf(direction, acc.get(seed), totals.get(seed), assets, groups),
      );
      const t = counts.transfers.get(seed);
      if (t)
        entry.notes.push(
          `${flowsWord}: ${t} smaller transactions not read (limit ${maxTransfers} per address and hop); their value is unattributed (at hop 1, not in the total either)`,
        );
      const n = counts.paths.get(seed);
      if (n)
        entry.notes.push(
          `${flowsWord}: ${n} smaller intermediate paths not followed (limit ${maxPaths} per hop); their value is unattributed`,
        );
      const c = counts.coinJoins.get(seed);
      if (c)
        entry.notes.push(
          `${flowsWord}: ${c.size} CoinJoin transaction${c.size === 1 ? '' : 's'} met (${[...c].slice(0, 3).join(', ')}${c.size > 3 ? ', …' : ''}): counterparties of their own (mixer), not followed through`,
        );
      const m = counts.sanctionedMates.get(seed);
      if (m)
        entry.notes.push(
          `${flowsWord}: not counted as sanctioned exposure: ${[...m].slice(0, 3).join(', ')}${m.size > 3 ? ', …' : ''}: a cluster-mate on a sanctions list does not make a counterparty sanctioned (a cluster is an inference; only a list names sanctioned addresses)`,
        );
    }
  }
  for (const entry of out.values()) sortExposures(entry.exposures);
  return out;
}
