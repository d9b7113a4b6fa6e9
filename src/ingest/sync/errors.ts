import { BaseError, RetryableError } from '../../errors/base.ts';

/** A reorganisation reaches below every stored block the sync may compare (REORG_SEARCH_DEPTH). */
export class ReorgTooDeepError extends BaseError {
  override name = 'ReorgTooDeepError';
  constructor(blockNumber: bigint, depth: number) {
    super(`Chain reorganisation at block ${blockNumber} reaches deeper than ${depth} blocks`, {
      code: 'REORG_TOO_DEEP',
      details:
        'No stored block in that range matches the node. Nothing was changed; check that --rpc serves the same chain.',
    });
  }
}

/**
 * The node kept changing the blocks of a batch while they were being fetched. Thrown by a family's
 * source (`fetchBlocks`); the sync loop tolerates it in follow mode.
 */
export class UnstableChainError extends RetryableError {
  override name = 'UnstableChainError';
  constructor(fromBlock: bigint) {
    super(`Blocks from ${fromBlock} kept changing while they were fetched`, {
      code: 'CHAIN_UNSTABLE',
    });
  }
}
