// A hand-made trace result across chains (not a test file itself), as the graph's tests use it, in
// the shape traceFunds gives across THORChain (src/trace/build-result.test.ts checks that shape on
// the real sweep): ETH stolen on anvil, deposited to THORChain's router with a memo naming a Bitcoin
// address, paid out there by a transaction, then spent to an exchange. The anvil addresses and the
// txids are made up for the shape only; the Bitcoin address is BIP-173's P2WPKH example program in
// regtest's encoding.
import type { TraceResult } from '../../../api/types.ts';
import { nodeId } from './model.ts';

export const TRACE = '3c1e9a70-0000-4000-8000-0000000000b1';
export const BTC = 'bitcoin-regtest';
export const A = {
  victim: '0x00000000000000000000000000000000000000f1',
  thief: '0x00000000000000000000000000000000000000a1',
  router: '0x00000000000000000000000000000000000000c7',
};
export const DEST = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
export const PAYOUT = 'b'.repeat(64);
export const SPEND = 'c'.repeat(64);
export const EXCHANGE = 'BX';
const E18 = 10n ** 18n;

/**
 * The trace's result; `kinds: false` leaves out the nodes' `kind`, as results stored before it had.
 */
export function crossChainResult(options: { kinds: boolean } = { kinds: true }): TraceResult {
  const node = (
    chain: string,
    address: string,
    extra: { category?: string; entity?: string; tx?: boolean } = {},
  ) => ({
    id: nodeId(chain, address),
    chain,
    address,
    category: extra.category ?? null,
    entity: extra.entity ?? null,
    ...(extra.tx && options.kinds ? { kind: 'utxo_tx' as const } : {}),
  });
  const edge = (
    chain: string,
    from: string,
    to: string,
    amount: string,
    hop: number,
    time: number,
    txHash: string,
  ) => ({
    from: nodeId(chain, from),
    to: nodeId(chain, to),
    txHash,
    asset: 'native',
    amount,
    tainted: amount,
    hop,
    time,
  });
  const theft = `0x${'7'.repeat(64)}`;
  const deposit = `0x${'8'.repeat(64)}`;
  return {
    parameters: {
      seeds: [{ kind: 'tx', chain: 'anvil', txHash: theft }],
      direction: 'forward',
      policy: 'haircut',
    },
    endpoints: [
      {
        chain: BTC,
        address: EXCHANGE,
        category: 'exchange',
        entity: 'BitEx',
        asset: 'native',
        amount: '300000000',
        share: 1,
        finding: 'arrived at BitEx: freezable',
        destination: undefined,
        paths: [[A.victim, A.thief, A.router, PAYOUT, DEST, SPEND, EXCHANGE]],
      },
    ],
    nodes: [
      node('anvil', A.victim),
      node('anvil', A.thief),
      node('anvil', A.router, { category: 'bridge', entity: 'THORChain' }),
      node(BTC, PAYOUT, { tx: true }),
      node(BTC, DEST),
      node(BTC, SPEND, { tx: true }),
      node(BTC, EXCHANGE, { category: 'exchange', entity: 'BitEx' }),
    ],
    edges: [
      edge('anvil', A.victim, A.thief, (100n * E18).toString(), 1, 1_740_000_000, theft),
      edge('anvil', A.thief, A.router, (100n * E18).toString(), 2, 1_740_000_100, deposit),
      edge(BTC, PAYOUT, DEST, '300000000', 3, 1_740_000_900, PAYOUT),
      edge(BTC, DEST, SPEND, '300000000', 4, 1_740_001_000, SPEND),
      edge(BTC, SPEND, EXCHANGE, '300000000', 5, 1_740_001_000, SPEND),
    ],
    summary: {
      seedValue: [{ chain: 'anvil', asset: 'native', amount: (100n * E18).toString() }],
      valuedIn: { chain: 'anvil', asset: 'native' },
      traced: 1,
      untraced: 0,
      untracedBy: { hopLimit: 0, dust: 0, conversion: 0, fees: 0 },
      byCategory: [],
      edgesVisited: 5,
    },
  };
}
