import { createHash } from 'node:crypto';
import type { Transfer } from '../../src/model/transfer.ts';
import { createRandom } from '../../src/simulate/random.ts';
import { randomAddresses } from './random-addresses.ts';

/** Options of {@link constructedUtxoTransfers}. */
export type ConstructedUtxoOptions = {
  seed: string;
  firstBlock: number;
  blocks: number;
  transactionsPerBlock: number;
  /** Distinct addresses the inputs are drawn from (P2PKH and P2WPKH forms). */
  addresses: number;
  /** Most inputs of a transaction (1 or more; an address may repeat). */
  maxInputs: number;
};

/**
 * CONSTRUCTED Bitcoin transactions as UTXO transfers, for properties of clustering that need more
 * data than the real fixtures hold (ids independent of how blocks are split, a reference count).
 * Addresses are valid encodings of seeded hashes no one holds a key for (random-addresses.ts); tx
 * hashes are SHA-256 of the seed and a counter; values are distinct per transaction, so no two
 * outputs are equal and none is a coinjoin. Nothing here describes a real transaction.
 *
 * @example
 * const transfers = constructedUtxoTransfers({ seed: 'a', firstBlock: 800_000, blocks: 20, transactionsPerBlock: 10, addresses: 60, maxInputs: 4 });
 */
export function constructedUtxoTransfers(o: ConstructedUtxoOptions): Transfer[] {
  const random = createRandom(o.seed);
  const pool = randomAddresses(o.seed, o.addresses)
    .filter((a) => a.form === 'bitcoin p2pkh' || a.form === 'bitcoin p2wpkh')
    .slice(0, o.addresses)
    .map((a) => a.address);
  const out: Transfer[] = [];
  let n = 0;
  for (let b = 0; b < o.blocks; b++)
    for (let t = 0; t < o.transactionsPerBlock; t++) {
      const txHash = createHash('sha256').update(`constructed:${o.seed}:${n++}`).digest('hex');
      const base = {
        chain: 'bitcoin',
        blockNumber: BigInt(o.firstBlock + b),
        blockTime: null,
        txHash,
        asset: 'native',
      };
      const inputs = random.int(1, o.maxInputs);
      for (let i = 0; i < inputs; i++)
        out.push({
          ...base,
          position: `in:${i}`,
          from: random.pick(pool),
          to: null,
          amount: BigInt(100_000 + i),
          kind: 'utxo_in',
        });
      for (let i = 0; i < 2; i++)
        out.push({
          ...base,
          position: `out:${i}`,
          from: null,
          to: random.pick(pool),
          amount: BigInt(50_000 + i),
          kind: 'utxo_out',
        });
    }
  return out;
}

/**
 * The multi-input heuristic written plainly, as a reference: transactions in block and hash order,
 * inputs in index order; the first address to be clustered names its cluster. Returns each clustered
 * address's cluster id.
 */
export function referenceClusters(transfers: readonly Transfer[]): Map<string, string> {
  const byTx = new Map<string, Transfer[]>();
  for (const t of transfers)
    if (t.kind === 'utxo_in') {
      const key = `${String(t.blockNumber).padStart(12, '0')}:${t.txHash}`;
      const list = byTx.get(key);
      if (list) list.push(t);
      else byTx.set(key, [t]);
    }
  const idOf = new Map<string, string>();
  const members = new Map<string, string[]>();
  for (const key of [...byTx.keys()].sort()) {
    const inputs = byTx
      .get(key)!
      .sort((a, b) => Number(a.position.slice(3)) - Number(b.position.slice(3)));
    const addresses = [...new Set(inputs.map((t) => t.from!).filter(Boolean))];
    if (addresses.length < 2) continue;
    for (const a of addresses)
      if (!idOf.has(a)) {
        idOf.set(a, a);
        members.set(a, [a]);
      }
    const ids = [...new Set(addresses.map((a) => idOf.get(a)!))];
    // The id first clustered wins: the order ids entered the map.
    const order = [...members.keys()];
    ids.sort((x, y) => order.indexOf(x) - order.indexOf(y));
    const keep = ids[0]!;
    for (const id of ids.slice(1)) {
      for (const a of members.get(id)!) {
        idOf.set(a, keep);
        members.get(keep)!.push(a);
      }
      members.delete(id);
    }
  }
  return idOf;
}
