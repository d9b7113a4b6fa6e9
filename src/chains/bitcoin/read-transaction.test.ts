import { address as btcAddress, networks, Transaction } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import { etlExpectedTransfers } from '../../../test/helpers/bitcoin-etl-expected.ts';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import { getChain } from '../../model/chains.ts';
import { decodeBlocks } from './decode-block.ts';
import { parseTransactionHex } from './parse-transaction.ts';
import { readUtxoTransaction } from './read-transaction.ts';

const chain = getChain('bitcoin');

describe('readUtxoTransaction', () => {
  const ctx = useTempStore();

  it("gives a stored transaction's inputs, outputs and fee in index order, null for one not stored", async () => {
    await ctx.store.write((w) => w.appendTransfers(etlExpectedTransfers('stream_50001_50002')));
    const txid = '7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a';
    const tx = await readUtxoTransaction({ store: ctx.store, chain, txid });
    expect(tx).toMatchObject({
      txid,
      block: { number: 50001n, time: 1270917100 },
      coinbase: false,
      inputs: [
        { index: 0, address: '1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae', value: 5_000_000_000n },
        { index: 1, address: '1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m9', value: 5_000_000_000n },
      ],
      outputs: [
        { index: 0, address: '1HaHTfmvoUW6i6nhJf8jJs6tU4cHNmBQHQ', value: 10_000_000_000n },
      ],
      fee: 0n,
      events: [],
    });
    expect(
      await readUtxoTransaction({ store: ctx.store, chain, txid: 'ab'.repeat(32) }),
    ).toBeNull();
  });

  it('orders outputs by index, not as the store sorts positions (out:10 before out:2)', async () => {
    // A transaction built here (not on chain): 12 outputs to a real address of block 50001.
    const tx = new Transaction();
    tx.addInput(
      Buffer.from(
        '7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a',
        'hex',
      ).reverse(),
      0,
    );
    const script = btcAddress.toOutputScript(
      '1HaHTfmvoUW6i6nhJf8jJs6tU4cHNmBQHQ',
      networks.bitcoin,
    );
    for (let n = 0; n < 12; n++) tx.addOutput(script, BigInt(n + 1));
    const parsed = parseTransactionHex(tx.toHex());
    parsed.inputs[0]!.prevout = { address: '1HaHTfmvoUW6i6nhJf8jJs6tU4cHNmBQHQ', value: 100n };
    // Placed in block 50001 (its real header); only the transfers are stored.
    const header = {
      number: 50001n,
      hash: '000000001c920d495e1eeef2452b6d1c6c229a919b28196c103ecffebabee141',
      parentHash: '000000001aeae195809d120b5d66a39c83eb48792e068f8ea1fea19d84a4278a',
      time: 1270917100,
    };
    const decoded = decodeBlocks({
      chain,
      network: networks.bitcoin,
      blocks: [{ header, transactions: [parsed] }],
    });
    await ctx.store.write((w) => w.appendTransfers(decoded.transfers));
    const read = await readUtxoTransaction({ store: ctx.store, chain, txid: parsed.txid });
    expect(read!.outputs.map((o) => [o.index, o.value])).toEqual(
      Array.from({ length: 12 }, (_, n) => [n, BigInt(n + 1)]),
    );
    expect(read!.fee).toBe(100n - 78n);
  });
});
