/**
 * What each scenario plays, by name, in the order of `SCENARIOS` (src/simulate/simulate.ts). Apart
 * from the scenarios, which load viem and bitcoinjs-lib, so that `chaintrail simulate --help` lists
 * them without loading those.
 */
export const SCENARIO_DESCRIPTIONS = {
  'bybit-2025':
    'Cold-wallet multisig drained (ETH and three staking tokens); tokens swapped to ETH; split into ~50 addresses; THORChain to BTC, instant exchange, exchange deposits, peel chains, some unspent. Amounts are the reported ones divided by 1000.',
  'ronin-2022':
    'Bridge multisig (5 of 9) drained with stolen keys; stablecoin swapped to ETH; ETH through a few addresses into a 10-ETH mixer, some to exchange deposits; mixer withdrawals to fresh addresses. Amounts are the reported ones divided by 1000.',
  'it-worker-salaries':
    'Employers pay monthly stablecoin salaries to workers under false identities; workers forward them to three consolidators, which sell to an OTC desk; the issuer freezes one consolidator before its last sale.',
  'peel-chain':
    'Ransom payments collected at one address, then a peel chain: each hop sends 1-5% to a fresh exchange deposit address and the rest to a new address; the last hop keeps the remainder.',
} as const;
