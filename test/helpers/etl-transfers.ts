import type { Transfer } from '../../src/model/transfer.ts';

/**
 * Real mainnet token transfers from ethereum-etl's test resources (block 483920, 2015; see
 * test/fixtures/ethereum-etl/PROVENANCE.md): small, real chain data for store and API tests.
 */
export const ETL_TOKEN_TRANSFERS: readonly Transfer[] = [
  {
    chain: 'ethereum',
    blockNumber: 483920n,
    blockTime: 1447144575,
    txHash: '0x04cbcb236043d8fb7839e07bbc7f5eed692fb2ca55d897f1101eac3e3ad4fab8',
    position: 'log:0',
    from: '0x1b63142628311395ceafeea5667e7c9026c862ca',
    to: '0xac4df82fe37ea2187bc8c011a23d743b4f39019a',
    asset: '0xf4eced2f682ce333f96f2d8966c613ded8fc95dd',
    amount: 100000n,
    kind: 'token',
  },
  {
    chain: 'ethereum',
    blockNumber: 483920n,
    blockTime: 1447144575,
    txHash: '0xcea6f89720cc1d2f46cc7a935463ae0b99dd5fad9c91bb7357de5421511cee49',
    position: 'log:1',
    from: '0x9b22a80d5c7b3374a05b446081f97d0a34079e7f',
    to: '0x66f183060253cfbe45beff1e6e7ebbe318c81e56',
    asset: '0xf4eced2f682ce333f96f2d8966c613ded8fc95dd',
    amount: 200000n,
    kind: 'token',
  },
];
