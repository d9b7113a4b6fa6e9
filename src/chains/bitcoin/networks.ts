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
 * Hash of block 0 of each chain: how a node's or Esplora's chain is told (the same question for
 * every endpoint, and one that tells testnet3 from testnet4 and signet, which share its address
 * forms but are other chains): the genesis blocks of mainnet, testnet3 and regtest (Bitcoin Core's chainparams.cpp; the same,
 * byte-reversed, in bcoin's lib/protocol/networks.js).
 */
export const GENESIS_HASHES: Readonly<Record<string, string>> = {
  '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f': 'bitcoin',
  '000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943': 'bitcoin-testnet',
  '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206': 'bitcoin-regtest',
};

/**
 * The chain whose block 0 is `genesisHash`, checked against the one asked for (`--chain`).
 *
 * @example
 * chainOfGenesis('000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f', undefined).key; // 'bitcoin'
 */
export function chainOfGenesis(genesisHash: string, asked: string | undefined): Chain {
  const served = GENESIS_HASHES[genesisHash];
  if (served === undefined)
    throw new UserError(
      `The endpoint's block 0 is ${genesisHash}, of no Bitcoin chain chaintrail has`,
      {
        code: 'CHAIN_MISMATCH',
        details: 'Supported: bitcoin (mainnet), bitcoin-testnet (testnet3), bitcoin-regtest.',
      },
    );
  const chain = getChain(served);
  if (asked !== undefined && getChain(asked).key !== chain.key)
    throw new UserError(`The node serves ${chain.key}, not ${getChain(asked).key}`, {
      code: 'CHAIN_MISMATCH',
    });
  return chain;
}
