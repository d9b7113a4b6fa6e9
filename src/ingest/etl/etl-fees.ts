import { feeTransfers } from '../../chains/evm/fee-transfers.ts';
import type { Transfer } from '../../model/transfer.ts';
import { type EtlReceipt, type EtlRow, mapBlockFeeRow, mapTransactionFeeRow } from './map-rows.ts';

/** What each export must hold for gas fees, by kind: block facts, and gas used with a price. */
const BLOCK_FEE_COLUMNS = ['miner', 'base_fee_per_gas'] as const;

/** The columns of the export files of one import, by kind (files without a header are left out). */
export type EtlColumns = {
  blocks: readonly (readonly string[])[];
  transactions: readonly (readonly string[])[];
  receipts: readonly (readonly string[])[];
};

/**
 * How an import gets its gas fees: from the transactions' own `receipt_*` columns (stream exports),
 * by joining the receipts export (`gas_used`) on the transaction hash, or not at all, with why.
 */
export type EtlFeePlan = { mode: 'inline' | 'receipts' } | { mode: 'none'; missing: string | null };

/**
 * Decides from the exports' columns whether an import can record gas fees. Fees need, for every
 * transaction, its block's `miner` and `base_fee_per_gas` (blocks export) and the gas it used:
 * `receipt_gas_used` in the transactions export, else `gas_used` in a receipts export. `missing`
 * names what is lacking (null when the import has no transactions at all).
 *
 * @example
 * planEtlFees({ blocks: [['number', 'miner', 'base_fee_per_gas']], transactions: [['hash', 'receipt_gas_used']], receipts: [] });
 * // { mode: 'inline' }
 */
export function planEtlFees(columns: EtlColumns): EtlFeePlan {
  if (columns.transactions.length === 0) return { mode: 'none', missing: null };
  const lacking: string[] = [];
  if (columns.blocks.length === 0)
    lacking.push(`a blocks export (${BLOCK_FEE_COLUMNS.join(', ')})`);
  else {
    const absent = BLOCK_FEE_COLUMNS.filter(
      (c) => !columns.blocks.every((cols) => cols.includes(c)),
    );
    if (absent.length) lacking.push(`the blocks export's ${absent.join(', ')} columns`);
  }
  const inline = columns.transactions.every((cols) => cols.includes('receipt_gas_used'));
  const joined =
    columns.receipts.length > 0 && columns.receipts.every((cols) => cols.includes('gas_used'));
  if (!inline && !joined)
    lacking.push(
      "gas used: the transactions export's receipt_gas_used column or a receipts export's gas_used column",
    );
  if (lacking.length > 0) return { mode: 'none', missing: lacking.join('; ') };
  return { mode: inline ? 'inline' : 'receipts' };
}

/** What a fee builder could not price, by cause: warnings at the end of an import. */
export type EtlFeeGaps = { noBlock: number; noReceipt: number; noPrice: number };

/**
 * Builds the gas fee transfers of an ethereum-etl import with {@link feeTransfers}, as the sync does:
 * blocks and receipts are read first (the import's file order), then each transaction row gives its
 * fees. Memory: one entry per block, and per transaction of the receipts export when fees come from
 * it (mode `receipts`: about 120 bytes each, measured with a million receipts; as objects with two
 * bigints they took 205); none per transaction in stream exports.
 *
 * @example
 * const fees = createEtlFees('ethereum', 'inline');
 * fees.addBlock(blockRow);
 * transfers.push(...fees.of(transactionRow));
 */
export function createEtlFees(chain: string, mode: 'inline' | 'receipts') {
  const blocks = new Map<bigint, { miner: string; baseFeePerGas: bigint | null; time: number }>();
  // Receipts by hash, as positions into two number arrays (NaN: no price); values beyond 2^53,
  // which real gas and prices never reach, go to a map of bigints instead.
  const receiptAt = new Map<string, number>();
  const receiptGas: number[] = [];
  const receiptPrice: number[] = [];
  const largeReceipts = new Map<string, { gasUsed: bigint; price: bigint | null }>();
  const safe = (v: bigint) => v <= BigInt(Number.MAX_SAFE_INTEGER);
  const receiptOf = (txHash: string): { gasUsed: bigint; price: bigint | null } | undefined => {
    const at = receiptAt.get(txHash);
    if (at === undefined) return largeReceipts.get(txHash);
    const price = receiptPrice[at]!;
    return { gasUsed: BigInt(receiptGas[at]!), price: Number.isNaN(price) ? null : BigInt(price) };
  };
  const gaps: EtlFeeGaps = { noBlock: 0, noReceipt: 0, noPrice: 0 };
  return {
    gaps,
    /** Keeps a blocks row's miner, base fee and time. */
    addBlock(row: EtlRow): void {
      const b = mapBlockFeeRow(row, chain);
      blocks.set(b.number, { miner: b.miner, baseFeePerGas: b.baseFeePerGas, time: b.time });
    },
    /** Keeps a receipt's gas used and price (mode `receipts` only). */
    addReceipt(receipt: EtlReceipt): void {
      const { txHash, gasUsed, effectiveGasPrice: price } = receipt;
      if (mode !== 'receipts' || gasUsed === null) return;
      if (safe(gasUsed) && (price === null || safe(price))) {
        receiptAt.set(txHash, receiptGas.length);
        receiptGas.push(Number(gasUsed));
        receiptPrice.push(price === null ? NaN : Number(price));
      } else largeReceipts.set(txHash, { gasUsed, price });
    },
    /** The fee transfers of a transactions row; none (counted in `gaps`) when a fact is missing. */
    of(row: EtlRow): Transfer[] {
      const tx = mapTransactionFeeRow(row, chain);
      const block = blocks.get(tx.blockNumber);
      if (!block) {
        gaps.noBlock++;
        return [];
      }
      const receipt = mode === 'receipts' ? receiptOf(tx.txHash) : undefined;
      const gasUsed = tx.gasUsed ?? receipt?.gasUsed ?? null;
      if (gasUsed === null) {
        gaps.noReceipt++;
        return [];
      }
      const gasPrice = tx.effectiveGasPrice ?? receipt?.price ?? tx.gasPrice;
      if (gasPrice === null) {
        gaps.noPrice++;
        return [];
      }
      return feeTransfers({
        chain,
        blockNumber: tx.blockNumber,
        blockTime: tx.blockTime ?? block.time,
        txHash: tx.txHash,
        from: tx.from,
        miner: block.miner,
        baseFeePerGas: block.baseFeePerGas,
        gasUsed,
        gasPrice,
      });
    },
  };
}
