import type { ChainStore } from '../store/store.ts';
import { resolveConversion, type ResolvedConversion } from '../trace/resolve-conversion.ts';

/** Transaction hashes per store read: bounds one query's parameter list. */
const TX_HASHES_PER_READ = 10_000;
/** Event types that convert one asset into another inside a transaction. */
const CONVERSION_TYPES: ReadonlySet<string> = new Set(['swap', 'wrap', 'unwrap']);

/** A value leg of a transaction (gas fees left out). */
type Leg = { from: string; to: string; asset: string; amount: number };
/** A swap or wrap of a transaction, with the contract that made it (pool, WETH). */
type Conversion = ResolvedConversion<string, string> & { contract: string };

/** The conversions of one transaction and its value legs. */
export type TxConversions = { conversions: Conversion[]; legs: Leg[] };

/** Where value went through a transaction's conversions: to (from) whom, in which asset, at what rate. */
export type Converted = {
  /** Out: who got the value in the end; in: who gave it in the first place. */
  address: string;
  /** The asset it became (out) or was before (in). */
  asset: string;
  /** Raw units of `asset` per raw unit of the transfer's asset. */
  rate: number;
};

/** Input of {@link readConversions}. */
export type ReadConversionsParameters = {
  store: Pick<ChainStore, 'listEvents' | 'listTransfers'>;
  chain: string;
  txHashes: Iterable<string>;
};

/**
 * The swaps and wraps of those of `txHashes` that have any, by hash, resolved as the trace engine
 * resolves them (resolveConversion), with each transaction's value legs. Two store reads per
 * {@link TX_HASHES_PER_READ} hashes, the second only for transactions with a conversion.
 *
 * @example
 * const byTx = await readConversions({ store, chain: 'ethereum', txHashes: ['0x4608…'] });
 * byTx.get('0x4608…')?.conversions; // [{ kind: 'wrap', … }, { kind: 'swap', … }]
 */
export async function readConversions(
  parameters: ReadConversionsParameters,
): Promise<Map<string, TxConversions>> {
  const { store, chain } = parameters;
  const hashes = [...new Set(parameters.txHashes)];
  const result = new Map<string, TxConversions>();
  for (let i = 0; i < hashes.length; i += TX_HASHES_PER_READ) {
    const events = (
      await store.listEvents({ chain, txHashes: hashes.slice(i, i + TX_HASHES_PER_READ) })
    ).filter((e) => CONVERSION_TYPES.has(e.type));
    if (events.length === 0) continue;
    const legs = new Map<string, Leg[]>();
    for (const e of events) legs.set(e.txHash, []);
    for (const t of await store.listTransfers({ chain, txHashes: [...legs.keys()] }))
      if (t.kind !== 'fee' && t.from !== null && t.to !== null)
        legs
          .get(t.txHash)
          ?.push({ from: t.from, to: t.to, asset: t.asset, amount: Number(t.amount) });
    const names = { node: (a: string) => a, pool: (a: string) => a, asset: (a: string) => a };
    for (const e of events) {
      const txLegs = legs.get(e.txHash)!;
      const c = resolveConversion(e, txLegs, names);
      if (c === null) continue;
      let tx = result.get(e.txHash);
      if (!tx) result.set(e.txHash, (tx = { conversions: [], legs: txLegs }));
      tx.conversions.push({ ...c, contract: e.contract });
    }
  }
  return result;
}

function largestLeg(legs: readonly Leg[], keep: (l: Leg) => boolean): Leg | undefined {
  let best: Leg | undefined;
  for (const l of legs) if (keep(l) && (best === undefined || l.amount > best.amount)) best = l;
  return best;
}

/**
 * Inflows: a transfer `sender` -> `receiver` of `asset` that is the output of the transaction's
 * conversions (the receiver, or the sender as a router or pool, got it from a swap or unwrap),
 * traced back through them: who gave the value in the first place, in which asset. The first
 * conversion must concern the transfer's parties (its recipient is one of them, or its contract is
 * the sender), so an unrelated leg of a swap's transaction is not taken for its output; further
 * conversions chain by asset (a router's wrap before its swap), as the trace engine's do. Null when
 * the transfer is no conversion's output.
 *
 * @example
 * // 0x4608…: 0x9d23… paid 0.1 ETH to the Uniswap V2 router, which wrapped and swapped it; the pool
 * // paid 0x9d23… the token: it came from 0x9d23…'s own ETH.
 * convertedFrom(tx, pool, '0x9d23…', token); // { address: '0x9d23…', asset: 'native', rate: 1.78e4 }
 */
export function convertedFrom(
  tx: TxConversions,
  sender: string,
  receiver: string,
  asset: string,
): Converted | null {
  let holder = receiver;
  let a = asset;
  let rate = 1;
  let last: Conversion | undefined;
  const used = new Set<Conversion>();
  for (;;) {
    let c: Conversion | undefined;
    for (const x of tx.conversions) {
      if (used.has(x) || x.assetOut !== a) continue;
      const own = x.recipient === holder;
      if (last === undefined && !own && x.recipient !== sender && x.contract !== sender) continue;
      if (c === undefined || (own && c.recipient !== holder)) c = x;
    }
    if (c === undefined) break;
    used.add(c);
    rate *= c.amountOut > 0 ? c.amountIn / c.amountOut : 0;
    a = c.assetIn;
    holder = c.account ?? c.contract;
    last = c;
  }
  if (last === undefined) return null;
  const pool = last.contract;
  const leg =
    largestLeg(tx.legs, (l) => l.to === holder && l.asset === a && l.from !== holder) ??
    largestLeg(tx.legs, (l) => l.to === pool && l.asset === a && l.from !== pool);
  return { address: leg?.from ?? holder, asset: a, rate };
}

/**
 * Outflows: a transfer `sender` -> `receiver` of `asset` that is the input of the transaction's
 * conversions (the receiver is the router or pool that swapped or wrapped it, or the sender swapped
 * it itself), followed through them: who got the value in the end, in which asset. The first
 * conversion must concern the transfer's parties; further ones chain by asset. Null when the
 * transfer is no conversion's input.
 *
 * @example
 * // 0x4608…: 0x9d23…'s 0.1 ETH to the router came back to it as the token bought.
 * convertedTo(tx, '0x9d23…', router, 'native'); // { address: '0x9d23…', asset: token, rate: 5.6e-5 }
 */
export function convertedTo(
  tx: TxConversions,
  sender: string,
  receiver: string,
  asset: string,
): Converted | null {
  let holder = receiver;
  let a = asset;
  let rate = 1;
  let last: Conversion | undefined;
  const used = new Set<Conversion>();
  for (;;) {
    let c: Conversion | undefined;
    for (const x of tx.conversions) {
      if (used.has(x) || x.assetIn !== a) continue;
      const own = x.account === holder;
      if (last === undefined && !own && x.account !== sender && x.contract !== receiver) continue;
      if (c === undefined || (own && c.account !== holder)) c = x;
    }
    if (c === undefined) break;
    used.add(c);
    rate *= c.amountIn > 0 ? c.amountOut / c.amountIn : 0;
    a = c.assetOut;
    holder = c.recipient ?? c.contract;
    last = c;
  }
  if (last === undefined) return null;
  const leg = largestLeg(tx.legs, (l) => l.from === holder && l.asset === a && l.to !== holder);
  return { address: leg?.to ?? holder, asset: a, rate };
}
