import fs from 'node:fs';
import path from 'node:path';
import type { CoinJoinTx } from '../../src/cluster/coinjoin/detect-coinjoin.ts';

/** A real mainnet transaction as the fixtures hold it: txid, block and where it was read. */
export type RealTx = CoinJoinTx & {
  txid: string;
  blockHeight: number | null;
  source: string;
  /** What the source calls it. */
  says: string;
  /** The fee the source recorded, in satoshis (mempool.space answers only). */
  fee?: number;
};

const FIXTURES = path.resolve('test/fixtures/bitcoin-coinjoin');

/**
 * Transactions recorded from mempool.space's API by Am I Exposed's tests (MIT), reduced to their
 * inputs' and outputs' addresses and values (test/fixtures/bitcoin-coinjoin/PROVENANCE.md).
 */
export const MEMPOOL_TXS: readonly RealTx[] = JSON.parse(
  fs.readFileSync(path.join(FIXTURES, 'mempool-space-transactions.json'), 'utf8'),
) as RealTx[];

const BOLTZMANN =
  'Samourai-Wallet/boltzmann-java src/test/java/com/samourai/efficiencyscore/VectorsTest.java (addresses and values); values also in Copexit/am-i-exposed boltzmann-rs/tests/known_txs.rs';

const io = (pairs: [string, number][]) => pairs.map(([address, value]) => ({ address, value }));

/**
 * LaurentMT's Boltzmann test vectors: real mainnet transactions with every input's and output's
 * address and value, in the order the source lists them (not necessarily the chain's).
 */
export const BOLTZMANN_TXS: readonly RealTx[] = [
  {
    txid: 'dcba20fdfe34fe240fa6eacccfb2e58468ba2feafcfff99706145800d09a09a6',
    blockHeight: null,
    source: BOLTZMANN,
    says: 'basic payment: 6 inputs merged into 2 outputs',
    inputs: io([
      ['1QAHGtVG5EXbs1n7BuhyNKr7DGMWQWKHgS', 5300000000],
      ['1DV9k4MzaHSHkhNMxHCjKQuXUwZXPUxEwG', 2020000000],
      ['1NaNy4UwTGrRcvuufHsVWj1KWGEc3PEk9K', 4975000000],
      ['16h7kaoG82k8DFhUgodf4BozYSA5zLNRma', 5000000000],
      ['16boodvrd8PVSGPmtB87PD9XfsJzwaMh3T', 5556000000],
      ['1KVry787zTL42uZinmpyqW9umC4PbKxPCa', 7150000000],
    ]),
    outputs: io([
      ['1ABoCkCDm7RVwzuapb1TALDNaEDSvP91D8', 1000000],
      ['1BPUHdEzaJLz9VBT2d3hivSYEJALHmzrGa', 30000000000],
    ]),
  },
  {
    txid: '8c5feb901f3983b0f28d996f9606d895d75136dbe8d77ed1d6c7340a403a73bf',
    blockHeight: null,
    source: BOLTZMANN,
    says: 'ambiguous 2-input, 2-output transaction',
    inputs: io([
      ['1KHWnqHHx3fQuRwPmwhZGbSYzDbN3SdhoR', 4900000000],
      ['15Z5YJaaNSxeynvr6uW6jQZLwq3n1Hu6RX', 100000000],
    ]),
    outputs: io([
      ['1NKToQ48X5qaMo1ndexWmHKnn6FNNViivq', 4900000000],
      ['15Z5YJaaNSxeynvr6uW6jQZLwq3n1Hu6RX', 100000000],
    ]),
  },
  {
    txid: '8e56317360a548e8ef28ec475878ef70d1371bee3526c017ac22ad61ae5740b8',
    blockHeight: null,
    source: BOLTZMANN,
    says: 'DarkWallet coinjoin (2 participants)',
    inputs: io([
      ['1FJNUgMPRyBx6ahPmsH6jiYZHDWBPEHfU7', 10000000],
      ['1JDHTo412L9RCtuGbYw4MBeL1xn7ZTuzLH', 1380000],
    ]),
    outputs: io([
      ['1JR3x2xNfeFicqJcvzz1gkEhHEewJBb5Zb', 100000],
      ['18JNSFk8eRZcM8RdqLDSgCiipgnfAYsFef', 9850000],
      ['1ALKUqxRb2MeFqomLCqeYwDZK6FvLNnP3H', 100000],
      ['1PA1eHufj8axDWEbYfPtL8HXfA66gTFsFc', 1270000],
    ]),
  },
  {
    txid: '7d588d52d1cece7a18d663c977d6143016b5b326404bbf286bc024d5d54fcecb',
    blockHeight: null,
    source: BOLTZMANN,
    says: 'coinjoin of 4 participants whose makers are paid (JoinMarket shape)',
    inputs: io([
      ['1KMYhyxf3HQ9AS6fEKx4JFeBW9f9fxxwKG', 260994463],
      ['1KUMiSa4Asac8arevxQ3Zqy3K4VZGGrgqF', 98615817],
      ['1PQWvTNkbcq8g2hLiRHgS4VWVbwnawMt3A', 84911243],
      ['1E1PUeh3EmXY4vNf2HkRyXwQFnXHFWgJPP', 79168410],
      ['14c8VyzSrR6ibPiQBjEFrrPRYNFfm2Sfhw', 20112774],
    ]),
    outputs: io([
      ['1Dy3ewdSzquMFBGdT4XtJ4GcQgbssSwcxc', 177252160],
      ['1JLoZi3H5imXGv365kXhR1HMgkCDJVNu38', 84077613],
      ['1BPwP8GXe3qVadzn1ATYCDkUEZ6R9mPxjG', 84077613],
      ['1B172idTvupbVHvSwE4zqHm7H9mR7Hy6dy', 84077613],
      ['1AY56nwgza7MJ4icMURzMPzLrj3ehLAkgK', 84077613],
      ['1K1QZNs9hjVg8HF6AM8UUNADJBLWAR5mhq', 15369204],
      ['13vsiRp43UCvpJTNvgh1ma3gGtHiz7ap1u', 14868890],
    ]),
  },
];

/** Every real transaction of the fixtures. */
export const REAL_TXS: readonly RealTx[] = [...MEMPOOL_TXS, ...BOLTZMANN_TXS];

/**
 * The real transaction whose txid starts with `prefix`.
 *
 * @example
 * realTx('323df21f'); // the 2019 Whirlpool 0.05 BTC mix
 */
export function realTx(prefix: string): RealTx {
  const found = REAL_TXS.filter((t) => t.txid.startsWith(prefix));
  if (found.length !== 1)
    throw new Error(`${found.length} fixture transactions start with ${prefix}`);
  return found[0]!;
}
