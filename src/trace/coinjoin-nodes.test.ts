import { describe, expect, it } from 'vitest';
import { realTx } from '../../test/helpers/bitcoin-transactions.ts';
import { smallGraphIndex, type SmallEdge } from '../../test/helpers/small-graph-index.ts';
import { labelsOf, where } from '../../test/helpers/small-trace.ts';
import { traceFunds } from './trace-funds.ts';

// The Samourai Whirlpool 0.05 BTC mix 323df21f… (block 574682; test/fixtures/bitcoin-coinjoin):
// its five inputs and five outputs, as the index holds a Bitcoin transaction.
const MIX = realTx('323df21f');
const CHAIN = 'bitcoin';
const HOLDER = MIX.inputs[0]!.address!;

/** The mix, its first input funded by the seed's transaction, and its first output spent on. */
function mixEdges(): SmallEdge[] {
  const edges: SmallEdge[] = [
    {
      from: 'SOURCE',
      to: 'fund',
      amount: MIX.inputs[0]!.value + 1000,
      time: 1,
      chain: CHAIN,
      tx: 'fund',
    },
    { from: 'fund', to: HOLDER, amount: MIX.inputs[0]!.value, time: 1, chain: CHAIN, tx: 'fund' },
  ];
  for (const i of MIX.inputs)
    edges.push({
      from: i.address!,
      to: MIX.txid,
      amount: i.value,
      time: 2,
      chain: CHAIN,
      tx: MIX.txid,
    });
  for (const o of MIX.outputs)
    edges.push({
      from: MIX.txid,
      to: o.address!,
      amount: o.value,
      time: 2,
      chain: CHAIN,
      tx: MIX.txid,
    });
  return edges;
}

const trace = (throughCoinJoins: boolean) =>
  traceFunds({
    index: smallGraphIndex({
      edges: mixEdges(),
      utxoTxs: [
        { chain: CHAIN, name: 'fund' },
        { chain: CHAIN, name: MIX.txid },
      ],
    }),
    labels: labelsOf({}),
    seeds: [{ kind: 'tx', chain: CHAIN, txHash: 'fund' }],
    direction: 'forward',
    policy: 'haircut',
    throughCoinJoins,
  });

describe('a trace at a CoinJoin', () => {
  it('ends at the Whirlpool mix 323df21f…: "entered CoinJoin (Whirlpool)", all of the value there', () => {
    const r = trace(false);
    expect(r.endpoints).toHaveLength(1);
    expect(r.endpoints[0]).toMatchObject({
      chain: CHAIN,
      address: MIX.txid,
      category: 'mixer',
      entity: 'CoinJoin (Whirlpool)',
      finding: 'entered CoinJoin (Whirlpool)',
      share: 1,
    });
  });

  it('goes on through it when asked: the policy splits the value over its five outputs', () => {
    const r = trace(true);
    const found = where(r);
    expect(Object.keys(found)).toHaveLength(MIX.outputs.length);
    for (const o of MIX.outputs)
      expect(found[`${o.address}/unspent/native`]![1]).toBeCloseTo(0.2, 3);
  });
});
