import { readFileSync } from 'node:fs';

import {
  decodeAbiParameters,
  encodeAbiParameters,
  encodeEventTopics,
  parseAbiParameters,
  type Hex,
} from 'viem';
import { describe, expect, it } from 'vitest';

import {
  decodeLog,
  EVENT_TOPICS,
  THORCHAIN_DEPOSIT_EVENT,
  THORCHAIN_TRANSFER_OUT_EVENT,
  UNISWAP_V2_SWAP_EVENT,
  UNISWAP_V3_SWAP_EVENT,
  USDC_BLACKLISTED_EVENT,
  WETH_DEPOSIT_EVENT,
  type DecodeLogContext,
  type EvmLog,
} from './decode-log.ts';

const FIXTURES = new URL('../../../test/fixtures/ethereum-etl/', import.meta.url);
const WETH = '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2';
/** THORChain mainnet router (ethNewRouter in thornode's router_upgrade_info.go; see test/fixtures/addresses). */
const THOR_ROUTER = '0xd37bbe5744d730a1d98d8dc97c42f0ca46ad7146';
const CTX: DecodeLogContext = {
  wrappedNative: new Set([WETH]),
  bridgeRouters: new Set([THOR_ROUTER]),
};
const EMPTY_CTX: DecodeLogContext = { wrappedNative: new Set(), bridgeRouters: new Set() };

const A = '0x1b63142628311395ceafeea5667e7c9026c862ca';
const B = '0xac4df82fe37ea2187bc8c011a23d743b4f39019a';
const TX = '0x04cbcb236043d8fb7839e07bbc7f5eed692fb2ca55d897f1101eac3e3ad4fab8';

function word(value: bigint | string): string {
  const hex = typeof value === 'bigint' ? value.toString(16) : value.replace(/^0x/, '');
  return hex.padStart(64, '0');
}
function topic(value: bigint | string): string {
  return `0x${word(value)}`;
}

function log(partial: Partial<EvmLog>): EvmLog {
  return {
    chain: 'ethereum',
    blockNumber: 483920n,
    blockTime: 1_500_000_000,
    txHash: TX,
    logIndex: 7,
    address: '0xf4eced2f682ce333f96f2d8966c613ded8fc95dd',
    data: '0x',
    topics: [],
    ...partial,
  };
}

describe('event selectors', () => {
  it('are the well-known topic0 values (THORChain ones as in thornode and shapeshift sources; the freezes as in public USDT/USDC blacklist monitors)', () => {
    expect(EVENT_TOPICS).toEqual({
      transfer: '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef',
      wethDeposit: '0xe1fffcc4923d04b559f4d29a8bfc6cda04eb5b0d3c460751c2402c5c5cc9109c',
      wethWithdrawal: '0x7fcf532c15f0a6db0bd6d0e038bea71d30d808c7d98cb3bf7268a95bf5081b65',
      uniswapV2Swap: '0xd78ad95fa46c994b6551d0da85fc275fe613ce37657fb8d5e3d130840159d822',
      uniswapV3Swap: '0xc42079f94a6350d7e6235f29174924f928cc2ac818eb64fed8004e115fbcca67',
      thorchainDeposit: '0xef519b7eb82aaf6ac376a6df2d793843ebfd593de5f1a0601d3cc6ab49ebb395',
      thorchainTransferOut: '0xa9cd03aa3c1b4515114539cd53d22085129d495cb9e9f9af77864526240f1bf7',
      // Tether's and Circle's freezes, as public USDT/USDC blacklist monitors filter them.
      usdtAddedBlackList: '0x42e160154868087d6bfdc0ca23d96a1c1cfa32f1b72ba9ba27b69b98a0d819dc',
      usdtRemovedBlackList: '0xd7e9ec6e6ecd65492dce6bf513cd6867560d49544421d0783ddf06e76c24470c',
      usdcBlacklisted: '0xffa4e6181777692565cf28528fc88fd1516ea86b56da075235fa575af6a4b855',
      usdcUnBlacklisted: '0x117e3210bb9aa7d9baff172026820255c6f6c30ba8999d1c2fd88e2848137c4e',
    });
  });
});

describe('decodeLog: Transfer (ethereum-etl EthTokenTransferExtractor rules)', () => {
  const base = log({
    data: `0x${word(100000n)}`,
    topics: [EVENT_TOPICS.transfer, topic(A), topic(B)],
  });

  it('decodes an ERC-20 transfer into a token Transfer keyed by log index', () => {
    expect(decodeLog(base, EMPTY_CTX)).toEqual({
      transfer: {
        chain: 'ethereum',
        blockNumber: 483920n,
        blockTime: 1_500_000_000,
        txHash: TX,
        position: 'log:7',
        from: A,
        to: B,
        asset: '0xf4eced2f682ce333f96f2d8966c613ded8fc95dd',
        amount: 100000n,
        kind: 'token',
      },
    });
  });

  it('compares topic0 case-insensitively and lowercases the token and addresses', () => {
    const upper = log({
      ...base,
      address: '0xF4ECED2F682CE333F96F2D8966C613DED8FC95DD',
      topics: [
        EVENT_TOPICS.transfer.toUpperCase().replace('0X', '0x'),
        topic(A.toUpperCase().slice(2)),
        topic(B),
      ],
    });
    const { transfer } = decodeLog(upper, EMPTY_CTX);
    expect(transfer?.asset).toBe('0xf4eced2f682ce333f96f2d8966c613ded8fc95dd');
    expect(transfer?.from).toBe(A);
  });

  it('counts an ERC-721 transfer (4 topics, no data) with the token id as amount, like ethereum-etl', () => {
    const erc721 = log({
      data: '0x',
      topics: [EVENT_TOPICS.transfer, topic(A), topic(B), topic(1234n)],
    });
    expect(decodeLog(erc721, EMPTY_CTX).transfer).toMatchObject({
      from: A,
      to: B,
      amount: 1234n,
      kind: 'token',
    });
  });

  it('reads fields from data words when they are not indexed (topics + words = 4)', () => {
    const unindexed = log({
      data: `0x${word(A)}${word(B)}${word(5n)}`,
      topics: [EVENT_TOPICS.transfer],
    });
    expect(decodeLog(unindexed, EMPTY_CTX).transfer).toMatchObject({ from: A, to: B, amount: 5n });
  });

  it('takes the last 20 bytes of an address word, ignoring dirty upper bytes, like ethereum-etl', () => {
    const dirty = log({
      ...base,
      topics: [EVENT_TOPICS.transfer, `0xffffffffffffffffffffffff${A.slice(2)}`, topic(B)],
    });
    expect(decodeLog(dirty, EMPTY_CTX).transfer?.from).toBe(A);
  });

  it('is not a transfer when topics + data words != 4 (a trailing partial word counts)', () => {
    expect(decodeLog(log({ ...base, data: `0x${word(1n)}${word(2n)}` }), EMPTY_CTX)).toEqual({});
    expect(decodeLog(log({ ...base, data: '0x' }), EMPTY_CTX)).toEqual({});
    expect(decodeLog(log({ ...base, data: `0x${word(1n)}00` }), EMPTY_CTX)).toEqual({});
    expect(
      decodeLog(log({ ...base, topics: [EVENT_TOPICS.transfer, topic(A)] }), EMPTY_CTX),
    ).toEqual({});
  });

  it('returns {} for non-hex words and for logs without topics', () => {
    expect(decodeLog(log({ ...base, data: `0x${'zz'.repeat(32)}` }), EMPTY_CTX)).toEqual({});
    expect(
      decodeLog(
        log({ ...base, topics: [EVENT_TOPICS.transfer, `0x${'g'.repeat(64)}`, topic(B)] }),
        EMPTY_CTX,
      ),
    ).toEqual({});
    expect(decodeLog(log({ topics: [] }), EMPTY_CTX)).toEqual({});
    expect(decodeLog(log({ topics: [topic(99n)] }), EMPTY_CTX)).toEqual({});
  });
});

describe('decodeLog: WETH Deposit / Withdrawal', () => {
  const deposit = log({
    address: WETH,
    data: encodeAbiParameters(parseAbiParameters('uint256'), [10n ** 18n]),
    topics: encodeEventTopics({ abi: [WETH_DEPOSIT_EVENT], args: { dst: A } }) as string[],
  });

  it('is a wrap only when the contract is a known wrapped-native token', () => {
    expect(decodeLog(deposit, CTX)).toEqual({
      event: {
        chain: 'ethereum',
        blockNumber: 483920n,
        blockTime: 1_500_000_000,
        txHash: TX,
        position: 'log:7',
        contract: WETH,
        type: 'wrap',
        account: A,
        amount: 10n ** 18n,
      },
    });
    expect(
      decodeLog({ ...deposit, address: WETH.toUpperCase().replace('0X', '0x') }, CTX).event?.type,
    ).toBe('wrap');
    expect(decodeLog(deposit, EMPTY_CTX)).toEqual({});
  });

  it('decodes Withdrawal as unwrap', () => {
    const withdrawal = { ...deposit, topics: [EVENT_TOPICS.wethWithdrawal, topic(B)] };
    expect(decodeLog(withdrawal, CTX).event).toMatchObject({
      type: 'unwrap',
      account: B,
      amount: 10n ** 18n,
    });
  });

  it('returns {} for the wrong shape (dst not indexed, extra data, truncated data)', () => {
    expect(
      decodeLog(
        { ...deposit, topics: [EVENT_TOPICS.wethDeposit], data: `0x${word(A)}${word(1n)}` },
        CTX,
      ),
    ).toEqual({});
    expect(decodeLog({ ...deposit, data: `0x${word(1n)}${word(2n)}` }, CTX)).toEqual({});
    expect(decodeLog({ ...deposit, data: '0x01' }, CTX)).toEqual({});
  });
});

describe('decodeLog: Uniswap swaps (synthetic logs encoded with viem)', () => {
  function v2(in0: bigint, in1: bigint, out0: bigint, out1: bigint): EvmLog {
    const topics = encodeEventTopics({
      abi: [UNISWAP_V2_SWAP_EVENT],
      args: { sender: A, to: B },
    }) as string[];
    const data = encodeAbiParameters(parseAbiParameters('uint256, uint256, uint256, uint256'), [
      in0,
      in1,
      out0,
      out1,
    ]);
    return log({ address: '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc', topics, data });
  }

  it('v2: token0 in, token1 out', () => {
    expect(decodeLog(v2(5n, 0n, 0n, 7n), EMPTY_CTX).event).toEqual({
      chain: 'ethereum',
      blockNumber: 483920n,
      blockTime: 1_500_000_000,
      txHash: TX,
      position: 'log:7',
      contract: '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc',
      type: 'swap',
      protocol: 'uniswap-v2',
      account: A,
      recipient: B,
      assetIn: null,
      amountIn: 5n,
      assetOut: null,
      amountOut: 7n,
      tokenInIndex: 0,
    });
  });

  it('v2: token1 in, token0 out; both sides in is ambiguous (tokenInIndex null)', () => {
    expect(decodeLog(v2(0n, 9n, 4n, 0n), EMPTY_CTX).event).toMatchObject({
      amountIn: 9n,
      amountOut: 4n,
      tokenInIndex: 1,
    });
    expect(decodeLog(v2(3n, 9n, 0n, 4n), EMPTY_CTX).event).toMatchObject({
      amountIn: 3n,
      amountOut: 4n,
      tokenInIndex: null,
    });
  });

  it('v3: positive amount is into the pool, negative out of it', () => {
    const topics = encodeEventTopics({
      abi: [UNISWAP_V3_SWAP_EVENT],
      args: { sender: A, recipient: B },
    }) as string[];
    const params = parseAbiParameters('int256, int256, uint160, uint128, int24');
    const data = encodeAbiParameters(params, [-250n, 1000n, 2n ** 96n, 10n ** 18n, -200]);
    expect(decodeLog(log({ topics, data }), EMPTY_CTX).event).toMatchObject({
      type: 'swap',
      protocol: 'uniswap-v3',
      account: A,
      recipient: B,
      amountIn: 1000n,
      amountOut: 250n,
      tokenInIndex: 1,
    });
  });

  it('returns {} for swaps with the wrong topic count or data length', () => {
    const good = v2(5n, 0n, 0n, 7n);
    expect(decodeLog({ ...good, topics: good.topics.slice(0, 2) }, EMPTY_CTX)).toEqual({});
    expect(decodeLog({ ...good, data: `${good.data}${word(0n)}` }, EMPTY_CTX)).toEqual({});
    expect(
      decodeLog(
        { ...good, topics: [EVENT_TOPICS.uniswapV3Swap, ...good.topics.slice(1)] },
        EMPTY_CTX,
      ),
    ).toEqual({});
  });
});

describe('decodeLog: THORChain router (synthetic logs encoded with viem from the router ABI)', () => {
  const VAULT = '0x8d8bba78a27881294b34c82fb5978596e2df66dd';
  const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
  const ZERO = '0x0000000000000000000000000000000000000000';

  function deposit(asset: string, amount: bigint, memo: string): EvmLog {
    const topics = encodeEventTopics({
      abi: [THORCHAIN_DEPOSIT_EVENT],
      args: { to: VAULT as Hex, asset: asset as Hex },
    }) as string[];
    const data = encodeAbiParameters(parseAbiParameters('uint256, string'), [amount, memo]);
    return log({ address: THOR_ROUTER, topics, data });
  }

  it('Deposit of the native coin (zero asset address) is a bridge_deposit of "native" to the vault', () => {
    expect(decodeLog(deposit(ZERO, 5n * 10n ** 17n, '=:BTC.BTC:bc1qexample'), CTX)).toEqual({
      event: {
        chain: 'ethereum',
        blockNumber: 483920n,
        blockTime: 1_500_000_000,
        txHash: TX,
        position: 'log:7',
        contract: THOR_ROUTER,
        type: 'bridge_deposit',
        protocol: 'thorchain',
        account: null,
        asset: 'native',
        amount: 5n * 10n ** 17n,
        memo: '=:BTC.BTC:bc1qexample',
        counterparty: VAULT,
      },
    });
  });

  it('Deposit of a token keeps the token address; other contracts are ignored', () => {
    expect(decodeLog(deposit(USDT, 42n, 'SWAP:ETH.ETH'), CTX).event).toMatchObject({
      asset: USDT,
      amount: 42n,
    });
    expect(decodeLog(deposit(USDT, 42n, 'SWAP:ETH.ETH'), EMPTY_CTX)).toEqual({});
  });

  it('TransferOut is a bridge_withdrawal to `to` from the vault', () => {
    const topics = encodeEventTopics({
      abi: [THORCHAIN_TRANSFER_OUT_EVENT],
      args: { vault: VAULT as Hex, to: A as Hex },
    }) as string[];
    const data = encodeAbiParameters(parseAbiParameters('address, uint256, string'), [
      USDT,
      77n,
      'OUT:ABCDEF',
    ]);
    expect(decodeLog(log({ address: THOR_ROUTER, topics, data }), CTX).event).toMatchObject({
      type: 'bridge_withdrawal',
      protocol: 'thorchain',
      account: A,
      counterparty: VAULT,
      asset: USDT,
      amount: 77n,
      memo: 'OUT:ABCDEF',
    });
  });

  it('returns {} for truncated memo data or a 2-topic layout', () => {
    const good = deposit(ZERO, 1n, 'memo');
    expect(decodeLog({ ...good, data: good.data.slice(0, 2 + 64 * 3) }, CTX)).toEqual({});
    expect(decodeLog({ ...good, data: good.data.slice(0, 2 + 64 * 2) }, CTX)).toEqual({});
    expect(decodeLog({ ...good, topics: good.topics.slice(0, 2) }, CTX)).toEqual({});
  });
});

describe('decodeLog on block 17173049-17173050 (ethereum-etl test_stream, real mainnet logs)', () => {
  type JsonLog = {
    log_index: number;
    transaction_hash: string;
    address: string;
    data: string;
    topics: string[];
    block_number: number;
    block_timestamp: number;
  };
  const rows: JsonLog[] = readFileSync(
    new URL('test_stream/blocks_17173049_17173050/expected_logs.json', FIXTURES),
    'utf8',
  )
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as JsonLog);
  const toLog = (row: JsonLog): EvmLog => ({
    chain: 'ethereum',
    blockNumber: BigInt(row.block_number),
    blockTime: row.block_timestamp,
    txHash: row.transaction_hash,
    logIndex: row.log_index,
    address: row.address,
    data: row.data,
    topics: row.topics,
  });
  const withTopic = (t: string) => rows.filter((row) => row.topics[0] === t);
  const addressOf = (t: string) =>
    decodeAbiParameters(parseAbiParameters('address'), t as Hex)[0].toLowerCase();

  it('decodes every Uniswap v2 Swap with amounts equal to the data words', () => {
    const swaps = withTopic(EVENT_TOPICS.uniswapV2Swap);
    expect(swaps.length).toBe(69);
    for (const row of swaps) {
      const { event } = decodeLog(toLog(row), CTX);
      const [in0, in1, out0, out1] = decodeAbiParameters(
        parseAbiParameters('uint256, uint256, uint256, uint256'),
        row.data as Hex,
      );
      expect(event?.type).toBe('swap');
      if (event?.type !== 'swap') continue;
      expect(event.protocol).toBe('uniswap-v2');
      expect(event.contract).toBe(row.address);
      expect(event.position).toBe(`log:${row.log_index}`);
      expect(event.account).toBe(addressOf(row.topics[1]!));
      expect(event.recipient).toBe(addressOf(row.topics[2]!));
      // Real router swaps have exactly one input side and the output on the other side.
      expect(event.tokenInIndex).not.toBeNull();
      expect(event.amountIn).toBe(event.tokenInIndex === 0 ? in0 : in1);
      expect(event.amountOut).toBe(event.tokenInIndex === 0 ? out1 : out0);
      expect(event.amountIn > 0n && event.amountOut > 0n).toBe(true);
    }
  });

  it('decodes every Uniswap v3 Swap with amounts equal to the signed data words', () => {
    const swaps = withTopic(EVENT_TOPICS.uniswapV3Swap);
    expect(swaps.length).toBe(10);
    for (const row of swaps) {
      const { event } = decodeLog(toLog(row), CTX);
      const [amount0, amount1] = decodeAbiParameters(
        parseAbiParameters('int256, int256, uint160, uint128, int24'),
        row.data as Hex,
      );
      expect(event?.type).toBe('swap');
      if (event?.type !== 'swap') continue;
      expect(event.protocol).toBe('uniswap-v3');
      expect(event.account).toBe(addressOf(row.topics[1]!));
      expect(event.recipient).toBe(addressOf(row.topics[2]!));
      const [inAmount, outAmount] = amount0 > 0n ? [amount0, -amount1] : [amount1, -amount0];
      expect(event.tokenInIndex).toBe(amount0 > 0n ? 0 : 1);
      expect(event.amountIn).toBe(inAmount);
      expect(event.amountOut).toBe(outAmount);
      expect(event.amountOut >= 0n).toBe(true);
    }
  });

  it('decodes every WETH Deposit / Withdrawal with the data word as amount', () => {
    for (const [t, type, count] of [
      [EVENT_TOPICS.wethDeposit, 'wrap', 30],
      [EVENT_TOPICS.wethWithdrawal, 'unwrap', 31],
    ] as const) {
      const logs = withTopic(t);
      expect(logs.length).toBe(count);
      for (const row of logs) {
        const { event } = decodeLog(toLog(row), CTX);
        const [wad] = decodeAbiParameters(parseAbiParameters('uint256'), row.data as Hex);
        expect(event).toMatchObject({
          type,
          contract: WETH,
          account: addressOf(row.topics[1]!),
          amount: wad,
        });
        // Without WETH in the context the same logs mean nothing.
        expect(decodeLog(toLog(row), EMPTY_CTX)).toEqual({});
      }
    }
  });

  it('yields exactly one result per recognised log and nothing for the others', () => {
    const known = new Set<string>(Object.values(EVENT_TOPICS));
    let transfers = 0;
    let events = 0;
    for (const row of rows) {
      const decoded = decodeLog(toLog(row), CTX);
      if (decoded.transfer) transfers += 1;
      if (decoded.event) events += 1;
      if (!known.has(row.topics[0] ?? '')) expect(decoded).toEqual({});
    }
    expect(transfers).toBe(291);
    expect(events).toBe(69 + 10 + 30 + 31);
  });
});

describe('decodeLog: a token issuer freezing an address', () => {
  // Tether's USDT on Ethereum (its own address as the emitter; the log itself is synthetic).
  const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';

  it('reads USDT AddedBlackList with the address as data, and the indexed form, as freeze', () => {
    const asData = log({
      address: USDT,
      data: encodeAbiParameters(parseAbiParameters('address'), [A]),
      topics: [EVENT_TOPICS.usdtAddedBlackList],
    });
    expect(decodeLog(asData, EMPTY_CTX).event).toMatchObject({
      type: 'freeze',
      contract: USDT,
      account: A,
      position: 'log:7',
    });
    const indexed = log({ address: USDT, topics: [EVENT_TOPICS.usdtAddedBlackList, topic(A)] });
    expect(decodeLog(indexed, EMPTY_CTX).event).toMatchObject({ type: 'freeze', account: A });
    const lifted = log({ address: USDT, topics: [EVENT_TOPICS.usdtRemovedBlackList, topic(A)] });
    expect(decodeLog(lifted, EMPTY_CTX).event).toMatchObject({ type: 'unfreeze', account: A });
  });

  it('reads USDC Blacklisted / UnBlacklisted, and nothing from a wrong shape', () => {
    const frozen = log({
      topics: encodeEventTopics({
        abi: [USDC_BLACKLISTED_EVENT],
        args: { _account: B },
      }) as string[],
    });
    expect(decodeLog(frozen, EMPTY_CTX).event).toMatchObject({ type: 'freeze', account: B });
    expect(
      decodeLog({ ...frozen, topics: [EVENT_TOPICS.usdcUnBlacklisted, topic(B)] }, EMPTY_CTX).event,
    ).toMatchObject({ type: 'unfreeze', account: B });
    // Both an indexed address and data, or neither: not a freeze.
    expect(decodeLog({ ...frozen, data: `0x${word(B)}` }, EMPTY_CTX)).toEqual({});
    expect(decodeLog({ ...frozen, topics: [EVENT_TOPICS.usdcBlacklisted] }, EMPTY_CTX)).toEqual({});
  });
});
