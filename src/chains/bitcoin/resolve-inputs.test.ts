import fs from 'node:fs';
import path from 'node:path';
import { networks, Transaction } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import {
  etlExpectedTransfers,
  etlTransactions,
} from '../../../test/helpers/bitcoin-etl-expected.ts';
import { BITCOIN_ETL_FIXTURES } from '../../../test/helpers/replay-bitcoin-rpc.ts';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import { parseTransactionHex } from './parse-transaction.ts';
import { parseVerboseBlock } from './parse-verbose-block.ts';
import { resolveInputs, UnresolvedInputError } from './resolve-inputs.ts';
import { scriptAddress } from './script-address.ts';
import type { BitcoinBlock, BitcoinTransaction } from './types.ts';

const STREAM = path.join(BITCOIN_ETL_FIXTURES, 'stream_50001_50002');
const BLOCK_50001 = '000000001c920d495e1eeef2452b6d1c6c229a919b28196c103ecffebabee141';
const recorded = (name: string) =>
  fs.readFileSync(path.join(STREAM, `rpc_response_${name}.json`), 'utf8');

/** Block 50001 as the node answered `getblock <hash> 2` (inputs not valued). */
const block50001 = () => parseVerboseBlock(recorded(`getblock_${BLOCK_50001}_2`), networks.bitcoin);

/** The three transactions block 50001 spends from, as the node answered `getrawtransaction`. */
function spentTransactions(): BitcoinTransaction[] {
  return fs
    .readdirSync(STREAM)
    .filter((n) => n.startsWith('rpc_response_getrawtransaction_'))
    .map(
      (n) =>
        JSON.parse(fs.readFileSync(path.join(STREAM, n), 'utf8')) as { txid: string; hex: string },
    )
    .map((a) => parseTransactionHex(a.hex, a.txid));
}

/** bitcoin-etl's inputs of block 50001: `<txid>:<i>` -> address and value. */
function etlInputs(): Map<string, { address: string; value: bigint }> {
  const out = new Map<string, { address: string; value: bigint }>();
  for (const t of etlTransactions('stream_50001_50002'))
    for (const i of t.inputs)
      out.set(`${t.hash}:${i.index}`, { address: i.addresses[0]!, value: BigInt(i.value!) });
  return out;
}

const inputsOf = (blocks: BitcoinBlock[]) =>
  new Map(
    blocks.flatMap((b) =>
      b.transactions.flatMap((t) =>
        t.inputs.map((i, k) => [
          `${t.txid}:${k}`,
          i.prevout && { address: i.prevout.address, value: i.prevout.value },
        ]),
      ),
    ),
  );

describe('resolveInputs', () => {
  const ctx = useTempStore();

  it("values block 50001's inputs from the node's spent transactions, asking only for those", async () => {
    const blocks = [block50001()];
    const asked: string[][] = [];
    const spent = new Map(spentTransactions().map((t) => [t.txid, t]));
    const from = await resolveInputs({
      blocks,
      chain: 'bitcoin',
      network: networks.bitcoin,
      store: ctx.store,
      fetchTransactions: async (txids) => {
        asked.push([...txids]);
        return new Map(txids.map((t) => [t, spent.get(t) ?? null]));
      },
    });
    expect(from).toEqual({ prevout: 0, batch: 0, recent: 0, store: 0, node: 3 });
    expect(asked).toHaveLength(1);
    expect([...asked[0]!].sort()).toEqual([...spent.keys()].sort());
    expect(inputsOf(blocks)).toEqual(etlInputs());
  });

  it('values them from the same batch when the spent transactions are in it, without asking the node', async () => {
    // resolveInputs reads transactions only, not headers: the recorded spent transactions ride in a
    // block of their own ahead of block 50001 (their real blocks' headers were not recorded).
    const b = block50001();
    const blocks = [{ header: b.header, transactions: spentTransactions() }, b];
    const from = await resolveInputs({
      blocks,
      chain: 'bitcoin',
      network: networks.bitcoin,
      store: ctx.store,
      fetchTransactions: () => {
        throw new Error('the node must not be asked');
      },
    });
    expect(from).toEqual({ prevout: 0, batch: 3, recent: 0, store: 0, node: 0 });
    expect(new Map([...inputsOf([b])])).toEqual(etlInputs());
  });

  it('values them from the outputs the caller kept of the batch before, asking neither the store nor the node', async () => {
    const blocks = [block50001()];
    const recent = new Map(
      spentTransactions().flatMap((t) =>
        t.outputs.map((o, n) => [
          `${t.txid}:${n}`,
          { value: o.value, address: scriptAddress(o.script, networks.bitcoin).address },
        ]),
      ),
    );
    const from = await resolveInputs({
      blocks,
      chain: 'bitcoin',
      network: networks.bitcoin,
      store: {
        getOutputs: () => {
          throw new Error('the store must not be asked');
        },
      },
      recent,
      fetchTransactions: () => {
        throw new Error('the node must not be asked');
      },
    });
    expect(from).toEqual({ prevout: 0, batch: 0, recent: 3, store: 0, node: 0 });
    expect(inputsOf(blocks)).toEqual(etlInputs());
  });

  it('values them from outputs an earlier batch stored; an input found nowhere is an error naming it', async () => {
    await ctx.store.write((w) => w.appendTransfers(etlExpectedTransfers('stream_50001_50002')));
    // A transaction built here (not on chain) spending two real outputs of block 50001, stored
    // above, and one output that does not exist.
    const tx = new Transaction();
    tx.addInput(
      Buffer.from(
        '7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a',
        'hex',
      ).reverse(),
      0,
    );
    tx.addInput(
      Buffer.from(
        'e1882d41800d96d0fddc196cd8d3f0b45d65b030c652d97eaba79a1174e64d58',
        'hex',
      ).reverse(),
      0,
    );
    tx.addOutput(Uint8Array.of(0x51), 1n);
    const spending = parseTransactionHex(tx.toHex());
    const blocks = [{ header: block50001().header, transactions: [spending] }];
    const from = await resolveInputs({
      blocks,
      chain: 'bitcoin',
      network: networks.bitcoin,
      store: ctx.store,
    });
    expect(from).toEqual({ prevout: 0, batch: 0, recent: 0, store: 2, node: 0 });
    expect(spending.inputs.map((i) => i.prevout)).toEqual([
      { address: '1HaHTfmvoUW6i6nhJf8jJs6tU4cHNmBQHQ', value: 10_000_000_000n },
      { address: '1PkqKGbNLDdDJGveCcNUMV9CEFH77ADrPQ', value: 5_000_000_000n },
    ]);

    tx.addInput(
      Buffer.from(
        '7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a',
        'hex',
      ).reverse(),
      1,
    );
    const missing = parseTransactionHex(tx.toHex());
    const error = await resolveInputs({
      blocks: [{ header: block50001().header, transactions: [missing] }],
      chain: 'bitcoin',
      network: networks.bitcoin,
      store: ctx.store,
      fetchTransactions: async (txids) => new Map(txids.map((t) => [t, null])),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnresolvedInputError);
    expect(error).toMatchObject({
      code: 'UTXO_INPUT_UNRESOLVED',
      input: `${missing.txid}:2`,
      spends: '7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a:1',
    });
  });
});
