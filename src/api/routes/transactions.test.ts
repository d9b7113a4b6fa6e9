import path from 'node:path';
import {
  address as btcAddress,
  networks,
  opcodes,
  script as bscript,
  Transaction,
} from 'bitcoinjs-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { useApi } from '../../../test/helpers/api.ts';
import { etlBlocks, etlTransactions } from '../../../test/helpers/bitcoin-etl-expected.ts';
import { BITCOIN_ETL_FIXTURES } from '../../../test/helpers/replay-bitcoin-rpc.ts';
import { decodeBlocks } from '../../chains/bitcoin/decode-block.ts';
import { importBitcoinEtl } from '../../chains/bitcoin/import-bitcoin-etl.ts';
import { parseTransactionHex } from '../../chains/bitcoin/parse-transaction.ts';
import { nonstandardAddress } from '../../chains/bitcoin/script-address.ts';
import { getChain } from '../../model/chains.ts';
import type { Transfer } from '../../model/transfer.ts';
import { createApiKey } from '../auth/api-keys.ts';

// A real mainnet token transfer (ethereum-etl's test resources, as in cases.test.ts); the labels
// below are test labels, not attributions of these addresses.
const TX = '0x04cbcb236043d8fb7839e07bbc7f5eed692fb2ca55d897f1101eac3e3ad4fab8';
const FROM = '0x1b63142628311395ceafeea5667e7c9026c862ca';
const TO = '0xac4df82fe37ea2187bc8c011a23d743b4f39019a';
const TOKEN = '0xf4eced2f682ce333f96f2d8966c613ded8fc95dd';
const TRANSFERS: Transfer[] = [
  {
    chain: 'ethereum',
    blockNumber: 483920n,
    blockTime: 1447144575,
    txHash: TX,
    position: 'log:0',
    from: FROM,
    to: TO,
    asset: TOKEN,
    amount: 100000n,
    kind: 'token',
  },
];

type Names = Record<string, { entity: string | null; category: string; private: boolean }>;

describe('GET /v1/transactions/{chain}/{hash}: who is behind its addresses', () => {
  const api = useApi({
    seed: async (store) => {
      await store.write(async (w) => {
        await w.appendTransfers(TRANSFERS);
        await w.addLabels([
          {
            chain: 'ethereum',
            address: TO,
            entity: 'Test Exchange',
            category: 'exchange',
            source: 'test',
            confidence: 50,
          },
        ]);
      });
    },
  });
  let globex = '';
  beforeAll(async () => {
    globex = (await createApiKey({ store: api.store, role: 'viewer', org: 'globex' })).key;
    await api.app.chaintrail.keys.reload();
  });
  const names = async (key: Record<string, string>) => {
    const res = await api.app.inject({ url: `/v1/transactions/ethereum/${TX}`, headers: key });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ names: Names }>().names;
  };

  it("names public labels for everyone and an organisation's private label only for it", async () => {
    expect(await names(api.as('viewer'))).toEqual({
      [TO]: { entity: 'Test Exchange', category: 'exchange', private: false },
    });
    const marked = await api.app.inject({
      method: 'POST',
      url: '/v1/labels/private',
      payload: { chain: 'ethereum', address: FROM, category: 'theft', entity: 'Case 7 exploiter' },
      headers: api.as('investigator'),
    });
    expect(marked.statusCode, marked.body).toBe(201);
    expect((await names(api.as('viewer')))[FROM]).toEqual({
      entity: 'Case 7 exploiter',
      category: 'theft',
      private: true,
    });
    // Another organisation sees the public name only.
    expect(await names({ 'x-api-key': globex })).toEqual({
      [TO]: { entity: 'Test Exchange', category: 'exchange', private: false },
    });
  });
});

type Leg = { index: number; address: string | null; value: string; nonstandard?: boolean };

/** The memo of {@link payoutWithMemo}: THORChain's outbound form, naming a real transaction. */
const PAYOUT_MEMO = 'OUT:7940CDDE4D713E171849EFC6BD89939185BE270266C94E92369E3877AD89455A';

/**
 * A THORChain-style payout built here (not on chain), placed in block 50002 (its header as bitcoin-etl exported it): it
 * spends the real output 7940cdde…:0 of block 50001 (1HaHTfmv…, 100 BTC), pays 1DoQeKfU… (an
 * address of the same block) 99.9999 BTC and carries its memo in an OP_RETURN; 10,000 sats fee.
 */
function payoutWithMemo() {
  const tx = new Transaction();
  tx.addInput(
    Buffer.from(
      '7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a',
      'hex',
    ).reverse(),
    0,
  );
  tx.addOutput(
    btcAddress.toOutputScript('1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae', networks.bitcoin),
    9_999_990_000n,
  );
  tx.addOutput(bscript.compile([opcodes.OP_RETURN, Buffer.from(PAYOUT_MEMO)]), 0n);
  const parsed = parseTransactionHex(tx.toHex());
  parsed.inputs[0]!.prevout = {
    address: '1HaHTfmvoUW6i6nhJf8jJs6tU4cHNmBQHQ',
    value: 10_000_000_000n,
  };
  const [b50001, b50002] = etlBlocks('stream_50001_50002');
  const header = {
    number: BigInt(b50002!.number),
    hash: b50002!.hash,
    parentHash: b50001!.hash,
    time: b50002!.timestamp,
  };
  const decoded = decodeBlocks({
    chain: getChain('bitcoin'),
    network: networks.bitcoin,
    blocks: [{ header, transactions: [parsed] }],
  });
  return { ...decoded, txid: parsed.txid, memoScript: tx.outs[1]!.script };
}

describe('GET /v1/transactions/{chain}/{hash} on Bitcoin: inputs, outputs, fee', () => {
  // bitcoin-etl's recorded mainnet blocks 50001-50002 (test/fixtures/bitcoin-etl, MIT), imported as
  // `chaintrail import bitcoin-etl` does.
  const FOLDER = 'stream_50001_50002';
  const api = useApi({
    seed: async (store) => {
      await importBitcoinEtl({
        store,
        blocksPath: path.join(BITCOIN_ETL_FIXTURES, FOLDER, 'expected_blocks.json'),
        transactionsPath: path.join(BITCOIN_ETL_FIXTURES, FOLDER, 'expected_transactions.json'),
      });
      const decoded = payoutWithMemo();
      await store.write(async (w) => {
        await w.appendTransfers(decoded.transfers);
        await w.appendEvents(decoded.events);
      });
    },
  });
  type UtxoDetail = {
    chain: string;
    txHash: string;
    coinbase: boolean;
    block: { number: string; hash: string | null };
    time: number | null;
    inputs: Leg[];
    outputs: Leg[];
    fee: string | null;
    names: Names;
  };
  const get = async (txid: string, headers = api.as('viewer')) => {
    const res = await api.app.inject({ url: `/v1/transactions/bitcoin/${txid}`, headers });
    return { status: res.statusCode, body: res.json<UtxoDetail>(), raw: res.body };
  };

  it("gives every transaction's inputs, outputs (satoshis), fee, coinbase, block and time as bitcoin-etl exported them", async () => {
    const blocks = new Map(etlBlocks(FOLDER).map((b) => [b.number, b.hash]));
    const expected = etlTransactions(FOLDER);
    expect(expected.length).toBe(4);
    for (const t of expected) {
      const { status, body, raw } = await get(t.hash);
      expect(status, raw).toBe(200);
      expect(body).toMatchObject({
        chain: 'bitcoin',
        txHash: t.hash,
        coinbase: t.is_coinbase,
        block: { number: String(t.block_number), hash: blocks.get(t.block_number) },
        time: t.block_timestamp,
        fee: t.is_coinbase ? null : String(t.fee),
      });
      expect(body.inputs).toEqual(
        t.inputs.map((i) => ({ index: i.index, address: i.addresses[0], value: String(i.value) })),
      );
      expect(body.outputs).toEqual(
        t.outputs.map((o) => ({
          index: o.index,
          address: o.addresses[0],
          value: String(o.value),
          nonstandard: false,
        })),
      );
    }
    // One the store does not hold: a 404, not a 500 (the UTXO reading gives null).
    expect((await get('ab'.repeat(32))).status).toBe(404);
  });

  it("names an input's address with the organisation's own label, for it only", async () => {
    const txid = '7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a';
    const input = (await get(txid)).body.inputs[0]!.address!;
    expect(input).toBe(
      etlTransactions(FOLDER).find((t) => t.hash === txid)!.inputs[0]!.addresses[0],
    );
    const marked = await api.app.inject({
      method: 'POST',
      url: '/v1/labels/private',
      payload: { chain: 'bitcoin', address: input, category: 'theft', entity: 'Case 9 thief' },
      headers: api.as('investigator'),
    });
    expect(marked.statusCode, marked.body).toBe(201);
    expect((await get(txid)).body.names[input]).toEqual({
      entity: 'Case 9 thief',
      category: 'theft',
      private: true,
    });
    const globex = (await createApiKey({ store: api.store, role: 'viewer', org: 'globex' })).key;
    await api.app.chaintrail.keys.reload();
    const other = await get(txid, { 'x-api-key': globex });
    expect(other.status).toBe(200);
    expect(other.body.names[input]).toBeUndefined();
  });

  it('marks an OP_RETURN output as having no address (its pseudo-address) and keeps its THORChain event', async () => {
    const { txid, memoScript } = payoutWithMemo();
    const res = await api.app.inject({
      url: `/v1/transactions/bitcoin/${txid}`,
      headers: api.as('viewer'),
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{
      outputs: Leg[];
      fee: string;
      events: { type: string; memo: string }[];
    }>();
    expect(body.outputs).toEqual([
      {
        index: 0,
        address: '1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae',
        value: '9999990000',
        nonstandard: false,
      },
      { index: 1, address: nonstandardAddress(memoScript), value: '0', nonstandard: true },
    ]);
    expect(body.fee).toBe('10000');
    expect(body.events).toMatchObject([{ type: 'bridge_withdrawal', memo: PAYOUT_MEMO }]);
  });
});
