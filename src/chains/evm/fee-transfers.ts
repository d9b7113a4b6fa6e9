import { NATIVE_ASSET } from '../../model/asset.ts';
import { feePosition, type Transfer } from '../../model/transfer.ts';

export type FeeTransfersParameters = {
  chain: string;
  blockNumber: bigint;
  /** Unix seconds, or null when unknown. */
  blockTime: number | null;
  txHash: string;
  /** The transaction's sender, who pays (canonical address). */
  from: string;
  /** The block's producer, who gets the tip (canonical address). */
  miner: string;
  /** The block's EIP-1559 base fee per gas; null before London (nothing is burnt). */
  baseFeePerGas: bigint | null;
  /** Gas the transaction used (its receipt's `gasUsed`). */
  gasUsed: bigint;
  /**
   * Wei per gas it paid: the receipt's `effectiveGasPrice`, else the transaction's `gasPrice` (which
   * nodes report as the effective price for mined transactions).
   */
  gasPrice: bigint;
};

/** The fee transfers of one transaction: a tip and a burn, each left out when zero. */
export type FeeTransfersReturnType = Transfer[];

/**
 * The gas a transaction paid, failed ones included: the EIP-1559 base fee is burnt (`to` null,
 * position `fee:burn`), the rest goes to the block's producer (`fee:tip`). Before London all of it
 * goes to the producer. The sync and the ethereum-etl import both build fees here, so the same
 * transaction gives the same rows from either.
 *
 * @example
 * feeTransfers({ chain: 'ethereum', blockNumber: 17173049n, blockTime: 1683029999, txHash: '0xeb10…',
 *   from: '0xae2f…', miner: '0x1f90…', baseFeePerGas: 80869370967n, gasUsed: 85143n, gasPrice: 80869370967n });
 * // [{ position: 'fee:burn', to: null, amount: 6885460852243281n, kind: 'fee', … }]
 */
export function feeTransfers(parameters: FeeTransfersParameters): FeeTransfersReturnType {
  const { gasUsed, gasPrice: price } = parameters;
  const baseFee = parameters.baseFeePerGas ?? 0n;
  const burn = gasUsed * (baseFee < price ? baseFee : price);
  const tip = gasUsed * price - burn;
  const base = {
    chain: parameters.chain,
    blockNumber: parameters.blockNumber,
    blockTime: parameters.blockTime,
    txHash: parameters.txHash,
    from: parameters.from,
    asset: NATIVE_ASSET,
    kind: 'fee' as const,
  };
  const out: Transfer[] = [];
  if (tip > 0n)
    out.push({ ...base, position: feePosition('tip'), to: parameters.miner, amount: tip });
  if (burn > 0n) out.push({ ...base, position: feePosition('burn'), to: null, amount: burn });
  return out;
}
