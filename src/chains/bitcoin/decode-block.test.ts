import {
  address as btcAddress,
  networks,
  opcodes,
  script as bscript,
  Transaction,
} from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import { getChain } from '../../model/chains.ts';
import { parseThorchainMemo } from '../../trace/thorchain-memo.ts';
import { BITCOIN_FEE_POSITION, decodeBlocks, OutputsExceedInputsError } from './decode-block.ts';
import { parseTransactionHex } from './parse-transaction.ts';
import { nonstandardAddress } from './script-address.ts';
import type { BitcoinBlock, BitcoinTransaction } from './types.ts';

const chain = getChain('bitcoin');
const network = networks.bitcoin;

// Transactions built here, not taken from the chain: THORChain's layout on a UTXO chain
// (dev.thorchain.org "Sending Transactions": vault at VOUT0 of an inbound, memo in an OP_RETURN)
// with real mainnet addresses and outpoints of the fixtures standing in for vault and users.
const VAULT = '1HaHTfmvoUW6i6nhJf8jJs6tU4cHNmBQHQ';
const USER = '1PkqKGbNLDdDJGveCcNUMV9CEFH77ADrPQ';
/** A real transaction of block 50001 whose hash the memos name as the inbound. */
const INBOUND = '7940CDDE4D713E171849EFC6BD89939185BE270266C94E92369E3877AD89455A';
/** One of the addresses the FBI named in the Bybit theft (test/fixtures/addresses/ethereum.csv). */
const ETH_DESTINATION = '0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D';
const SPENT_VALUE = 5_000_000_000n;

const header = {
  number: 50001n,
  hash: '000000001c920d495e1eeef2452b6d1c6c229a919b28196c103ecffebabee141',
  parentHash: '000000001aeae195809d120b5d66a39c83eb48792e068f8ea1fea19d84a4278a',
  time: 1270917100,
};

/**
 * A transaction spending one output of `spender` worth {@link SPENT_VALUE}, paying `outputs`
 * (an address or an OP_RETURN memo, with a value).
 */
function build(
  spender: string,
  outputs: ({ to: string; value: bigint } | { memo: string | Uint8Array })[],
): BitcoinTransaction {
  const tx = new Transaction();
  tx.addInput(Buffer.from(INBOUND, 'hex').reverse(), 0);
  for (const o of outputs) {
    if ('to' in o) tx.addOutput(btcAddress.toOutputScript(o.to, network), o.value);
    else tx.addOutput(bscript.compile([opcodes.OP_RETURN, Buffer.from(o.memo)]), 0n);
  }
  const parsed = parseTransactionHex(tx.toHex());
  parsed.inputs[0]!.prevout = { address: spender, value: SPENT_VALUE };
  return parsed;
}

const blockOf = (...transactions: BitcoinTransaction[]): BitcoinBlock => ({ header, transactions });

describe('decodeBlocks', () => {
  const ctx = useTempStore();

  it('gives a THORChain outbound (OUT:<hash> from the vault) as the bridge_withdrawal the backward trace reads', async () => {
    const paid = 4_000_000_000n;
    const change = 999_990_000n;
    const tx = build(VAULT, [
      { to: USER, value: paid },
      { memo: `OUT:${INBOUND}` },
      { to: VAULT, value: change },
    ]);
    const decoded = decodeBlocks({ chain, network, blocks: [blockOf(tx)] });
    expect(decoded.events).toEqual([
      {
        chain: 'bitcoin',
        blockNumber: 50001n,
        blockTime: 1270917100,
        txHash: tx.txid,
        position: 'out:0',
        type: 'bridge_withdrawal',
        protocol: 'thorchain',
        contract: VAULT,
        account: USER,
        counterparty: VAULT,
        asset: 'native',
        amount: paid,
        memo: `OUT:${INBOUND}`,
      },
    ]);
    // The OP_RETURN is an output too (worth 0, under its script's pseudo-address), and the fee is
    // what the inputs hold beyond the outputs.
    const memoScript = tx.outputs[1]!.script;
    expect(decoded.transfers.map((t) => [t.position, t.from, t.to, t.amount, t.kind])).toEqual([
      ['in:0', VAULT, null, SPENT_VALUE, 'utxo_in'],
      ['out:0', null, USER, paid, 'utxo_out'],
      ['out:1', null, nonstandardAddress(memoScript), 0n, 'utxo_out'],
      ['out:2', null, VAULT, change, 'utxo_out'],
      [BITCOIN_FEE_POSITION, null, null, SPENT_VALUE - paid - change, 'fee'],
    ]);

    // Stored and read back as trace-store's bridgeEventsOf reads it: chain, transaction, memo.
    await ctx.store.write(async (w) => {
      await w.putBlocks(decoded.blocks);
      await w.appendTransfers(decoded.transfers);
      await w.appendEvents(decoded.events);
    });
    const [stored] = await ctx.store.listEvents({ type: 'bridge_withdrawal' });
    expect(stored).toEqual(decoded.events[0]);
    expect(parseThorchainMemo(stored!.type === 'bridge_withdrawal' ? stored!.memo! : '')).toEqual({
      kind: 'out',
      inboundTxHash: INBOUND,
    });
  });

  it('gives a refund (REFUND:<hash>) as a bridge_withdrawal too, and a swap inbound as a bridge_deposit to VOUT0', () => {
    const refund = build(VAULT, [
      { to: USER, value: 4_000_000_000n },
      { memo: `REFUND:${INBOUND}` },
    ]);
    const memo = `=:e:${ETH_DESTINATION}`;
    const deposit = build(USER, [
      { to: VAULT, value: 3_000_000_000n },
      { to: USER, value: 1_999_990_000n },
      { memo },
    ]);
    const { events } = decodeBlocks({ chain, network, blocks: [blockOf(refund, deposit)] });
    expect(events.map((e) => [e.type, e.txHash, e.position])).toEqual([
      ['bridge_withdrawal', refund.txid, 'out:0'],
      ['bridge_deposit', deposit.txid, 'out:0'],
    ]);
    expect(events[1]).toMatchObject({
      protocol: 'thorchain',
      account: USER,
      counterparty: VAULT,
      contract: VAULT,
      amount: 3_000_000_000n,
      asset: 'native',
      memo,
    });
    // The memo names its destination as the forward trace reads it.
    expect(parseThorchainMemo(memo)).toMatchObject({
      kind: 'swap',
      chain: 'ethereum',
      address: ETH_DESTINATION.toLowerCase(),
    });
  });

  it('keeps an OP_RETURN that is no THORChain memo as an output only', () => {
    const binary = build(USER, [
      { to: VAULT, value: 1_000n },
      { memo: Uint8Array.of(0x00, 0xff, 0x10) },
    ]);
    const other = build(USER, [{ to: VAULT, value: 1_000n }, { memo: 'hello' }]);
    const decoded = decodeBlocks({ chain, network, blocks: [blockOf(binary, other)] });
    expect(decoded.events).toEqual([]);
    expect(decoded.transfers.filter((t) => t.kind === 'utxo_out')).toHaveLength(4);
  });

  it('refuses a transaction paying out more than its inputs hold, naming it', () => {
    const tx = build(USER, [{ to: VAULT, value: SPENT_VALUE + 1n }]);
    expect(() => decodeBlocks({ chain, network, blocks: [blockOf(tx)] })).toThrow(
      OutputsExceedInputsError,
    );
    expect(() => decodeBlocks({ chain, network, blocks: [blockOf(tx)] })).toThrow(tx.txid);
  });
});
