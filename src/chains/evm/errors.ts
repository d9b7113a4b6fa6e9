import { UserError } from '../../errors/base.ts';

/** The node cannot trace a block because it no longer has the state before it (a pruned, non-archive node). */
export class NodeNotArchiveError extends UserError {
  override name = 'NodeNotArchiveError';
  constructor(blockNumber: bigint) {
    super(
      `The node lacks historical state for block ${blockNumber}, so it cannot trace its internal transfers: sync from an archive node, or pass --no-internal to skip internal transfers`,
      { code: 'NODE_NOT_ARCHIVE' },
    );
  }
}
