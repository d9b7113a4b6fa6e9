import { networks, type Network } from 'bitcoinjs-lib';
import { UserError } from '../../errors/base.ts';
import { type Chain, getChain } from '../../model/chains.ts';

/**
 * The address parameters of a Bitcoin chain (bitcoinjs-lib's, which are Bitcoin Core's
 * chainparams): addresses are always derived from output scripts with these, never taken from what
 * a node prints, so one script is one stored address whichever node or file it came from (bcoin
 * releases before its commit 48f38a4a of 2018-08 print regtest addresses as `rb1…`, Core as
 * `bcrt1…`; chaintrail stores Core's form).
 *
 * @example
 * bitcoinNetworkOf(getChain('bitcoin')).bech32; // 'bc'
 * bitcoinNetworkOf(getChain('bitcoin-regtest')).bech32; // 'bcrt'
 */
export function bitcoinNetworkOf(chain: Chain): Network {
  if (chain.family !== 'bitcoin')
    throw new UserError(`${chain.key} is not a Bitcoin chain`, { code: 'BAD_USAGE' });
  switch (chain.bitcoinNetwork ?? 'mainnet') {
    case 'mainnet':
      return networks.bitcoin;
    case 'testnet':
      return networks.testnet;
    case 'regtest':
      return networks.regtest;
  }
}

/**
 * The chain key of a node's network as `getblockchaininfo` names it: Bitcoin Core says `main`,
 * `test`, `testnet4`, `signet` or `regtest`; bcoin `main`, `test` (its `testnet`), `regtest` or
 * `simnet`. Only the networks chaintrail has a chain for are accepted; testnet4 and signet use
 * testnet's address forms but are other chains, so they are refused rather than mixed into it.
 *
 * @example
 * chainOfBitcoinNetwork('main'); // 'bitcoin'
 */
export function chainOfBitcoinNetwork(name: string): string {
  const key = NODE_NETWORKS[name];
  if (key === undefined)
    throw new UserError(
      `The node serves Bitcoin network "${name}", which chaintrail has no chain for`,
      {
        code: 'CHAIN_MISMATCH',
        details: 'Supported: main (bitcoin), test (bitcoin-testnet), regtest (bitcoin-regtest).',
      },
    );
  return key;
}

const NODE_NETWORKS: Readonly<Record<string, string>> = {
  main: 'bitcoin',
  test: 'bitcoin-testnet',
  testnet: 'bitcoin-testnet',
  regtest: 'bitcoin-regtest',
};

/**
 * Hash of block 0 of each chain, for endpoints that cannot name their network (Esplora): the
 * genesis blocks of mainnet, testnet3 and regtest (Bitcoin Core's chainparams.cpp; the same,
 * byte-reversed, in bcoin's lib/protocol/networks.js).
 */
export const GENESIS_HASHES: Readonly<Record<string, string>> = {
  '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f': 'bitcoin',
  '000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943': 'bitcoin-testnet',
  '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206': 'bitcoin-regtest',
};

/**
 * The chain a node serves, checked against the one asked for (`--chain`), as a {@link Chain}.
 *
 * @example
 * resolveBitcoinChain('bitcoin', undefined).key; // 'bitcoin'
 */
export function resolveBitcoinChain(served: string, asked: string | undefined): Chain {
  const chain = getChain(served);
  if (asked !== undefined && getChain(asked).key !== chain.key)
    throw new UserError(`The node serves ${chain.key}, not ${getChain(asked).key}`, {
      code: 'CHAIN_MISMATCH',
    });
  return chain;
}
