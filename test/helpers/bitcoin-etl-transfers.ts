import fs from 'node:fs';
import path from 'node:path';
import type { Transfer } from '../../src/model/transfer.ts';

/** One transaction line of bitcoin-etl's `expected_transactions.json` (the fields read here). */
type EtlTransaction = {
  hash: string;
  block_number: number;
  block_timestamp: number;
  is_coinbase: boolean;
  inputs: { index: number; addresses: string[]; value: number }[];
  outputs: { index: number; addresses: string[]; value: number }[];
};

const STREAM = path.resolve(
  'test/fixtures/bitcoin-etl/stream_50001_50002/expected_transactions.json',
);

/** The transactions of bitcoin-etl's blocks 50001-50002 (test/fixtures/bitcoin-etl/PROVENANCE.md). */
export function etlBitcoinTransactions(file = STREAM): EtlTransaction[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EtlTransaction);
}

/**
 * bitcoin-etl transactions as the store's UTXO transfers (src/model/transfer.ts): one `utxo_in` per
 * spent output (`in:<index>`, from its address), one `utxo_out` per output (`out:<index>`). A stand-in
 * for the Bitcoin importer another branch writes: the same model, the same real data.
 *
 * @example
 * await store.write((w) => w.appendTransfers(etlBitcoinTransfers()));
 */
export function etlBitcoinTransfers(chain = 'bitcoin', file = STREAM): Transfer[] {
  const out: Transfer[] = [];
  for (const tx of etlBitcoinTransactions(file)) {
    const base = {
      chain,
      blockNumber: BigInt(tx.block_number),
      blockTime: tx.block_timestamp,
      txHash: tx.hash,
      asset: 'native',
    };
    for (const i of tx.inputs)
      out.push({
        ...base,
        position: `in:${i.index}`,
        from: i.addresses[0] ?? null,
        to: null,
        amount: BigInt(i.value),
        kind: 'utxo_in',
      });
    for (const o of tx.outputs)
      out.push({
        ...base,
        position: `out:${o.index}`,
        from: null,
        to: o.addresses[0] ?? null,
        amount: BigInt(o.value),
        kind: 'utxo_out',
      });
  }
  return out;
}
