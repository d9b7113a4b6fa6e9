import { describe, expect, it } from 'vitest';
import { constructedUtxoTransfers } from '../../test/helpers/constructed-utxo.ts';
import type { Transfer } from '../model/transfer.ts';
import type { ClusterRef, UtxoColumns } from '../store/store.ts';
import { createClusterStep, type ClusterStepResult } from './cluster-step.ts';

/** Transfers as the columns of the store's scan: block, hash, inputs then outputs, by index. */
function columnsOf(transfers: readonly Transfer[]): UtxoColumns {
  const index = (t: Transfer) => Number(t.position.split(':')[1]);
  const rows = [...transfers].sort(
    (a, b) =>
      Number(a.blockNumber - b.blockNumber) ||
      a.txHash.localeCompare(b.txHash) ||
      Number(b.kind === 'utxo_in') - Number(a.kind === 'utxo_in') ||
      index(a) - index(b),
  );
  return {
    length: rows.length,
    blockNumber: Float64Array.from(rows, (t) => Number(t.blockNumber)),
    txHash: rows.map((t) => t.txHash),
    isInput: Uint8Array.from(rows, (t) => (t.kind === 'utxo_in' ? 1 : 0)),
    address: rows.map((t) => (t.kind === 'utxo_in' ? t.from : t.to)),
    amount: Float64Array.from(rows, (t) => Number(t.amount)),
    toBlock: rows[rows.length - 1]!.blockNumber,
  };
}

/** Rows `from`..`to` of `c` as a batch of their own. */
function slice(c: UtxoColumns, from: number, to: number): UtxoColumns {
  return {
    length: to - from,
    blockNumber: c.blockNumber.subarray(from, to),
    txHash: c.txHash.slice(from, to),
    isInput: c.isInput.subarray(from, to),
    address: c.address.slice(from, to),
    amount: c.amount.subarray(from, to),
    toBlock: BigInt(c.blockNumber[to - 1]!),
  };
}

/** The distinct input addresses of each transaction of `c`, in input order. */
function inputsByTransaction(c: UtxoColumns): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < c.length; i++) {
    if (i === 0 || c.txHash[i] !== c.txHash[i - 1]) out.push([]);
    const a = c.address[i];
    if (c.isInput[i] === 1 && a != null && !out[out.length - 1]!.includes(a))
      out[out.length - 1]!.push(a);
  }
  return out;
}

function run(stored: Map<string, ClusterRef>, batches: UtxoColumns[]): ClusterStepResult {
  const step = createClusterStep({
    stored,
    nextSeq: NEXT_SEQ,
    ownersOfAddress: new Map(),
    ownersOfCluster: new Map(),
  });
  for (const b of batches) step.add(b);
  return step.finish();
}

const NEXT_SEQ = 1_000;

describe('createClusterStep', () => {
  // CONSTRUCTED transactions (test/helpers/constructed-utxo.ts): no coinjoin among them.
  const columns = columnsOf(
    constructedUtxoTransfers({
      seed: 'cluster-step',
      firstBlock: 800_000,
      blocks: 30,
      transactionsPerBlock: 8,
      addresses: 80,
      maxInputs: 4,
    }),
  );
  const transactions = inputsByTransaction(columns);
  const joining = transactions.filter((t) => t.length >= 2);
  // Two addresses of joining transactions stand for stored clusters, so that the step's elements
  // mix stored clusters with new addresses (stored ones take no seq of the step).
  const storedAddresses = [joining[3]![1]!, joining[10]![0]!];
  const stored = new Map<string, ClusterRef>(
    storedAddresses.map((a, i) => [a, { chain: 'bitcoin', id: a, size: 5 + i, seq: 10 + i }]),
  );

  it('gives new addresses the next seqs in first-seen order, with stored clusters among them', () => {
    const found = run(stored, [columns]);
    const firstSeen: string[] = [];
    for (const t of joining)
      for (const a of t) if (!stored.has(a) && !firstSeen.includes(a)) firstSeen.push(a);
    expect(found.members.address).toEqual(firstSeen);
    expect(found.members.seq).toEqual(firstSeen.map((_, i) => NEXT_SEQ + i));
    expect(found.nextSeq).toBe(NEXT_SEQ + firstSeen.length);
    // Each cluster is named by its lowest-seq element: a stored cluster's id wins over new
    // addresses, the lower-seq stored one over another.
    for (const a of storedAddresses) {
      const partner = joining.find((t) => t.includes(a))!.find((x) => !stored.has(x))!;
      const id = found.members.clusterId[found.members.address.indexOf(partner)]!;
      expect(stored.get(id)!.seq).toBeLessThanOrEqual(stored.get(a)!.seq);
    }
  });

  it('finds the same members, ids, seqs and links read in several batches as in one, a batch joining nothing among them', () => {
    // Cut at transaction boundaries; the middle batch holds only transactions spending from one
    // address, so no element or link begins in it.
    const starts: number[] = [];
    for (let i = 0; i < columns.length; i++)
      if (i === 0 || columns.txHash[i] !== columns.txHash[i - 1]) starts.push(i);
    const lone = transactions.findIndex((t, k) => k > 20 && t.length === 1);
    expect(lone).toBeGreaterThan(0);
    let end = lone;
    while (transactions[end + 1]?.length === 1) end++;
    const batches = [
      slice(columns, 0, starts[lone]!),
      slice(columns, starts[lone]!, starts[end + 1]!),
      slice(columns, starts[end + 1]!, columns.length),
    ];
    const once = run(stored, [columns]);
    const split = run(stored, batches);
    expect(once.links.txHash.length).toBeGreaterThan(20);
    expect(split).toEqual(once);
  });
});
