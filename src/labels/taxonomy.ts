import { UserError } from '../errors/base.ts';

/**
 * chaintrail's label categories, aligned with GraphSense's concepts
 * (graphsense/graphsense-tagpack-tool `tagpack/db/concepts.yaml`): services, infrastructure, and the
 * illicit kinds screening and analytics single out. Each has a one-line meaning for the docs.
 */
export const CATEGORIES = {
  exchange: 'a custodial exchange (any of its addresses when the kind is unknown)',
  hot_wallet: "an exchange's or service's hot wallet",
  cold_wallet: "an exchange's or custodian's cold storage",
  deposit_wallet: 'a per-customer deposit address at an exchange',
  instant_exchange: 'a no-account swap service (eXch, FixedFloat, …)',
  otc: 'an over-the-counter broker or desk',
  mixer: 'a mixing service (Tornado Cash, Blender, Sinbad, …)',
  bridge: 'a cross-chain bridge (router, vault, custody)',
  dex: 'a decentralised exchange (router, pool, aggregator)',
  defi: 'any other DeFi protocol (lending, staking, yield)',
  token: 'a token contract',
  stablecoin: 'a stablecoin contract',
  wallet_service: 'a wallet provider or payment processor',
  miner: 'a mining pool or block producer',
  gambling: 'a gambling or betting service',
  sanctioned: 'an address on a sanctions list (the list and programs are kept with the label)',
  theft: 'stolen funds: a hacker, exploiter or laundering address of a theft',
  ransomware: 'ransomware payments',
  scam: 'a scam or fraud (investment fraud, Ponzi, fake giveaway)',
  phishing: 'a phishing or wallet-drainer address',
  malware: 'malware operators (drainers, clippers, stealers)',
  darknet: 'a darknet market',
  frozen: 'funds frozen by a token issuer (e.g. a USDT blacklist)',
  terrorism: 'terrorism financing',
  other: 'anything else worth noting',
} as const;

export type Category = keyof typeof CATEGORIES;

/** Categories counted as illicit by screening and illicit-share analytics. */
export const ILLICIT_CATEGORIES: ReadonlySet<Category> = new Set<Category>([
  'sanctioned',
  'theft',
  'ransomware',
  'scam',
  'phishing',
  'malware',
  'darknet',
  'terrorism',
]);

/**
 * Categories of services and infrastructure that many people use (exchanges, bridges, mixers, DEXes,
 * token contracts, …). An address labelled one of them is never marked as a crime's own address: a
 * theft's laundering path runs through an exchange's deposit address or a DEX router, and neither the
 * exchange nor the router laundered anything.
 */
export const SERVICE_CATEGORIES: ReadonlySet<Category> = new Set<Category>([
  'exchange',
  'hot_wallet',
  'cold_wallet',
  'deposit_wallet',
  'instant_exchange',
  'otc',
  'mixer',
  'bridge',
  'dex',
  'defi',
  'token',
  'stablecoin',
  'wallet_service',
  'miner',
  'gambling',
]);

/**
 * GraphSense's confidence vocabulary as 0-100 scores: how the label's source knows it. Values from
 * graphsense/graphsense-tagpack-tool `src/tagpack/db/confidence.csv` @ 3f30f55c.
 */
export const CONFIDENCE = {
  override: 100,
  ownership: 100,
  manual_transaction: 90,
  service_api: 70,
  authority_data: 60,
  trusted_provider: 50,
  service_data: 50,
  forensic: 50,
  untrusted_transaction: 40,
  web_crawl: 20,
  heuristic: 10,
  unknown: 5,
} as const;

export type ConfidenceLevel = keyof typeof CONFIDENCE;

/**
 * Checks a category name (case-insensitive, `-` or space for `_`) and returns it canonical.
 *
 * @example
 * parseCategory('Deposit-Wallet'); // 'deposit_wallet'
 */
export function parseCategory(input: string, where = 'category'): Category {
  const key = input
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (key in CATEGORIES) return key as Category;
  throw new UserError(
    `${where}: unknown category "${input}" (known: ${Object.keys(CATEGORIES).join(', ')})`,
    { code: 'LABEL_BAD_CATEGORY' },
  );
}

/**
 * A confidence given as a GraphSense level name or a number 0-100.
 *
 * @example
 * parseConfidence('authority_data'); // 60
 */
export function parseConfidence(input: string | number, where = 'confidence'): number {
  if (typeof input === 'number' || /^\d{1,3}$/.test(String(input).trim())) {
    const n = Number(input);
    if (Number.isInteger(n) && n >= 0 && n <= 100) return n;
  } else {
    const key = String(input).trim().toLowerCase();
    if (key in CONFIDENCE) return CONFIDENCE[key as ConfidenceLevel];
  }
  throw new UserError(
    `${where}: confidence must be 0-100 or one of ${Object.keys(CONFIDENCE).join(', ')}, got "${input}"`,
    { code: 'LABEL_BAD_CONFIDENCE' },
  );
}
