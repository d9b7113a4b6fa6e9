import { UserError } from '../../errors/base.ts';
import type { Chain } from '../../model/chains.ts';

/**
 * The block ids of the public Tron networks' genesis blocks (`getblockbynum {"num":0}` →
 * `blockID`), as StreamingFast's chain registry (Firehose for Tron) and other open-source Tron
 * clients' network guards record them, checked against each other.
 */
export const TRON_GENESIS_IDS = {
  mainnet: '00000000000000001ebf88508a03865c71d452e25f4d51194196a1d22b6653dc',
  nile: '0000000000000000d698d4192c56cb6be724a558448e2684802de4d6cd8690dc',
  shasta: '0000000000000000de1aa88295e1fcf982742f773e0419c5a9c134c994a9059e',
} as const;

/** The public network a genesis block id is, or null for another chain (a local test chain). */
export function tronNetworkOf(genesisId: string): keyof typeof TRON_GENESIS_IDS | null {
  for (const [network, id] of Object.entries(TRON_GENESIS_IDS))
    if (id === genesisId.toLowerCase()) return network as keyof typeof TRON_GENESIS_IDS;
  return null;
}

/**
 * Checks that a node serves the chain it is synced as: `tron` is mainnet only; `tron-test`, the
 * simulator's local chain, is none of the public networks (a testnet's rows under either key
 * would mix with mainnet's labels, or pass simulated data off as real). Throws `CHAIN_MISMATCH`.
 *
 * @example
 * checkTronNetwork(getChain('tron'), TRON_GENESIS_IDS.nile); // throws: the node serves Nile
 */
export function checkTronNetwork(chain: Chain, genesisId: string): void {
  const network = tronNetworkOf(genesisId);
  if (chain.key === 'tron' && network !== 'mainnet')
    throw new UserError(
      `The node does not serve Tron mainnet: its genesis block is ${network ? `Tron's ${network} testnet's` : `another chain's (${genesisId})`}`,
      {
        code: 'CHAIN_MISMATCH',
        details:
          network === null
            ? 'a local test chain (chaintrail simulate --tron) is synced with --chain tron-test'
            : 'chaintrail keeps only mainnet under the chain key tron; testnets are not supported',
      },
    );
  if (chain.key !== 'tron' && network !== null)
    throw new UserError(
      `The node serves Tron's ${network}, not the local test chain ${chain.key}${network === 'mainnet' ? ': sync it with --chain tron' : ' (testnets are not supported)'}`,
      { code: 'CHAIN_MISMATCH' },
    );
}
