import { normalizeAddress } from '../../model/address.ts';
import { getChain } from '../../model/chains.ts';
import { slotOf } from '../graph-index.ts';
import { parseThorchainMemo } from '../thorchain-memo.ts';
import { type GraphIndex, NODE_UTXO_TX } from '../types.ts';
import { BRIDGE_IN } from './slot-state.ts';

/** Tainted value deposited into a bridge, waiting to be paid out on the destination chain. */
export type BridgeDeposit = {
  time: number;
  edge: number;
  taint: number;
  share: number;
  hop: number;
  /**
   * The payout transactions whose memo names this deposit (`OUT:<hash>`, or `REFUND:<hash>` when it
   * is paid back); null when the index holds none, and the first arrival after it is taken instead.
   */
  payouts: ReadonlySet<number> | null;
};

/** A transaction hash as THORChain memos write it: hex without `0x`, any case. */
const memoHash = (hash: string): string => hash.toLowerCase().replace(/^0x/, '');

/** The chains the index holds, sorted. */
export function chainsOf(index: GraphIndex): string[] {
  const chains = new Set<string>();
  for (let s = 0; s < index.slotCount; s++) chains.add(index.assetOf(index.slotAsset[s]!).chain);
  return [...chains].sort();
}

/** A chain's family, or null for a key chaintrail does not know (tests' `btc`). */
function familyOf(chain: string): string | null {
  try {
    return getChain(chain).family;
  } catch {
    return null;
  }
}

/**
 * The native slot of a swap's destination: on the chain the memo names, else on a chain of the
 * same family the index holds (a regtest or testnet copy of Bitcoin, whose addresses the memo
 * writes in that network's form); undefined when the index holds neither.
 *
 * @example
 * bridgeDestinationSlot(index, ['anvil', 'bitcoin-regtest'], { chain: 'bitcoin', address: 'bcrt1q…' });
 */
export function bridgeDestinationSlot(
  index: GraphIndex,
  chains: readonly string[],
  destination: { chain: string; address: string },
): number | undefined {
  const family = familyOf(destination.chain);
  const candidates = [
    destination.chain,
    ...chains.filter((c) => c !== destination.chain && family !== null && familyOf(c) === family),
  ];
  for (const c of candidates) {
    let form = destination.address;
    try {
      form = normalizeAddress(c, form);
    } catch {
      // Not an address of this chain's network: looked up as written.
    }
    const node = index.nodeId(c, form);
    const native = index.assetId(c, 'native');
    if (node === undefined || native === undefined) continue;
    const slot = slotOf(index, node, native);
    if (slot !== undefined) return slot;
  }
  return undefined;
}

/**
 * Bridges, forward: value sent to another chain the index holds goes on there. Where the index
 * holds the bridge's payout, i.e. a transaction whose memo says `OUT:<deposit hash>` (THORChain's
 * vaults write it in an OP_RETURN on Bitcoin, in `TransferOut` on EVM chains), the value goes on
 * from that payout's arrival at the destination and from no other; a deposit paid back
 * (`REFUND:<deposit hash>`) goes on at the depositor. Without a payout memo it goes on at the
 * destination's first arrival after the deposit that answers no other deposit (THORChain pays out
 * within minutes to hours). A deposit whose destination never receives is an endpoint, "bridged to
 * <chain> <address>".
 *
 * @example
 * if (relay.depart(e, t, sh, hop)) return; // goes on on the other chain
 */
export class BridgeRelay {
  /** Deposits by the slot they wait for. */
  private readonly waiting = new Map<number, BridgeDeposit[]>();
  /** Deposits not yet paid out: while any is, the sweep goes on. */
  pending = 0;
  /** Payout transactions by the deposit hash their memo names, built on first use. */
  private payoutIndex: Map<string, { out: number[]; refund: number[] }> | null = null;
  private chains: string[] | null = null;

  constructor(
    private readonly index: GraphIndex,
    private readonly flags: Uint8Array,
    private readonly memos: ReadonlyMap<number, string> | undefined,
    private readonly far: Uint32Array,
    private readonly near?: Uint32Array | undefined,
    private readonly outMemos?: ReadonlyMap<number, string> | undefined,
  ) {}

  /**
   * Tainted value `t` (share `sh`, at `hop`) entering a bridge by edge `e`: true when its memo names
   * a destination the index holds, or the index holds its refund, where it will go on.
   */
  depart(e: number, t: number, sh: number, hop: number): boolean {
    const memo = this.memos?.get(this.index.tx[e]!);
    const parsed = memo === undefined ? null : parseThorchainMemo(memo);
    if (parsed?.kind !== 'swap') return false;
    const payouts = this.payoutsOf(this.index.tx[e]!);
    let slot: number | undefined;
    let answered: number[] = payouts.out;
    if (payouts.out.length === 0 && payouts.refund.length > 0 && this.near) {
      // Paid back: the refund returns the deposited asset to the depositor, on the same chain.
      const depositor = this.near[e]!;
      if (this.index.nodeKind[this.index.slotNode[depositor]!] !== NODE_UTXO_TX) {
        slot = depositor;
        answered = payouts.refund;
      }
    }
    slot ??= bridgeDestinationSlot(this.index, (this.chains ??= chainsOf(this.index)), parsed);
    if (slot === undefined) return false;
    const list = this.waiting.get(slot) ?? [];
    list.push({
      time: this.index.time[e]!,
      edge: e,
      taint: t,
      share: sh,
      hop,
      payouts: answered.length > 0 ? new Set(answered) : null,
    });
    this.waiting.set(slot, list);
    this.flags[slot]! |= BRIDGE_IN;
    this.pending++;
    return true;
  }

  /** The payouts (and refunds) whose memo names inbound transaction `tx`. */
  private payoutsOf(tx: number): { out: number[]; refund: number[] } {
    if (this.payoutIndex === null) {
      this.payoutIndex = new Map();
      for (const [payout, memo] of this.outMemos ?? []) {
        const parsed = parseThorchainMemo(memo);
        if (parsed === null || parsed.kind === 'swap') continue;
        const key = memoHash(parsed.inboundTxHash);
        const entry = this.payoutIndex.get(key) ?? { out: [], refund: [] };
        entry[parsed.kind].push(payout);
        this.payoutIndex.set(key, entry);
      }
    }
    return this.payoutIndex.get(memoHash(this.index.txHash(tx))) ?? { out: [], refund: [] };
  }

  /**
   * The deposits an arrival at `slot` at time `t` by transaction `tx` pays out (made no later than
   * it, forward; no earlier, backward; by their payout when the index holds it, else by an arrival
   * that answers no other deposit), taken together; null when none is due.
   */
  take(
    slot: number,
    t: number,
    fwd: boolean,
    tx: number,
  ): { share: number; taint: number; hop: number; edge: number } | null {
    const list = this.waiting.get(slot)!;
    const answersOther = this.outMemos?.has(tx) ?? false;
    const due = list.filter(
      (d) =>
        (fwd ? d.time <= t : d.time >= t) &&
        (d.payouts === null ? !answersOther : d.payouts.has(tx)),
    );
    if (due.length === 0) return null;
    const rest = list.filter((d) => !due.includes(d));
    if (rest.length > 0) this.waiting.set(slot, rest);
    else {
      this.waiting.delete(slot);
      this.flags[slot]! &= ~BRIDGE_IN;
    }
    this.pending -= due.length;
    return {
      share: due.reduce((s, d) => s + d.share, 0),
      taint: due.reduce((s, d) => s + d.taint, 0),
      hop: Math.min(...due.map((d) => d.hop)),
      edge: due[0]!.edge,
    };
  }

  /** Deposits whose destination never received: they end at the bridge. */
  unpaid(): BridgeDeposit[] {
    return [...this.waiting.values()].flat();
  }

  /** The bridge node a deposit entered. */
  bridgeOf(d: BridgeDeposit, slotNode: Uint32Array): number {
    return slotNode[this.far[d.edge]!]!;
  }
}

/** Where value that came over a bridge was deposited on the other side. */
export type BridgedFrom = {
  /** The inbound deposit's transaction as the memo names it (canonical when found in the index). */
  txHash: string;
  /** Its chain when the index holds it; null: a chain the store does not hold. */
  chain: string | null;
};

/**
 * What a deposit edge of an inbound transaction is owed: the tainted fraction of the payouts that
 * answered it (amounts on both sides are in their own assets), their share of the seed, the fewest
 * hops, and a payout edge (evidence).
 */
type Owed = { fraction: number; share: number; hop: number; arrival: number };

/**
 * Bridges, backward: a payout the bridge made with memo `OUT:<inbound hash>` (THORChain) came from
 * that inbound deposit. When the index holds the inbound transaction, the trace goes on from it:
 * the value is owed to its deposit edges (those paying a bridge-labelled address or a vault its
 * deposit event names; for a UTXO transaction without either, its outputs that do not return to an
 * input, i.e. not its change), in proportion to their amounts, and carried back to the depositor
 * when the sweep reaches them. Otherwise the endpoint is the bridge, naming the inbound transaction.
 *
 * @example
 * if (returns.arrive(e, t, sh, hop)) return; // goes on from the inbound deposit
 */
export class BridgeReturn {
  /** Taint owed per deposit edge of an inbound transaction. */
  private readonly owed = new Map<number, Owed>();
  /** Deposits owed and not reached yet: while any is, the sweep goes on. */
  pending = 0;
  private chains: string[] | null = null;

  constructor(
    private readonly index: GraphIndex,
    private readonly outMemos: ReadonlyMap<number, string> | undefined,
    private readonly vaults: ReadonlyMap<number, readonly string[]> | undefined,
    /** Whether a node is labelled as a bridge (a stop the trace knows). */
    private readonly isBridge: (node: number) => boolean,
  ) {}

  /** Edges of every inbound transaction an OUT memo names, found in one pass on first use. */
  private inboundEdges: Map<number, number[]> | null = null;

  /** The inbound transaction a payout by edge `e` answers, if its transaction has an OUT memo. */
  inboundOf(e: number): { txId: number | undefined; from: BridgedFrom } | null {
    return this.inboundOfTx(this.index.tx[e]!);
  }

  private inboundOfTx(tx: number): { txId: number | undefined; from: BridgedFrom } | null {
    const memo = this.outMemos?.get(tx);
    const parsed = memo === undefined ? null : parseThorchainMemo(memo);
    if (parsed?.kind !== 'out' && parsed?.kind !== 'refund') return null;
    const hash = memoHash(parsed.inboundTxHash);
    for (const chain of this.chainsOfIndex()) {
      for (const form of [hash, `0x${hash}`]) {
        const txId = this.index.txId(chain, form);
        if (txId !== undefined) return { txId, from: { txHash: form, chain } };
      }
    }
    return { txId: undefined, from: { txHash: parsed.inboundTxHash, chain: null } };
  }

  private chainsOfIndex(): string[] {
    return (this.chains ??= chainsOf(this.index));
  }

  /**
   * Tainted value `t` (share `sh`, at `hop`) reached, backward, a bridge's payout `e`: true when it
   * goes on from the inbound deposit the index holds (owed to its deposit edges).
   */
  arrive(e: number, t: number, sh: number, hop: number, lo: number): boolean {
    const inbound = this.inboundOf(e);
    if (inbound?.txId === undefined) return false;
    // Only deposits the sweep will still reach: in the window, before the payout.
    const deposits = this.depositEdges(inbound.txId).filter((d) => d >= lo && d < e);
    const total = deposits.reduce((s, d) => s + this.index.amount[d]!, 0);
    if (!(total > 0)) return false;
    const fraction = Math.min(1, t / this.index.amount[e]!);
    for (const d of deposits) {
      const part = this.index.amount[d]! / total;
      const owed = this.owed.get(d);
      if (owed) {
        owed.fraction = Math.min(1, owed.fraction + fraction);
        owed.share += sh * part;
        owed.hop = Math.min(owed.hop, hop);
      } else {
        this.owed.set(d, { fraction, share: sh * part, hop, arrival: e });
        this.pending++;
      }
    }
    return true;
  }

  /** Whether edge `e` is owed taint from a payout. */
  has(e: number): boolean {
    return this.owed.has(e);
  }

  /** What deposit edge `e` is owed, taken. */
  take(e: number): Owed | null {
    const owed = this.owed.get(e);
    if (!owed) return null;
    this.owed.delete(e);
    this.pending--;
    return owed;
  }

  /** The edges of inbound transaction `txId` that paid the bridge. */
  private depositEdges(txId: number): number[] {
    const { index } = this;
    if (this.inboundEdges === null) {
      // One pass over the index for every inbound the memos name, not one per payout met.
      const wanted = new Map<number, number[]>();
      for (const tx of this.outMemos?.keys() ?? []) {
        const id = this.inboundOfTx(tx)?.txId;
        if (id !== undefined) wanted.set(id, []);
      }
      for (let e = 0; e < index.edgeCount; e++) wanted.get(index.tx[e]!)?.push(e);
      this.inboundEdges = wanted;
    }
    const edges = this.inboundEdges.get(txId) ?? [];
    const dst = (e: number) => index.slotNode[index.dstSlot[e]!]!;
    const vaults = this.vaults?.get(txId) ?? [];
    const paid = edges.filter(
      (e) => this.isBridge(dst(e)) || vaults.includes(index.node(dst(e)).address),
    );
    if (paid.length > 0) return paid;
    // A UTXO deposit (e.g. to a THORChain vault on Bitcoin, rarely labelled): its outputs that do
    // not go back to one of its inputs (change).
    const txNode = edges.find((e) => index.nodeKind[dst(e)] === NODE_UTXO_TX);
    if (txNode === undefined) return [];
    const tn = dst(txNode);
    const inputs = new Set(
      edges.filter((e) => dst(e) === tn).map((e) => index.slotNode[index.srcSlot[e]!]!),
    );
    return edges.filter((e) => index.slotNode[index.srcSlot[e]!]! === tn && !inputs.has(dst(e)));
  }
}
