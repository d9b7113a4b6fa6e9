import { describe, expect, it } from 'vitest';
import {
  createTronTestChain,
  constructedTronAddresses,
  tronHex41,
} from '../../simulate/tron/tron-test-chain.ts';
import { EVENT_TOPICS } from '../evm/decode-log.ts';
import { decodeTronBlock } from './decode-tron-block.ts';
import { createTronAddressCodec } from './tron-address.ts';
import type { TronBlock, TronTransactionInfo } from './types.ts';

/** CONSTRUCTED addresses: seeded bytes no one holds a key for. */
const [owner, pair, to] = constructedTronAddresses('decode-tron', 3) as [string, string, string];

const word = (hex: string) => hex.padStart(64, '0');
const SWAP = EVENT_TOPICS.uniswapV2Swap.slice(2);

/** One block with one TriggerSmartContract, as the node writes it, and its execution result. */
function block(info: Partial<TronTransactionInfo> | null): {
  block: TronBlock;
  infos: TronTransactionInfo[];
} {
  const txID = 'ab'.repeat(32);
  return {
    block: {
      blockID: `${'0'.repeat(14)}07${'cd'.repeat(24)}`,
      block_header: {
        raw_data: { number: 7, parentHash: 'ef'.repeat(32), timestamp: 1_717_200_021_000 },
      },
      transactions: [
        {
          txID,
          ret: [{ contractRet: 'SUCCESS' }],
          raw_data: {
            contract: [
              {
                type: 'TriggerSmartContract',
                parameter: {
                  value: { owner_address: tronHex41(owner), contract_address: tronHex41(pair) },
                },
              },
            ],
          },
        },
      ],
    },
    infos: info === null ? [] : [{ id: txID, ...info }],
  };
}

describe('decodeTronBlock', () => {
  const addresses = createTronAddressCodec();

  it('reads a SunSwap (Uniswap v2) Swap log as a swap with the pair, sender and recipient as T… addresses, and the fee from the owner', () => {
    const { block: b, infos } = block({
      fee: 5_254_500,
      log: [
        {
          address: tronHex41(pair).slice(2),
          topics: [SWAP, word(tronHex41(owner).slice(2)), word(tronHex41(to).slice(2))],
          data: [1000n, 0n, 0n, 997n].map((v) => word(v.toString(16))).join(''),
        },
      ],
    });
    const decoded = decodeTronBlock({ chain: 'tron', block: b, infos, addresses });
    expect(decoded.events).toEqual([
      expect.objectContaining({
        type: 'swap',
        protocol: 'uniswap-v2',
        contract: pair,
        account: owner,
        recipient: to,
        amountIn: 1000n,
        amountOut: 997n,
        tokenInIndex: 0,
        blockTime: 1_717_200_021,
        position: 'log:0',
      }),
    ]);
    expect(decoded.transfers).toEqual([
      expect.objectContaining({
        kind: 'fee',
        from: owner,
        to: null,
        asset: 'native',
        amount: 5_254_500n,
      }),
    ]);
  });

  it('names a transaction the node gave no execution result for, instead of storing it without its fee', () => {
    const { block: b, infos } = block(null);
    expect(() => decodeTronBlock({ chain: 'tron', block: b, infos, addresses })).toThrow(
      expect.objectContaining({
        code: 'RPC_MISSING_RECEIPT',
        message: expect.stringMatching(
          /^block 7 transaction abab.*: the node gave no execution result/,
        ),
      }),
    );
  });

  it('names a malformed address and where it was', () => {
    const { block: b, infos } = block({});
    (
      b.transactions![0]!.raw_data!.contract![0]!.parameter!.value as Record<string, unknown>
    ).owner_address = '42' + '00'.repeat(20);
    expect(() => decodeTronBlock({ chain: 'tron', block: b, infos, addresses })).toThrow(
      /owner_address as "4200.*": not a hex address/,
    );
  });

  it('reads a TRC-10 asset_name (hex of the id) and the test chain gives the same rows', () => {
    const chain = createTronTestChain({ startTime: 1_717_200_000 });
    chain.mine([]);
    chain.mine([{ type: 'trc10', from: owner, to, tokenId: '1002000', amount: 5n }]);
    const { block: b, infos } = chain.blocks[1]!;
    expect(
      (b.transactions![0]!.raw_data!.contract![0]!.parameter!.value as { asset_name: string })
        .asset_name,
    ).toBe('31303032303030');
    expect(decodeTronBlock({ chain: 'tron', block: b, infos, addresses }).transfers).toEqual([
      expect.objectContaining({
        kind: 'native',
        from: owner,
        to,
        asset: 'trc10:1002000',
        amount: 5n,
        position: 'call:',
      }),
    ]);
  });
});
