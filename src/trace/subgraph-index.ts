import { TooLargeError } from '../errors/base.ts';
import { normalizeAddress } from '../model/address.ts';
import { getChain } from '../model/chains.ts';
import type { ChainEvent } from '../model/events.ts';
import type { ChainStore, TouchingTransfers } from '../store/store.ts';
import { buildGraphIndexFromTransfers, CONVERSION_EVENT_TYPES } from './graph-index.ts';
import { parseThorchainMemo } from './thorchain-memo.ts';
import { DEFAULT_MAX_HOPS } from './sweep/taint-sweep.ts';
import type { GraphIndex, TraceParameters } from './types.ts';

/** Addresses (or transactions) per store query: a few tens of kilobytes of statement. */
const TOUCHING_QUERY_ITEMS = 1_000;
/**
 * Transfers a subgraph may hold by default: about 1 GB of JavaScript columns (some 200 bytes per
 * transfer before the index is built). A trace that reaches more is refused with a clear error
 * (narrow it with a time window or fewer hops), not left to exhaust the process.
 */
export const DEFAULT_MAX_SUBGRAPH_TRANSFERS = 5_000_000;
/** A time of 0 for transfers whose block time the store does not know, as the index keeps it. */
const UNKNOWN_TIME = 0;
const NO_BOUND_FORWARD = Number.POSITIVE_INFINITY;
const NO_BOUND_BACKWARD = Number.NEGATIVE_INFINITY;

/** What of the store a subgraph reads. */
export type SubgraphSource = Pick<
  ChainStore,
  'listTransfersTouching' | 'listEvents' | 'listTransferChains'
>;

export type BuildSubgraphIndexParameters = Pick<
  TraceParameters,
  'seeds' | 'direction' | 'since' | 'until' | 'maxHops'
> & {
  store: SubgraphSource;
  /**
   * Whether value stops at an address (a labelled service): its own transfers are not read, only
   * those that reach it. A seed is read whatever its label, as the trace follows it.
   */
  stopsAt: (chain: string, address: string) => boolean;
  /** Transfers the subgraph may hold (default {@link DEFAULT_MAX_SUBGRAPH_TRANSFERS}). */
  maxTransfers?: number | undefined;
  /** Called after each round of store reads, with the totals so far. */
  onProgress?: ((progress: SubgraphProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
};

/** How far a subgraph has got: rounds of reads, addresses and transactions read, transfers held. */
export type SubgraphProgress = {
  rounds: number;
  addresses: number;
  transactions: number;
  transfers: number;
};

export type BuildSubgraphIndexReturnType = SubgraphProgress & { index: GraphIndex };

/** A node of the walk: an address, or a UTXO transaction (its hash), on one chain. */
type Node = {
  chain: string;
  name: string;
  /** A UTXO transaction (read by hash), not an address. */
  tx: boolean;
  /**
   * Forward: the earliest time value of the seeds may have arrived; backward: the latest it may
   * have left. Transfers on the far side of it carry none of it.
   */
  bound: number;
  /** Fewest edges from a seed (UTXO transactions add none): a lower bound of the trace's hops. */
  hops: number;
  /** Read from the store: its transfers are in the subgraph. */
  read: boolean;
  /** Rows leading on from it (forward: it sends; backward: it receives), once read. */
  rows: Set<number>;
};

/**
 * The part of the store a trace can reach, as a graph index: what a trace needs when the store is
 * too large to hold whole in memory (a ClickHouse cluster). It reads the store hop by hop: every
 * transfer of each address value of the seeds may have reached (forward: sent on at or after its
 * earliest arrival; backward: received at or before its latest departure), within the window and
 * the hop limit, and every transfer of their transactions (a swap's pool legs, a batch sweep's other
 * deposits, a UTXO transaction's inputs and outputs). It stops at labelled services: their own
 * transfers are not read. THORChain deposits continue at their memo's destination and payout.
 *
 * The trace on it equals the trace on the full index, because the sweep's result depends on the
 * edges of the addresses that carry taint (their balances from the window's start and their
 * inferred labels from their whole history, both read whole here) and on the relative order of
 * those edges, which the rows keep: they are built into the index in store order
 * ({@link ChainStore.listTransfersTouching}'s keys). Addresses it reads that carry no taint change
 * nothing. Memory grows with the reachable subgraph, not the chain; a subgraph beyond `maxTransfers`
 * is refused (TRACE_SUBGRAPH_TOO_LARGE).
 *
 * @example
 * const { index } = await buildSubgraphIndex({ store, seeds, direction: 'forward', stopsAt: () => false });
 */
export async function buildSubgraphIndex(
  parameters: BuildSubgraphIndexParameters,
): Promise<BuildSubgraphIndexReturnType> {
  const { store, stopsAt, signal } = parameters;
  const fwd = parameters.direction !== 'backward';
  const since = parameters.since ?? Number.NEGATIVE_INFINITY;
  const until = parameters.until ?? Number.POSITIVE_INFINITY;
  const maxHops = parameters.maxHops ?? DEFAULT_MAX_HOPS;
  const maxTransfers = parameters.maxTransfers ?? DEFAULT_MAX_SUBGRAPH_TRANSFERS;

  // The rows held, each once (by its store-order key), as columns.
  const rows = {
    chain: [] as string[],
    txHash: [] as string[],
    from: [] as (string | null)[],
    to: [] as (string | null)[],
    asset: [] as string[],
    kind: [] as TouchingTransfers['kind'],
    amount: [] as number[],
    time: [] as number[],
    order: [] as string[],
  };
  const rowOf = new Map<string, number>();
  /** Rows by chain and transaction hash. */
  const rowsByTx = new Map<string, number[]>();
  const txKey = (chain: string, txHash: string) => `${chain}\u0000${txHash}`;
  /** Bumped whenever the walk learns something: a node reached or improved, a transaction to read. */
  let news = 0;
  const nodes = new Map<string, Node>();
  const keyOf = (chain: string, name: string, tx: boolean) =>
    `${chain}\u0000${tx ? 't' : 'a'}\u0000${name}`;
  const seeds = new Set<string>();
  /** Transactions whose transfers are read (or waiting to be), by chain. */
  const txsRead = new Map<string, Set<string>>();
  const txsWaiting = new Map<string, Set<string>>();
  const progress: SubgraphProgress = { rounds: 0, addresses: 0, transactions: 0, transfers: 0 };
  /** Nodes whose bound or hops improved since their rows were last followed. */
  const changed: Node[] = [];

  const readTx = (chain: string, txHash: string) => {
    if (txsRead.get(chain)?.has(txHash)) return;
    let waiting = txsWaiting.get(chain);
    if (!waiting) txsWaiting.set(chain, (waiting = new Set()));
    if (!waiting.has(txHash)) news++;
    waiting.add(txHash);
  };
  /** A node is read: the rows held that lead on from it are its own, and followed. */
  const attach = (node: Node, ids: Iterable<number>) => {
    for (const r of ids) {
      if (node.rows.has(r)) continue;
      const near = ends(r).near;
      if (
        near === null ||
        near[0] !== node.name ||
        near[1] !== node.tx ||
        rows.chain[r] !== node.chain
      )
        continue;
      node.rows.add(r);
      follow(node, r);
    }
  };
  /** Value of the seeds may be at `name` from `bound` on (backward: up to it), `hops` edges away. */
  const reach = (chain: string, name: string, tx: boolean, bound: number, hops: number) => {
    const key = keyOf(chain, name, tx);
    let node = nodes.get(key);
    if (!node) {
      node = {
        chain,
        name,
        tx,
        bound: fwd ? NO_BOUND_FORWARD : NO_BOUND_BACKWARD,
        hops: Number.POSITIVE_INFINITY,
        read: false,
        rows: new Set(),
      };
      nodes.set(key, node);
    }
    const earlier = fwd ? bound < node.bound : bound > node.bound;
    if (!earlier && hops >= node.hops) return;
    if (earlier) node.bound = bound;
    if (hops < node.hops) node.hops = hops;
    news++;
    if (node.read) changed.push(node);
    else if (tx) {
      if (txsRead.get(chain)?.has(name)) {
        // Its transfers are held already (read with an address's): they lead on from it now.
        node.read = true;
        attach(node, rowsByTx.get(txKey(chain, name)) ?? []);
      } else readTx(chain, name);
    }
  };
  /** The node a row leaves from (forward) or arrives at (backward), and the one on its far side. */
  const ends = (i: number): { near: [string, boolean] | null; far: [string, boolean] | null } => {
    const kind = rows.kind[i]!;
    const from = rows.from[i]!;
    const to = rows.to[i]!;
    const tx = rows.txHash[i]!;
    // Fees leave for the chain's fee sink: spent, nothing follows them.
    if (kind === 'fee') return { near: null, far: null };
    const source: [string, boolean] | null =
      kind === 'utxo_out' ? [tx, true] : from === null ? null : [from, false];
    const target: [string, boolean] | null =
      kind === 'utxo_in' ? [tx, true] : to === null ? null : [to, false];
    return fwd ? { near: source, far: target } : { near: target, far: source };
  };
  const timeOf = (i: number) => rows.time[i]!;
  /** Follows one row from its near node: its far node may hold value of the seeds. */
  const follow = (near: Node, i: number) => {
    const t = timeOf(i);
    if (t < since || t > until) return;
    if (fwd ? t < near.bound : t > near.bound) return;
    const far = ends(i).far;
    if (far === null) return;
    // A UTXO transaction is one step with its inputs: no hop of its own (a lower bound stays one).
    reach(near.chain, far[0], far[1], t, far[1] ? near.hops : near.hops + 1);
  };
  const add = (batch: TouchingTransfers) => {
    for (let i = 0; i < batch.length; i++) {
      const key = batch.order[i]!;
      let r = rowOf.get(key);
      if (r === undefined) {
        r = rows.order.length;
        rowOf.set(key, r);
        rows.chain.push(batch.chain[i]!);
        rows.txHash.push(batch.txHash[i]!);
        rows.from.push(batch.from[i]!);
        rows.to.push(batch.to[i]!);
        rows.asset.push(batch.asset[i]!);
        rows.kind.push(batch.kind[i]!);
        rows.amount.push(batch.amount[i]!);
        const time = batch.time[i]!;
        rows.time.push(time < 0 ? UNKNOWN_TIME : time);
        rows.order.push(key);
        const k = txKey(batch.chain[i]!, batch.txHash[i]!);
        const list = rowsByTx.get(k);
        if (list) list.push(r);
        else rowsByTx.set(k, [r]);
      }
      // A row seen before may lead on from a node read only now.
      const near = ends(r).near;
      if (near !== null) {
        const node = nodes.get(keyOf(batch.chain[i]!, near[0], near[1]));
        if (node?.read) attach(node, [r]);
      }
      // Every transfer of an account transaction the walk touches: a swap's pool legs, a batch
      // sweep's other deposits (UTXO transactions are read as nodes when value reaches them).
      const kind = batch.kind[i]!;
      if (kind !== 'utxo_in' && kind !== 'utxo_out') readTx(batch.chain[i]!, batch.txHash[i]!);
    }
    if (rows.order.length > maxTransfers)
      throw new TooLargeError(
        `The trace reaches more than ${maxTransfers.toLocaleString('en-US')} transfers`,
        {
          code: 'TRACE_SUBGRAPH_TOO_LARGE',
          details: `After ${progress.rounds} rounds of reads (${progress.addresses} addresses). Narrow it with --since/--until or --max-hops.`,
        },
      );
  };

  // Seeds: addresses from the window's edge on; transactions and transfers at their own time.
  for (const seed of parameters.seeds) {
    if (seed.kind === 'address') {
      seeds.add(keyOf(seed.chain, seed.address, false));
      reach(seed.chain, seed.address, false, fwd ? since : until, 0);
    } else readTx(seed.chain, seed.txHash);
  }
  const seedTxs = parameters.seeds.filter((s) => s.kind !== 'address');

  let bridges: BridgeLookup | null = null;
  let conversionsRead = false;
  /** Assets the seeds pay (backward: are paid) in the window, or that their transactions move. */
  const seedAssetCount = () => {
    const assets = new Set<string>();
    for (let i = 0; i < rows.order.length; i++) {
      if (rows.kind[i] === 'fee') continue;
      const t = timeOf(i);
      if (t < since || t > until) continue;
      const near = fwd ? rows.from[i]! : rows.to[i]!;
      const bySeed =
        (near !== null && seeds.has(keyOf(rows.chain[i]!, near, false))) ||
        parameters.seeds.some(
          (x) => x.kind !== 'address' && x.chain === rows.chain[i] && x.txHash === rows.txHash[i],
        );
      if (bySeed) assets.add(`${rows.chain[i]}\u0000${rows.asset[i]}`);
    }
    return assets.size;
  };
  for (;;) {
    signal?.throwIfAborted();
    // Addresses to read: reached within the hop limit, not read yet, not a service value stops at.
    const addresses = new Map<string, Node[]>();
    for (const [key, node] of nodes) {
      if (node.read || node.tx || node.hops > maxHops) continue;
      if (!seeds.has(key) && stopsAt(node.chain, node.name)) continue;
      const list = addresses.get(node.chain) ?? [];
      list.push(node);
      addresses.set(node.chain, list);
    }
    const txs = [...txsWaiting].filter(([, set]) => set.size > 0);
    if (addresses.size === 0 && txs.length === 0 && changed.length === 0) {
      // A seed of several assets is valued at the swap rates of the whole store (seed-value.ts):
      // then every conversion's transaction is read, as the full index holds them all.
      if (!conversionsRead && seedAssetCount() > 1) {
        conversionsRead = true;
        for (const type of CONVERSION_EVENT_TYPES)
          for (const e of await store.listEvents({ type })) readTx(e.chain, e.txHash);
        continue;
      }
      // The walk is done on this side of bridges: THORChain deposits go on elsewhere.
      bridges ??= await bridgeLookup(store);
      const before = news;
      await crossBridges(bridges);
      if (news === before) break;
      continue;
    }
    progress.rounds++;
    const hashesOf = new Map<string, string[]>();
    for (const [chain, set] of txs) {
      const hashes = [...set];
      set.clear();
      const read = txsRead.get(chain) ?? new Set<string>();
      txsRead.set(chain, read);
      for (const h of hashes) read.add(h);
      progress.transactions += hashes.length;
      // A UTXO transaction value reached is read now: its rows lead on from it.
      for (const h of hashes) {
        const node = nodes.get(keyOf(chain, h, true));
        if (node && !node.read) node.read = true;
      }
      hashesOf.set(chain, hashes);
    }
    for (const list of addresses.values())
      for (const node of list) {
        node.read = true;
        progress.addresses++;
      }
    // A round's addresses and transactions of a chain in one call: a server store answers a call
    // with a statement, whose round trip is most of a round's time (the 300-hop trace of the
    // trace-store benchmark on the 2-shard ClickHouse cluster: 6.2-8.0 s in one call a round,
    // 8.4-9.6 s in two, interleaved runs at load 4-5).
    for (const chain of new Set([...addresses.keys(), ...hashesOf.keys()])) {
      const names = (addresses.get(chain) ?? []).map((n) => n.name);
      const hashes = hashesOf.get(chain) ?? [];
      for (let i = 0; i < Math.max(names.length, hashes.length); i += TOUCHING_QUERY_ITEMS)
        add(
          await store.listTransfersTouching({
            chain,
            addresses: names.slice(i, i + TOUCHING_QUERY_ITEMS),
            txHashes: hashes.slice(i, i + TOUCHING_QUERY_ITEMS),
          }),
        );
    }
    // Seed transactions: value starts at their far ends, at their time.
    for (const seed of seedTxs.splice(0)) {
      for (const i of rowsByTx.get(txKey(seed.chain, seed.txHash)) ?? []) {
        const far = ends(i).far;
        if (far !== null) reach(seed.chain, far[0], far[1], timeOf(i), far[1] ? 0 : 1);
      }
    }
    while (changed.length > 0) {
      const node = changed.pop()!;
      for (const r of node.rows) follow(node, r);
    }
    progress.transfers = rows.order.length;
    parameters.onProgress?.({ ...progress });
  }

  /**
   * THORChain: a deposit whose memo names a destination goes on there (on the memo's chain or one
   * of its family the store holds), and its payout or refund (`OUT:`/`REFUND:<deposit hash>`) is
   * read; backward, a payout goes back to its deposit's sender. Destinations count the hops of the
   * deposit's sender (a lower bound: the trace adds one).
   */
  async function crossBridges(lookup: BridgeLookup): Promise<void> {
    const type = fwd ? 'bridge_deposit' : 'bridge_withdrawal';
    const candidates = new Map<string, { chain: string; txHash: string; hops: number }>();
    for (let i = 0; i < rows.order.length; i++) {
      const near = ends(i).near;
      if (near === null) continue;
      const node = nodes.get(keyOf(rows.chain[i]!, near[0], near[1]));
      if (!node?.read) continue;
      const t = timeOf(i);
      if (t < since || t > until || (fwd ? t < node.bound : t > node.bound)) continue;
      const k = txKey(rows.chain[i]!, rows.txHash[i]!);
      const c = candidates.get(k);
      if (c) c.hops = Math.min(c.hops, node.hops);
      else candidates.set(k, { chain: rows.chain[i]!, txHash: rows.txHash[i]!, hops: node.hops });
    }
    const unread = new Map<string, string[]>();
    for (const [k, c] of candidates)
      if (!lookup.events.has(k)) {
        lookup.events.set(k, []);
        unread.set(c.chain, [...(unread.get(c.chain) ?? []), c.txHash]);
      }
    for (const [chain, list] of unread)
      for (let i = 0; i < list.length; i += TOUCHING_QUERY_ITEMS)
        for (const e of await store.listEvents({
          chain,
          type,
          txHashes: list.slice(i, i + TOUCHING_QUERY_ITEMS),
        }))
          lookup.events.get(txKey(chain, e.txHash))?.push(e);
    for (const [k, c] of candidates)
      for (const e of lookup.events.get(k) ?? []) {
        if (e.type !== 'bridge_deposit' && e.type !== 'bridge_withdrawal') continue;
        const parsed = e.memo ? parseThorchainMemo(e.memo) : null;
        const at = e.blockTime ?? UNKNOWN_TIME;
        if (e.type === 'bridge_deposit') {
          if (parsed?.kind === 'swap')
            for (const chain of familyChains(lookup.chains, parsed.chain)) {
              let address = parsed.address;
              try {
                address = normalizeAddress(chain, address);
              } catch {
                // Not an address of this chain's network: looked up as written.
              }
              reach(chain, address, false, at, c.hops);
            }
          for (const payout of lookup.payouts.get(memoHash(e.txHash)) ?? [])
            readTx(payout.chain, payout.txHash);
        } else if (parsed !== null && parsed.kind !== 'swap') {
          // The deposit it answers, on whichever chain holds it: its sender is where value came from.
          const hash = memoHash(parsed.inboundTxHash);
          for (const chain of lookup.chains)
            for (const form of [hash, `0x${hash}`]) {
              readTx(chain, form);
              for (const r of rowsByTx.get(txKey(chain, form)) ?? [])
                if (rows.from[r] !== null) reach(chain, rows.from[r]!, false, at, c.hops);
            }
        }
      }
  }

  // Store order, as a scan gives it: the index numbers the edges as a full one does.
  const ids = rows.order
    .map((_, i) => i)
    .sort((a, b) => (rows.order[a]! < rows.order[b]! ? -1 : 1));
  const pick = <T>(column: readonly T[]) => ids.map((i) => column[i]!);
  const txsByChain = new Map<string, Set<string>>();
  for (let i = 0; i < rows.order.length; i++) {
    const set = txsByChain.get(rows.chain[i]!) ?? new Set<string>();
    set.add(rows.txHash[i]!);
    txsByChain.set(rows.chain[i]!, set);
  }
  const conversionEvents: ChainEvent[] = [];
  const chains = [...txsByChain.keys()].sort();
  for (const type of CONVERSION_EVENT_TYPES)
    for (const chain of chains) {
      const hashes = [...txsByChain.get(chain)!];
      for (let i = 0; i < hashes.length; i += TOUCHING_QUERY_ITEMS)
        conversionEvents.push(
          ...(await store.listEvents({
            chain,
            type,
            txHashes: hashes.slice(i, i + TOUCHING_QUERY_ITEMS),
          })),
        );
    }
  const index = buildGraphIndexFromTransfers({
    transfers: [
      {
        length: ids.length,
        chain: pick(rows.chain),
        txHash: pick(rows.txHash),
        from: pick(rows.from),
        to: pick(rows.to),
        asset: pick(rows.asset),
        kind: pick(rows.kind),
        amount: Float64Array.from(pick(rows.amount)),
        time: Float64Array.from(pick(rows.time)),
      },
    ],
    conversionEvents,
  });
  progress.transfers = rows.order.length;
  return { ...progress, index };
}

/** THORChain payouts by the deposit hash their memo names, and the store's chains. */
type BridgeLookup = {
  chains: string[];
  payouts: Map<string, { chain: string; txHash: string }[]>;
  /** Bridge events of the transactions asked about (deposits forward, payouts backward), by chain and hash. */
  events: Map<string, ChainEvent[]>;
};

async function bridgeLookup(store: SubgraphSource): Promise<BridgeLookup> {
  const payouts = new Map<string, { chain: string; txHash: string }[]>();
  for (const e of await store.listEvents({ type: 'bridge_withdrawal' })) {
    if (e.type !== 'bridge_withdrawal' || !e.memo) continue;
    const parsed = parseThorchainMemo(e.memo);
    if (parsed === null || parsed.kind === 'swap') continue;
    const key = memoHash(parsed.inboundTxHash);
    payouts.set(key, [...(payouts.get(key) ?? []), { chain: e.chain, txHash: e.txHash }]);
  }
  return { chains: await store.listTransferChains(), payouts, events: new Map() };
}

/** A transaction hash as THORChain memos write it: hex without `0x`, any case. */
function memoHash(hash: string): string {
  return hash.toLowerCase().replace(/^0x/, '');
}

/** The memo's chain and the store's chains of its family (a regtest copy of Bitcoin). */
function familyChains(chains: readonly string[], chain: string): string[] {
  const familyOf = (c: string) => {
    try {
      return getChain(c).family;
    } catch {
      return null;
    }
  };
  const family = familyOf(chain);
  return [chain, ...chains.filter((c) => c !== chain && family !== null && familyOf(c) === family)];
}
