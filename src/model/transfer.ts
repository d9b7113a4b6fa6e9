/**
 * How value moved:
 * - `native`: the value of a top-level transaction (EVM) or a native transfer (Tron);
 * - `internal`: a value-carrying internal call (EVM traces), including contract creation and selfdestruct;
 * - `token`: a token transfer event (ERC-20 / TRC-20 `Transfer`);
 * - `utxo_in`: a UTXO spent by a transaction (`from` = the spent output's address, `to` null);
 * - `utxo_out`: an output created by a transaction (`from` null, `to` = the output's address);
 * - `fee`: gas paid by the sender, failed transactions included: `fee:tip` to the block's producer,
 *   `fee:burn` (EIP-1559 base fee) to no one (`to` null).
 */
export type TransferKind = 'native' | 'internal' | 'token' | 'utxo_in' | 'utxo_out' | 'fee';

/** Every transfer kind, in a stable order (CLI help, validation). */
export const TRANSFER_KINDS: readonly TransferKind[] = [
  'native',
  'internal',
  'token',
  'utxo_in',
  'utxo_out',
  'fee',
];

/**
 * One movement of value. Addresses and assets are in their chain's canonical stored form.
 * Natural key: `chain` + `txHash` + `position`; storing the same key twice keeps one row.
 *
 * `position` is unique within a transaction and says where the movement comes from:
 * `log:<logIndex>` (token events), `call:` (the transaction's own value), `call:<traceAddress>`
 * (internal calls, e.g. `call:0.2`), `in:<index>` / `out:<index>` (UTXO), `row:<id>` (imported lists
 * that carry no position of their own).
 *
 * @example
 * const t: Transfer = {
 *   chain: 'ethereum', blockNumber: 483920n, blockTime: null, txHash: '0x04cb…', position: 'log:0',
 *   from: '0x1b63…', to: '0xac4d…', asset: '0xf4ec…', amount: 100000n, kind: 'token',
 * };
 */
export type Transfer = {
  chain: string;
  blockNumber: bigint;
  /** Block time in Unix seconds, or null when the source does not say. */
  blockTime: number | null;
  txHash: string;
  position: string;
  from: string | null;
  to: string | null;
  asset: string;
  /** Raw integer units of `asset`. */
  amount: bigint;
  kind: TransferKind;
};

/**
 * Position of an EVM log: `log:<logIndex>`.
 *
 * @example
 * logPosition(3); // 'log:3'
 */
export function logPosition(logIndex: number | bigint): string {
  return `log:${logIndex}`;
}

/**
 * Position of an EVM call: the transaction's own value is `call:`; an internal call is
 * `call:<trace address joined by dots>`. A transaction's top-level trace and its native value
 * therefore share one key, so importing both never counts the value twice.
 *
 * @example
 * callPosition([]); // 'call:'
 * callPosition([0, 2]); // 'call:0.2'
 */
export function callPosition(traceAddress: readonly number[]): string {
  return `call:${traceAddress.join('.')}`;
}

/**
 * Position of a transaction's gas fee: `fee:tip` (to the block producer) or `fee:burn` (burnt base fee).
 *
 * @example
 * feePosition('burn'); // 'fee:burn'
 */
export function feePosition(part: 'tip' | 'burn'): string {
  return `fee:${part}`;
}
