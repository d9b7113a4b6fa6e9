import { describe, expect, it } from 'vitest';
import { smallGraphIndex, type SmallEdge } from '../../test/helpers/small-graph-index.ts';
import { labelsOf } from '../../test/helpers/small-trace.ts';
import { toDecimal } from './build-result.ts';
import { traceAmountToBigInt } from './raw-amount.ts';
import { traceFunds } from './trace-funds.ts';

describe('toDecimal', () => {
  it('prints raw units as plain digits: the shortest round-trip digits, then zeros', () => {
    expect(toDecimal(0)).toBe('0');
    expect(toDecimal(-0.2)).toBe('0');
    expect(toDecimal(1234.6)).toBe('1235');
    expect(toDecimal(Number('1234567890123456789'))).toBe('1234567890123456800');
    expect(toDecimal(1.5e21)).toBe('1500000000000000000000');
    expect(toDecimal(1.2345678901234567e30)).toBe('1234567890123456700000000000000');
    expect(toDecimal(-2.5e22)).toBe('-25000000000000000000000');
  });

  it('reads back as the same double', () => {
    for (const x of [1e21, 123456789e20, 9.87654321e25, 3.3e40, 1.7976931348623157e308])
      expect(Number(traceAmountToBigInt(toDecimal(x)))).toBe(x);
  });
});

describe('buildTraceResult: node kinds', () => {
  it('says which nodes of a trace across THORChain to Bitcoin are UTXO transactions', () => {
    // Shapes only: names and hashes are made up; the destination is BIP-173's P2WPKH example
    // program in regtest's encoding.
    const dest = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
    const payout = 'b'.repeat(64);
    const spend = 'c'.repeat(64);
    const btc = 'bitcoin-regtest';
    const edges: SmallEdge[] = [
      { from: 'V', to: 'T', amount: 100, time: 1, tx: 'theft' },
      { from: 'T', to: 'R', amount: 100, time: 2, tx: 'thor' },
      { from: 'VAULT', to: payout, amount: 10, time: 9, chain: btc, tx: payout },
      { from: payout, to: dest, amount: 3, time: 9, chain: btc, tx: payout },
      { from: payout, to: 'VAULT', amount: 7, time: 9, chain: btc, tx: payout },
      { from: dest, to: spend, amount: 3, time: 10, chain: btc, tx: spend },
      { from: spend, to: 'BX', amount: 3, time: 10, chain: btc, tx: spend },
    ];
    const index = smallGraphIndex({
      edges,
      chain: 'anvil',
      utxoTxs: [
        { chain: btc, name: payout },
        { chain: btc, name: spend },
      ],
    });
    const r = traceFunds({
      index,
      labels: labelsOf({ R: ['bridge', 'THORChain'], BX: ['exchange', 'BitEx'] }),
      bridgeMemos: new Map([[index.txId('anvil', 'thor')!, `=:BTC.BTC:${dest}`]]),
      seeds: [{ kind: 'tx', chain: 'anvil', txHash: 'theft' }],
      direction: 'forward',
      policy: 'haircut',
    });
    expect(r.endpoints[0]!.paths[0]).toEqual(['V', 'T', 'R', payout, dest, spend, 'BX']);
    const kinds = Object.fromEntries(r.nodes.map((n) => [n.address, n.kind ?? 'address']));
    expect(kinds).toEqual({
      V: 'address',
      T: 'address',
      R: 'address',
      [payout]: 'utxo_tx',
      [dest]: 'address',
      [spend]: 'utxo_tx',
      BX: 'address',
    });
  });
});
