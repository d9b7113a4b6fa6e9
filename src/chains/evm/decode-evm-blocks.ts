import { BaseError } from '../../errors/base.ts';
import type { ChainEvent } from '../../model/events.ts';
import { callPosition, type Transfer } from '../../model/transfer.ts';
import type { Block } from '../../store/store.ts';
import { internalTransfers } from './call-frames.ts';
import { type DecodeLogContext, decodeLog } from './decode-log.ts';
import type { RpcBlock } from './eth-get-block-by-number.ts';
import type { RpcReceipt } from './eth-get-block-receipts.ts';
import { feeTransfers } from './fee-transfers.ts';
import type { BlockTrace } from './trace-block-calls.ts';

/** Blocks as fetched from an EVM node, in order: each with its receipts and (if traced) call trees. */
export type EvmBlocks = {
  numbers: bigint[];
  blocks: RpcBlock[];
  /** Each block's receipts, in any order. */
  receipts: RpcReceipt[][];
  /** Each block's call trees, or null when internal transfers are not traced. */
  traces: BlockTrace[] | null;
};

export type DecodeEvmBlocksParameters = {
  chain: string;
  /** The chain's known contracts, for typed events (see `knownContracts`). */
  decodeContext: DecodeLogContext;
};

export type DecodeEvmBlocksReturnType = {
  blocks: Block[];
  transfers: Transfer[];
  events: ChainEvent[];
};

/**
 * The rows of fetched EVM blocks: per transaction its gas fees, and if it succeeded its native value,
 * the internal transfers of its call tree, and the token transfers and typed events of its logs.
 * A transaction without a receipt is an error (`RPC_MISSING_RECEIPT`), never a silent gap.
 *
 * @example
 * const { transfers } = decodeEvmBlocks(fetched, { chain: 'ethereum', decodeContext: knownContracts('ethereum') });
 */
export function decodeEvmBlocks(
  fetched: EvmBlocks,
  parameters: DecodeEvmBlocksParameters,
): DecodeEvmBlocksReturnType {
  const { chain, decodeContext } = parameters;
  const { numbers, blocks, receipts, traces } = fetched;
  const transfers: Transfer[] = [];
  const events: ChainEvent[] = [];
  const storedBlocks: Block[] = [];
  blocks.forEach((block, b) => {
    const blockNumber = numbers[b]!;
    const blockTime = Number(BigInt(block.timestamp));
    storedBlocks.push({
      chain,
      number: blockNumber,
      hash: block.hash.toLowerCase(),
      parentHash: block.parentHash.toLowerCase(),
      time: blockTime,
    });
    const byHash = new Map(receipts[b]!.map((r) => [r.transactionHash.toLowerCase(), r]));
    block.transactions.forEach((tx, i) => {
      const txHash = tx.hash.toLowerCase();
      const receipt = byHash.get(txHash);
      if (!receipt)
        throw new BaseError(`No receipt for transaction ${txHash} of block ${blockNumber}`, {
          code: 'RPC_MISSING_RECEIPT',
        });
      transfers.push(
        ...feeTransfers({
          chain,
          blockNumber,
          blockTime,
          txHash,
          from: tx.from.toLowerCase(),
          miner: block.miner.toLowerCase(),
          baseFeePerGas: block.baseFeePerGas ? BigInt(block.baseFeePerGas) : null,
          gasUsed: BigInt(receipt.gasUsed),
          gasPrice: BigInt(receipt.effectiveGasPrice ?? tx.gasPrice ?? '0x0'),
        }),
      );
      // Pre-Byzantium receipts have no status; such transactions count as successful.
      if (receipt.status !== undefined && receipt.status !== null && BigInt(receipt.status) === 0n)
        return;
      const value = BigInt(tx.value);
      if (value > 0n) {
        transfers.push({
          chain,
          blockNumber,
          blockTime,
          txHash,
          position: callPosition([]),
          from: tx.from.toLowerCase(),
          to: (tx.to ?? receipt.contractAddress)?.toLowerCase() ?? null,
          asset: 'native',
          amount: value,
          kind: 'native',
        });
      }
      const frame = traces?.[b]?.frames[i];
      if (frame)
        transfers.push(...internalTransfers(frame, { chain, blockNumber, blockTime, txHash }));
      for (const log of receipt.logs) {
        const decoded = decodeLog(
          {
            chain,
            blockNumber,
            blockTime,
            txHash,
            logIndex: Number(BigInt(log.logIndex)),
            address: log.address,
            data: log.data,
            topics: log.topics,
          },
          decodeContext,
        );
        if (decoded.transfer) transfers.push(decoded.transfer);
        if (decoded.event) events.push(decoded.event);
      }
    });
  });
  return { blocks: storedBlocks, transfers, events };
}
