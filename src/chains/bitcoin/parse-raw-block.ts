import { Block } from 'bitcoinjs-lib';
import { UserError } from '../../errors/base.ts';
import { displayHash, fromBitcoinjs } from './parse-transaction.ts';
import type { BitcoinBlock } from './types.ts';

/**
 * A block from its serialisation (`getblock <hash> 0`, or `false` where the node takes only a
 * boolean, as bcoin does), decoded by bitcoinjs-lib. The serialisation has no height: the caller
 * knows which one it asked for.
 *
 * @example
 * const block = parseRawBlock(await getBlock(rpc, hash, false), 50001n);
 */
export function parseRawBlock(hex: string, height: bigint): BitcoinBlock {
  let block: Block;
  try {
    block = Block.fromHex(hex);
  } catch (error) {
    throw new UserError(`Block ${height} cannot be decoded: ${(error as Error).message}`, {
      code: 'RPC_BAD_RESPONSE',
      cause: error,
    });
  }
  return {
    header: {
      number: height,
      hash: block.getId(),
      parentHash: displayHash(block.prevHash ?? new Uint8Array(32)),
      time: block.timestamp,
    },
    transactions: (block.transactions ?? []).map((tx) => fromBitcoinjs(tx)),
  };
}
