/**
 * Decodes one EVM log into what the trace engine needs: a token {@link Transfer} (ERC-20 / ERC-721
 * `Transfer`) and/or a typed {@link ChainEvent} (WETH wrap/unwrap, Uniswap v2/v3 swaps, THORChain
 * router deposits and transfers out).
 *
 * Token transfers follow ethereum-etl's `EthTokenTransferExtractor` exactly, so importing raw logs and
 * importing ethereum-etl's `token_transfers` export give the same rows:
 * - topic0 is compared case-insensitively with the `Transfer(address,address,uint256)` selector;
 * - the topics plus the data split into 32-byte words (a trailing partial word counts as a word) must
 *   total exactly 4, otherwise the log is not a transfer;
 * - from = word 1, to = word 2 (the last 20 bytes of the word, upper bytes ignored), value = word 3.
 *   ERC-721 transfers (tokenId indexed: 4 topics, no data) therefore count too, with the token id as
 *   `amount`, as in ethereum-etl.
 *
 * A log whose topic0 is known but whose shape is wrong (topic count, data length, undecodable data) is
 * not an error: it yields `{}`, as ethereum-etl skips such "weird events".
 *
 * Event selectors come from viem (`parseAbiItem` + `toEventSelector`) and data is decoded with viem's
 * `decodeAbiParameters`. Indexed address topics are sliced directly (lowercase, no checksum):
 * viem's `decodeEventLog` checksums every address (one Keccak-256 each) and is about ten times slower.
 */
import {
  decodeAbiParameters,
  parseAbiItem,
  toEventSelector,
  type AbiEvent,
  type AbiParameter,
  type Hex,
} from 'viem';

import { NATIVE_ASSET } from '../../model/asset.ts';
import type {
  BridgeDepositEvent,
  BridgeWithdrawalEvent,
  ChainEvent,
  SwapEvent,
  WrapEvent,
  FreezeEvent,
} from '../../model/events.ts';
import { logPosition, type Transfer } from '../../model/transfer.ts';

/**
 * One EVM log as read from a node or an ethereum-etl export. `address` and topics may be in any case.
 *
 * @example
 * const log: EvmLog = {
 *   chain: 'ethereum', blockNumber: 483920n, blockTime: null, txHash: '0x04cb…', logIndex: 0,
 *   address: '0xf4eced2f682ce333f96f2d8966c613ded8fc95dd', data: '0x…0186a0', topics: ['0xddf252ad…', '0x…', '0x…'],
 * };
 */
export type EvmLog = {
  chain: string;
  blockNumber: bigint;
  /** Block time in Unix seconds, or null when unknown. */
  blockTime: number | null;
  txHash: string;
  logIndex: number;
  /** Emitting contract. */
  address: string;
  data: `0x${string}` | string;
  topics: readonly string[];
};

/**
 * Which contracts are trusted for events that only make sense from one contract (all lowercase).
 *
 * @example
 * const ctx: DecodeLogContext = {
 *   wrappedNative: new Set(['0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2']), // WETH
 *   bridgeRouters: new Set(['0xd37bbe5744d730a1d98d8dc97c42f0ca46ad7146']), // THORChain router
 * };
 */
export type DecodeLogContext = {
  /** Wrapped-native contracts (WETH, WBNB…): only their `Deposit`/`Withdrawal` logs are wraps. */
  wrappedNative: ReadonlySet<string>;
  /** THORChain router contracts: only their `Deposit`/`TransferOut` logs are bridge events. */
  bridgeRouters: ReadonlySet<string>;
};

/**
 * What a log means: at most one transfer and at most one event; `{}` when the log is not understood.
 *
 * @example
 * const { transfer, event } = decodeLog(log, ctx);
 * if (transfer) store.addTransfer(transfer);
 */
export type DecodedLog = { transfer?: Transfer; event?: ChainEvent };

/**
 * ERC-20 / ERC-721 `Transfer` (same selector for both).
 *
 * @example
 * toEventSelector(TRANSFER_EVENT); // '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef'
 */
export const TRANSFER_EVENT = parseAbiItem(
  'event Transfer(address indexed from, address indexed to, uint256 value)',
);

/**
 * WETH9 `Deposit` (wrapping).
 *
 * @example
 * toEventSelector(WETH_DEPOSIT_EVENT); // '0xe1fffcc4923d04b559f4d29a8bfc6cda04eb5b0d3c460751c2402c5c5cc9109c'
 */
export const WETH_DEPOSIT_EVENT = parseAbiItem('event Deposit(address indexed dst, uint256 wad)');

/**
 * WETH9 `Withdrawal` (unwrapping).
 *
 * @example
 * toEventSelector(WETH_WITHDRAWAL_EVENT); // '0x7fcf532c15f0a6db0bd6d0e038bea71d30d808c7d98cb3bf7268a95bf5081b65'
 */
export const WETH_WITHDRAWAL_EVENT = parseAbiItem(
  'event Withdrawal(address indexed src, uint256 wad)',
);

/**
 * Uniswap v2 pair `Swap` (also emitted by every v2 fork: SushiSwap, PancakeSwap v2…).
 *
 * @example
 * toEventSelector(UNISWAP_V2_SWAP_EVENT); // '0xd78ad95fa46c994b6551d0da85fc275fe613ce37657fb8d5e3d130840159d822'
 */
export const UNISWAP_V2_SWAP_EVENT = parseAbiItem(
  'event Swap(address indexed sender, uint256 amount0In, uint256 amount1In, uint256 amount0Out, uint256 amount1Out, address indexed to)',
);

/**
 * Uniswap v3 pool `Swap` (also emitted by v3 forks).
 *
 * @example
 * toEventSelector(UNISWAP_V3_SWAP_EVENT); // '0xc42079f94a6350d7e6235f29174924f928cc2ac818eb64fed8004e115fbcca67'
 */
export const UNISWAP_V3_SWAP_EVENT = parseAbiItem(
  'event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)',
);

/**
 * THORChain router `Deposit`: funds sent to a THORChain vault, the memo says what to do
 * (e.g. `=:BTC.BTC:bc1q…`). `asset` is the zero address for the native coin.
 *
 * @example
 * toEventSelector(THORCHAIN_DEPOSIT_EVENT); // '0xef519b7eb82aaf6ac376a6df2d793843ebfd593de5f1a0601d3cc6ab49ebb395'
 */
export const THORCHAIN_DEPOSIT_EVENT = parseAbiItem(
  'event Deposit(address indexed to, address indexed asset, uint256 amount, string memo)',
);

/**
 * THORChain router `TransferOut`: a vault paying out on this chain (memo `OUT:<inbound hash>`).
 *
 * @example
 * toEventSelector(THORCHAIN_TRANSFER_OUT_EVENT); // '0xa9cd03aa3c1b4515114539cd53d22085129d495cb9e9f9af77864526240f1bf7'
 */
export const THORCHAIN_TRANSFER_OUT_EVENT = parseAbiItem(
  'event TransferOut(address indexed vault, address indexed to, address asset, uint256 amount, string memo)',
);

/**
 * Tether's freeze and unfreeze of an address (USDT on Ethereum logs the address as data; the
 * simulator's stablecoin indexes it: the selector is the same).
 *
 * @example
 * toEventSelector(USDT_ADDED_BLACKLIST_EVENT);
 */
export const USDT_ADDED_BLACKLIST_EVENT = parseAbiItem('event AddedBlackList(address _user)');
export const USDT_REMOVED_BLACKLIST_EVENT = parseAbiItem('event RemovedBlackList(address _user)');
/**
 * Circle's freeze and unfreeze of an address (USDC's FiatToken).
 *
 * @example
 * toEventSelector(USDC_BLACKLISTED_EVENT);
 */
export const USDC_BLACKLISTED_EVENT = parseAbiItem('event Blacklisted(address indexed _account)');
export const USDC_UNBLACKLISTED_EVENT = parseAbiItem(
  'event UnBlacklisted(address indexed _account)',
);

/**
 * topic0 of every event {@link decodeLog} understands (lowercase).
 *
 * @example
 * log.topics[0]?.toLowerCase() === EVENT_TOPICS.transfer; // an ERC-20/721 Transfer
 */
export const EVENT_TOPICS = {
  transfer: toEventSelector(TRANSFER_EVENT),
  wethDeposit: toEventSelector(WETH_DEPOSIT_EVENT),
  wethWithdrawal: toEventSelector(WETH_WITHDRAWAL_EVENT),
  uniswapV2Swap: toEventSelector(UNISWAP_V2_SWAP_EVENT),
  uniswapV3Swap: toEventSelector(UNISWAP_V3_SWAP_EVENT),
  thorchainDeposit: toEventSelector(THORCHAIN_DEPOSIT_EVENT),
  thorchainTransferOut: toEventSelector(THORCHAIN_TRANSFER_OUT_EVENT),
  usdtAddedBlackList: toEventSelector(USDT_ADDED_BLACKLIST_EVENT),
  usdtRemovedBlackList: toEventSelector(USDT_REMOVED_BLACKLIST_EVENT),
  usdcBlacklisted: toEventSelector(USDC_BLACKLISTED_EVENT),
  usdcUnBlacklisted: toEventSelector(USDC_UNBLACKLISTED_EVENT),
} as const;

const T = EVENT_TOPICS;

function dataParams(event: AbiEvent): readonly AbiParameter[] {
  return event.inputs.filter((input) => !input.indexed);
}

const WETH_DATA = dataParams(WETH_DEPOSIT_EVENT);
const V2_DATA = dataParams(UNISWAP_V2_SWAP_EVENT);
const V3_DATA = dataParams(UNISWAP_V3_SWAP_EVENT);
const THOR_DEPOSIT_DATA = dataParams(THORCHAIN_DEPOSIT_EVENT);
const THOR_TRANSFER_OUT_DATA = dataParams(THORCHAIN_TRANSFER_OUT_EVENT);

const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';
const WORD_HEX = 64;
/** A 32-byte topic: `0x` + 64 hex digits. */
const TOPIC_RE = /^0x[0-9a-fA-F]{64}$/;
/** Hex digits only (ethereum-etl tolerates odd lengths and partial words). */
const HEX_BODY_RE = /^[0-9a-fA-F]*$/;
/** Whole bytes of hex after `0x`, as ABI decoding needs. */
const HEX_BYTES_RE = /^0x(?:[0-9a-fA-F]{2})*$/;

/**
 * Decodes one log. Never throws for unexpected log shapes: anything not understood gives `{}`.
 *
 * - `Transfer` (any contract): `transfer` of kind `token`, asset = the emitting contract.
 * - WETH `Deposit`/`Withdrawal` from a contract in `ctx.wrappedNative`: a `wrap`/`unwrap` event.
 * - Uniswap v2/v3 `Swap` (any contract): a `swap` event; token addresses are not in the log, so
 *   `assetIn`/`assetOut` are null and `tokenInIndex` says which pool token went in.
 * - THORChain `Deposit`/`TransferOut` from a contract in `ctx.bridgeRouters`: `bridge_deposit` /
 *   `bridge_withdrawal`.
 * - A token issuer's `AddedBlackList`/`RemovedBlackList` (USDT; the address indexed or as data) or
 *   `Blacklisted`/`UnBlacklisted` (USDC): `freeze` / `unfreeze` of that address for the token.
 *
 * @example
 * const { transfer } = decodeLog(
 *   {
 *     chain: 'ethereum', blockNumber: 483920n, blockTime: null, logIndex: 0,
 *     txHash: '0x04cbcb236043d8fb7839e07bbc7f5eed692fb2ca55d897f1101eac3e3ad4fab8',
 *     address: '0xf4eced2f682ce333f96f2d8966c613ded8fc95dd',
 *     data: '0x00000000000000000000000000000000000000000000000000000000000186a0',
 *     topics: [
 *       '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef',
 *       '0x0000000000000000000000001b63142628311395ceafeea5667e7c9026c862ca',
 *       '0x000000000000000000000000ac4df82fe37ea2187bc8c011a23d743b4f39019a',
 *     ],
 *   },
 *   { wrappedNative: new Set(), bridgeRouters: new Set() },
 * );
 * // transfer: { kind: 'token', position: 'log:0', amount: 100000n,
 * //   from: '0x1b63142628311395ceafeea5667e7c9026c862ca', to: '0xac4df82fe37ea2187bc8c011a23d743b4f39019a', … }
 */
export function decodeLog(log: EvmLog, ctx: DecodeLogContext): DecodedLog {
  const topics = log.topics;
  const topic0 = topics[0];
  if (topic0 === undefined) return {};
  switch (topic0.toLowerCase()) {
    case T.transfer: {
      const transfer = decodeTransfer(log);
      return transfer ? { transfer } : {};
    }
    case T.wethDeposit:
      return withEvent(decodeWrap(log, ctx, 'wrap'));
    case T.wethWithdrawal:
      return withEvent(decodeWrap(log, ctx, 'unwrap'));
    case T.uniswapV2Swap:
      return withEvent(decodeV2Swap(log));
    case T.uniswapV3Swap:
      return withEvent(decodeV3Swap(log));
    case T.thorchainDeposit:
      return withEvent(decodeThorDeposit(log, ctx));
    case T.thorchainTransferOut:
      return withEvent(decodeThorTransferOut(log, ctx));
    case T.usdtAddedBlackList:
    case T.usdcBlacklisted:
      return withEvent(decodeFreeze(log, 'freeze'));
    case T.usdtRemovedBlackList:
    case T.usdcUnBlacklisted:
      return withEvent(decodeFreeze(log, 'unfreeze'));
    default:
      return {};
  }
}

function withEvent(event: ChainEvent | undefined): DecodedLog {
  return event ? { event } : {};
}

/** `0x` + the last 40 hex digits of a word (with or without `0x`), lowercase; undefined if not hex. */
function wordToAddress(word: string): string | undefined {
  const body = word.startsWith('0x') || word.startsWith('0X') ? word.slice(2) : word;
  if (body.length < 40 || !HEX_BODY_RE.test(body)) return undefined;
  return `0x${body.slice(-40).toLowerCase()}`;
}

function wordToUint(word: string): bigint | undefined {
  const body = word.startsWith('0x') || word.startsWith('0X') ? word.slice(2) : word;
  if (body.length === 0 || !HEX_BODY_RE.test(body)) return undefined;
  return BigInt(`0x${body}`);
}

/** ethereum-etl `EthTokenTransferExtractor.extract_transfer_from_log`. */
function decodeTransfer(log: EvmLog): Transfer | undefined {
  const data = typeof log.data === 'string' ? log.data : '';
  // ethereum-etl: split_to_words returns [] unless len(data) > 2, then chunks data[2:] by 64 chars.
  const body = data.length > 2 ? data.slice(2) : '';
  if (body.length > 0 && (!data.startsWith('0x') || !HEX_BODY_RE.test(body))) return undefined;
  const wordCount = Math.ceil(body.length / WORD_HEX);
  if (log.topics.length + wordCount !== 4) return undefined;
  const words: string[] = log.topics.slice(1);
  for (let i = 0; i < body.length; i += WORD_HEX) words.push(body.slice(i, i + WORD_HEX));
  const from = wordToAddress(words[0] ?? '');
  const to = wordToAddress(words[1] ?? '');
  const value = wordToUint(words[2] ?? '');
  if (from === undefined || to === undefined || value === undefined) return undefined;
  const token = log.address.toLowerCase();
  return {
    chain: log.chain,
    blockNumber: log.blockNumber,
    blockTime: log.blockTime,
    txHash: log.txHash,
    position: logPosition(log.logIndex),
    from,
    to,
    asset: token,
    amount: value,
    kind: 'token',
  };
}

/** Topics are well-formed 32-byte words and there are exactly `count` of them. */
function topicsOk(log: EvmLog, count: number): boolean {
  if (log.topics.length !== count) return false;
  for (const topic of log.topics) if (!TOPIC_RE.test(topic)) return false;
  return true;
}

/** Data is whole bytes; `exactWords` when all fields are static, else at least `minWords`. */
function dataOk(data: string, words: number, exact: boolean): data is Hex {
  if (!HEX_BYTES_RE.test(data)) return false;
  const bytes = (data.length - 2) / 2;
  return exact ? bytes === words * 32 : bytes >= words * 32 && bytes % 32 === 0;
}

function decodeData(params: readonly AbiParameter[], data: Hex): readonly unknown[] | undefined {
  try {
    return decodeAbiParameters(params, data) as readonly unknown[];
  } catch {
    return undefined;
  }
}

function base(log: EvmLog, contract: string) {
  return {
    chain: log.chain,
    blockNumber: log.blockNumber,
    blockTime: log.blockTime,
    txHash: log.txHash,
    position: logPosition(log.logIndex),
    contract,
  };
}

function decodeWrap(
  log: EvmLog,
  ctx: DecodeLogContext,
  type: 'wrap' | 'unwrap',
): WrapEvent | undefined {
  const contract = log.address.toLowerCase();
  if (!ctx.wrappedNative.has(contract)) return undefined;
  if (!topicsOk(log, 2) || !dataOk(log.data, 1, true)) return undefined;
  const account = wordToAddress(log.topics[1] as string);
  const decoded = decodeData(WETH_DATA, log.data as Hex);
  if (account === undefined || decoded === undefined) return undefined;
  return { ...base(log, contract), type, account, amount: decoded[0] as bigint };
}

/** The frozen address: the one indexed topic, or the one data word. */
function decodeFreeze(log: EvmLog, type: 'freeze' | 'unfreeze'): FreezeEvent | undefined {
  const contract = log.address.toLowerCase();
  let account: string | undefined;
  if (topicsOk(log, 2) && dataOk(log.data, 0, true)) account = wordToAddress(log.topics[1]!);
  else if (topicsOk(log, 1) && dataOk(log.data, 1, true)) account = wordToAddress(log.data);
  if (account === undefined) return undefined;
  return { ...base(log, contract), type, account };
}

function decodeV2Swap(log: EvmLog): SwapEvent | undefined {
  if (!topicsOk(log, 3) || !dataOk(log.data, 4, true)) return undefined;
  const decoded = decodeData(V2_DATA, log.data as Hex);
  const sender = wordToAddress(log.topics[1] as string);
  const to = wordToAddress(log.topics[2] as string);
  if (decoded === undefined || sender === undefined || to === undefined) return undefined;
  const [in0, in1, out0, out1] = decoded as readonly [bigint, bigint, bigint, bigint];
  // Normal swap: exactly one input side. Both sides in (flash swap) or none: ambiguous.
  const tokenInIndex: 0 | 1 | null = in0 > 0n && in1 === 0n ? 0 : in1 > 0n && in0 === 0n ? 1 : null;
  const amountIn = tokenInIndex === 0 ? in0 : tokenInIndex === 1 ? in1 : in0 !== 0n ? in0 : in1;
  const outs = [out0, out1] as const;
  const opposite = tokenInIndex === null ? 0n : (outs[1 - tokenInIndex] as bigint);
  const amountOut = opposite !== 0n ? opposite : out0 !== 0n ? out0 : out1;
  return {
    ...base(log, log.address.toLowerCase()),
    type: 'swap',
    protocol: 'uniswap-v2',
    account: sender,
    recipient: to,
    assetIn: null,
    amountIn,
    assetOut: null,
    amountOut,
    tokenInIndex,
  };
}

function decodeV3Swap(log: EvmLog): SwapEvent | undefined {
  if (!topicsOk(log, 3) || !dataOk(log.data, 5, true)) return undefined;
  const decoded = decodeData(V3_DATA, log.data as Hex);
  const sender = wordToAddress(log.topics[1] as string);
  const recipient = wordToAddress(log.topics[2] as string);
  if (decoded === undefined || sender === undefined || recipient === undefined) return undefined;
  const [amount0, amount1] = decoded as readonly [bigint, bigint];
  // Pool's view: positive = paid into the pool, negative = paid out of it.
  const tokenInIndex: 0 | 1 | null =
    amount0 > 0n && amount1 <= 0n ? 0 : amount1 > 0n && amount0 <= 0n ? 1 : null;
  const amountIn = amount0 > 0n ? amount0 : amount1 > 0n ? amount1 : 0n;
  const amountOut = amount0 < 0n ? -amount0 : amount1 < 0n ? -amount1 : 0n;
  return {
    ...base(log, log.address.toLowerCase()),
    type: 'swap',
    protocol: 'uniswap-v3',
    account: sender,
    recipient,
    assetIn: null,
    amountIn,
    assetOut: null,
    amountOut,
    tokenInIndex,
  };
}

function assetOf(address: string): string {
  return address === ZERO_ADDRESS ? NATIVE_ASSET : address;
}

function decodeThorDeposit(log: EvmLog, ctx: DecodeLogContext): BridgeDepositEvent | undefined {
  const contract = log.address.toLowerCase();
  if (!ctx.bridgeRouters.has(contract)) return undefined;
  // data: amount, memo offset, memo length (+ memo bytes)
  if (!topicsOk(log, 3) || !dataOk(log.data, 3, false)) return undefined;
  const vault = wordToAddress(log.topics[1] as string);
  const asset = wordToAddress(log.topics[2] as string);
  const decoded = decodeData(THOR_DEPOSIT_DATA, log.data as Hex);
  if (vault === undefined || asset === undefined || decoded === undefined) return undefined;
  const [amount, memo] = decoded as readonly [bigint, string];
  return {
    ...base(log, contract),
    type: 'bridge_deposit',
    protocol: 'thorchain',
    // The depositor is msg.sender, which the event does not record (it is the tx sender or a contract).
    account: null,
    asset: assetOf(asset),
    amount,
    memo,
    counterparty: vault,
  };
}

function decodeThorTransferOut(
  log: EvmLog,
  ctx: DecodeLogContext,
): BridgeWithdrawalEvent | undefined {
  const contract = log.address.toLowerCase();
  if (!ctx.bridgeRouters.has(contract)) return undefined;
  // data: asset, amount, memo offset, memo length (+ memo bytes)
  if (!topicsOk(log, 3) || !dataOk(log.data, 4, false)) return undefined;
  const vault = wordToAddress(log.topics[1] as string);
  const to = wordToAddress(log.topics[2] as string);
  const decoded = decodeData(THOR_TRANSFER_OUT_DATA, log.data as Hex);
  if (vault === undefined || to === undefined || decoded === undefined) return undefined;
  const [asset, amount, memo] = decoded as readonly [string, bigint, string];
  return {
    ...base(log, contract),
    type: 'bridge_withdrawal',
    protocol: 'thorchain',
    account: to,
    asset: assetOf(asset.toLowerCase()),
    amount,
    memo,
    counterparty: vault,
  };
}
