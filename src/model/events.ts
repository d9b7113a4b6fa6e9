/**
 * Typed on-chain events the trace engine needs beyond plain transfers. Each is keyed like a transfer
 * (`chain` + `txHash` + `position`, position being `log:<index>` for EVM logs).
 */
type EventBase = {
  chain: string;
  blockNumber: bigint;
  blockTime: number | null;
  txHash: string;
  position: string;
  /** Emitting contract (canonical address). */
  contract: string;
};

/** An AMM swap: `account` gave `amountIn` of `assetIn` to `contract` and `recipient` received `amountOut` of `assetOut`. */
export type SwapEvent = EventBase & {
  type: 'swap';
  protocol: 'uniswap-v2' | 'uniswap-v3';
  account: string | null;
  recipient: string | null;
  assetIn: string | null;
  amountIn: bigint;
  assetOut: string | null;
  amountOut: bigint;
  /**
   * Which pool token went in, when the log says so only by index (Uniswap v2/v3 `Swap` name no token
   * addresses): 0 = the pool's token0 went in and token1 came out, 1 = the reverse, null = the log is
   * ambiguous (e.g. a v2 flash swap with input on both sides). Absent when `assetIn`/`assetOut` are known.
   */
  tokenInIndex?: 0 | 1 | null;
};

/** Wrapping the native coin into its token form (WETH `Deposit`) or back (`Withdrawal`). */
export type WrapEvent = EventBase & {
  type: 'wrap' | 'unwrap';
  account: string;
  /** Raw units; the native coin and its wrapped token have the same decimals. */
  amount: bigint;
};

/** Funds leaving for another chain (e.g. THORChain router `Deposit` with memo `=:BTC.BTC:<addr>`). */
export type BridgeDepositEvent = EventBase & {
  type: 'bridge_deposit';
  protocol: string;
  account: string | null;
  asset: string;
  amount: bigint;
  memo: string | null;
  /** Destination vault or recipient on this chain, when the event names one. */
  counterparty: string | null;
};

/** Funds arriving from another chain (e.g. THORChain router `TransferOut`, memo `OUT:<hash>`). */
export type BridgeWithdrawalEvent = EventBase & {
  type: 'bridge_withdrawal';
  protocol: string;
  account: string | null;
  asset: string;
  amount: bigint;
  memo: string | null;
  counterparty: string | null;
};

/**
 * A token issuer freezing an address (USDT `AddedBlackList`, USDC `Blacklisted`) or lifting the
 * freeze: while frozen, the address cannot send the token (`contract`).
 */
export type FreezeEvent = EventBase & {
  type: 'freeze' | 'unfreeze';
  account: string;
};

/**
 * Any typed event.
 *
 * @example
 * if (event.type === 'swap') console.log(event.amountIn, event.amountOut);
 */
export type ChainEvent =
  SwapEvent | WrapEvent | BridgeDepositEvent | BridgeWithdrawalEvent | FreezeEvent;

/** The `type` tag of a typed event. */
export type ChainEventType = ChainEvent['type'];
