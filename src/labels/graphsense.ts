import { getChain } from '../model/chains.ts';
import { CONFIDENCE, type Category, parseConfidence } from './taxonomy.ts';

/**
 * GraphSense abuse concepts -> chaintrail categories. An abuse names what the address was used for, so
 * when it maps here it wins over the tag's category (`category: user` + `abuse: ransomware` is
 * ransomware). Concepts: graphsense/graphsense-tagpack-tool `src/tagpack/db/abuses.yaml` and the abuse
 * branch of `concepts.yaml`.
 *
 * Not mapped, so the tag's category decides: `money_laundering`, `sexual_abuse`,
 * `child_sexual_abuse`, `violence`, `torture` (the taxonomy has no category for them yet) and the
 * generic `abuse`.
 */
export const GRAPHSENSE_ABUSE_CATEGORIES: Readonly<Record<string, Category>> = {
  sanction: 'sanctioned',
  service_hack: 'theft',
  ransomware: 'ransomware',
  phishing: 'phishing',
  // Fraud of every kind is a scam in chaintrail's taxonomy.
  scam: 'scam',
  investment_fraud: 'scam',
  ponzi_scheme: 'scam',
  pyramid_scheme: 'scam',
  financial_crime: 'scam',
  payment_card_fraud: 'scam',
  extortion: 'scam',
  sextortion: 'scam',
  terrorism: 'terrorism',
  extremism: 'terrorism',
  dark_web: 'darknet',
};

/** GraphSense abuse concepts with no chaintrail category yet (listed above); the tag's category decides. */
export const GRAPHSENSE_UNMAPPED_ABUSES: ReadonlySet<string> = new Set([
  'abuse',
  'money_laundering',
  'sexual_abuse',
  'child_sexual_abuse',
  'violence',
  'torture',
]);

/**
 * GraphSense entity concepts (`concepts.yaml`, and the legacy names still used by the public packs)
 * -> chaintrail categories. Concepts that say who, not what (`user`, `organization`, `service`, …) are
 * `other`: they carry no screening meaning.
 */
export const GRAPHSENSE_CATEGORIES: Readonly<Record<string, Category>> = {
  exchange: 'exchange',
  // A kiosk trading crypto for cash is an exchange without accounts.
  atm: 'exchange',
  hot_wallet: 'hot_wallet',
  // "Like a hot wallet, with a user in the loop": closest to hot.
  warm_wallet: 'hot_wallet',
  cold_wallet: 'cold_wallet',
  mixing_service: 'mixer',
  mixing: 'mixer',
  coinjoin: 'mixer',
  wallet_service: 'wallet_service',
  escrow_wallet: 'wallet_service',
  payment_processor: 'wallet_service',
  miner: 'miner',
  mining_service: 'miner',
  gambling: 'gambling',
  // GraphSense's public `market` tags are darknet markets (Hydra, walletexplorer's markets).
  market: 'darknet',
  dark_web: 'darknet',
  defi: 'defi',
  defi_lending: 'defi',
  defi_derivative: 'defi',
  defi_derivatives: 'defi',
  defi_dex: 'dex',
  defi_bridge: 'bridge',
  // Legacy concept of the USDT blacklist pack (lastmod 2023-02-22): addresses frozen by the issuer.
  black_list: 'frozen',
  user: 'other',
  organization: 'other',
  entity: 'other',
  service: 'other',
  perpetrator: 'other',
  victim: 'other',
  donation: 'other',
  shop: 'other',
  faucet: 'other',
  hosting: 'other',
  vpn: 'other',
  filesharing: 'other',
  index: 'other',
  messaging_service: 'other',
  search_engine: 'other',
  ico_wallet: 'other',
  item: 'other',
  collectible: 'other',
};

/**
 * How a chaintrail category is written in a TagPack: the GraphSense concept that reads back as the
 * same category where one exists, else the nearest one (the exporter then keeps the exact category in
 * the tag's `context`).
 */
export const CATEGORY_TO_GRAPHSENSE: Readonly<
  Record<Category, { category?: string; abuse?: string }>
> = {
  exchange: { category: 'exchange' },
  hot_wallet: { category: 'hot_wallet' },
  cold_wallet: { category: 'cold_wallet' },
  deposit_wallet: { category: 'exchange' },
  instant_exchange: { category: 'exchange' },
  otc: { category: 'service' },
  mixer: { category: 'mixing_service' },
  bridge: { category: 'defi_bridge' },
  dex: { category: 'defi_dex' },
  defi: { category: 'defi' },
  token: { category: 'service' },
  stablecoin: { category: 'service' },
  wallet_service: { category: 'wallet_service' },
  miner: { category: 'miner' },
  gambling: { category: 'gambling' },
  sanctioned: { abuse: 'sanction' },
  theft: { abuse: 'service_hack' },
  ransomware: { abuse: 'ransomware' },
  scam: { abuse: 'scam' },
  phishing: { abuse: 'phishing' },
  malware: { category: 'perpetrator' },
  darknet: { category: 'market', abuse: 'dark_web' },
  frozen: { category: 'user' },
  terrorism: { abuse: 'terrorism' },
  other: { category: 'user' },
};

/**
 * GraphSense network / currency codes -> chaintrail chain keys (codes of tagpack-tool
 * `src/tagpack/constants.py` KNOWN_NETWORKS, plus those the public packs use). Codes of chains
 * chaintrail has no address codec for (LTC, XMR, BEP2, SOL, …) are absent: their tags are skipped and
 * counted. Token currencies (USDT, USDC, KCS) name no chain: a tag needs `network` for them.
 */
export const GRAPHSENSE_NETWORKS: Readonly<Record<string, string>> = {
  BTC: 'bitcoin',
  XBT: 'bitcoin',
  ETH: 'ethereum',
  TRX: 'tron',
  BSC: 'bsc',
  // Binance's pack lists its BSC (BEP-20) addresses under currency BEP20.
  BEP20: 'bsc',
  MATIC: 'polygon',
  POLYGON: 'polygon',
  ARB: 'arbitrum',
  OP: 'optimism',
  BASE: 'base',
  // Avalanche's C-chain; X-chain addresses (`X-avax1…`) fail the EVM codec and are reported.
  AVAX: 'avalanche',
  // Ethereum Classic, EIP-155 chain id 61.
  ETC: 'evm:61',
};

const CHAIN_TO_GRAPHSENSE: ReadonlyMap<string, string> = new Map(
  Object.entries(GRAPHSENSE_NETWORKS)
    .filter(([code]) => !['XBT', 'BEP20', 'POLYGON'].includes(code))
    .map(([code, chain]) => [chain, code]),
);

/**
 * The chaintrail chain of a GraphSense network or currency code, or null when chaintrail cannot hold
 * its addresses. chaintrail's own keys (`ethereum`, `evm:100`) are accepted too, so exported packs of
 * any chain read back.
 *
 * @example
 * graphsenseChain('ETH'); // 'ethereum'
 * graphsenseChain('LTC'); // null
 */
export function graphsenseChain(code: string): string | null {
  const trimmed = code.trim();
  const known = GRAPHSENSE_NETWORKS[trimmed.toUpperCase()];
  if (known) return known;
  // Only lowercase input can be a chaintrail key; uppercase codes are GraphSense's.
  if (trimmed !== trimmed.toLowerCase() || trimmed === '') return null;
  try {
    return getChain(trimmed).key;
  } catch {
    return null;
  }
}

/**
 * The network code a TagPack uses for a chaintrail chain (`ethereum` -> `ETH`); chains GraphSense
 * has no code for keep their chaintrail key, which {@link graphsenseChain} reads back.
 *
 * @example
 * graphsenseNetwork('tron'); // 'TRX'
 */
export function graphsenseNetwork(chain: string): string {
  return CHAIN_TO_GRAPHSENSE.get(chain) ?? chain;
}

/**
 * Confidence names of older tagpack-tool versions that the public packs still use. `ledger_immanent`
 * (100) was added in tagpack-tool 23.03 (its CHANGELOG) and is gone from the current
 * `confidence.csv`.
 */
const LEGACY_CONFIDENCE: Readonly<Record<string, number>> = { ledger_immanent: 100 };

/**
 * A TagPack confidence (a level name, a legacy name, or a number 0-100) as a 0-100 score.
 *
 * @example
 * graphsenseConfidence('ledger_immanent', 'usdt.yaml:3'); // 100
 */
export function graphsenseConfidence(input: string | number, where: string): number {
  const legacy = LEGACY_CONFIDENCE[String(input).trim().toLowerCase()];
  return legacy ?? parseConfidence(input, where);
}

/** One level name per score, for writing a 0-100 score back as GraphSense's vocabulary. */
const CONFIDENCE_NAMES: ReadonlyMap<number, string> = new Map(
  (
    [
      'ownership',
      'manual_transaction',
      'service_api',
      'authority_data',
      'service_data',
      'untrusted_transaction',
      'web_crawl',
      'heuristic',
      'unknown',
    ] as const
  ).map((name) => [CONFIDENCE[name], name]),
);

/**
 * The GraphSense level name of a score, or the number itself when it is not on the scale.
 *
 * @example
 * graphsenseConfidenceName(60); // 'authority_data'
 */
export function graphsenseConfidenceName(score: number): string | number {
  return CONFIDENCE_NAMES.get(score) ?? score;
}
