import fs from 'node:fs';
import path from 'node:path';
import type { Transfer } from '../../src/model/transfer.ts';
import { BITCOIN_ETL_FIXTURES } from './replay-bitcoin-rpc.ts';

/** One input or output of a bitcoin-etl transaction (JSON lines export). */
type EtlPut = { index: number; addresses: string[]; value: number | null; type: string | null };
/** One bitcoin-etl transaction, as its `expected_transactions.json` holds it. */
export type EtlTransaction = {
  hash: string;
  block_number: number;
  block_timestamp: number;
  is_coinbase: boolean;
  inputs: (EtlPut & { spent_transaction_hash: string; spent_output_index: number })[];
  outputs: EtlPut[];
  fee: number;
};

/** bitcoin-etl's expected transactions of a fixture folder. */
export function etlTransactions(folder: string): EtlTransaction[] {
  return fs
    .readFileSync(path.join(BITCOIN_ETL_FIXTURES, folder, 'expected_transactions.json'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as EtlTransaction);
}

/** bitcoin-etl's expected blocks of a fixture folder (hash, number, timestamp). */
export function etlBlocks(folder: string): { hash: string; number: number; timestamp: number }[] {
  return fs
    .readFileSync(path.join(BITCOIN_ETL_FIXTURES, folder, 'expected_blocks.json'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { hash: string; number: number; timestamp: number });
}

const byKey = (a: Transfer, b: Transfer) =>
  a.blockNumber !== b.blockNumber
    ? a.blockNumber < b.blockNumber
      ? -1
      : 1
    : a.txHash !== b.txHash
      ? a.txHash < b.txHash
        ? -1
        : 1
      : a.position < b.position
        ? -1
        : a.position > b.position
          ? 1
          : 0;

/**
 * The transfers bitcoin-etl's export of a folder says the blocks hold, in the store's order (block,
 * transaction, position): every input (`in:<i>`, from its address, its value), every output
 * (`out:<n>`, to its address) and, for a non-coinbase transaction, its fee (`fee:`), all of chain
 * `bitcoin`'s native asset in satoshis. Straight from bitcoin-etl's numbers: what a sync or import
 * must reproduce.
 */
export function etlExpectedTransfers(folder: string): Transfer[] {
  const out: Transfer[] = [];
  for (const t of etlTransactions(folder)) {
    const row = {
      chain: 'bitcoin',
      blockNumber: BigInt(t.block_number),
      blockTime: t.block_timestamp,
      txHash: t.hash,
      asset: 'native',
    };
    for (const i of t.inputs)
      out.push({
        ...row,
        position: `in:${i.index}`,
        from: i.addresses[0]!,
        to: null,
        amount: BigInt(i.value!),
        kind: 'utxo_in',
      });
    for (const o of t.outputs)
      out.push({
        ...row,
        position: `out:${o.index}`,
        from: null,
        to: o.addresses[0]!,
        amount: BigInt(o.value!),
        kind: 'utxo_out',
      });
    if (!t.is_coinbase)
      out.push({
        ...row,
        position: 'fee:',
        from: null,
        to: null,
        amount: BigInt(t.fee),
        kind: 'fee',
      });
  }
  return out.sort(byKey);
}
