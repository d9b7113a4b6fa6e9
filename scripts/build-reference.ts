// Builds chaintrail's shipped reference label set (data/reference/) from the shared public data
// collection (../shared/data, or $CHAINTRAIL_SHARED_DATA, or --data DIR): one CSV per source, a
// manifest.json (rows, sha256, list date, licence, origin) and PROVENANCE.md. Only sources with a
// permissive licence (or US-Government public-domain lists) are read; every row is validated with its
// chain's address codec and names the upstream file (and line, for CSV sources) it came from.
//
// The token list (symbol and decimals of well-known Ethereum tokens) comes from an npm package,
// fetched with `npm pack` at a pinned version and checked against its pinned integrity.
//
//   npm run build:reference [-- --data ../shared/data --out data/reference]
import { resolveOfacAddress } from '../src/labels/import/ofac-assets.ts';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { importTagpack } from '../src/labels/import/tagpack.ts';
import {
  fileSha256,
  REFERENCE_COLUMNS,
  REFERENCE_PROGRAM_SEPARATOR,
  type ReferenceFile,
  type ReferenceManifest,
  type ReferenceTokenListFile,
} from '../src/labels/reference.ts';
import { REFERENCE_TOKEN_COLUMNS } from '../src/labels/reference-tokens.ts';
import { sanitizeSymbol, tokenDecimals } from '../src/model/token-metadata.ts';
import { CONFIDENCE, parseCategory } from '../src/labels/taxonomy.ts';
import { getAddressCodec } from '../src/model/address.ts';
import { getChain } from '../src/model/chains.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: { data: { type: 'string' }, out: { type: 'string' } },
});
const DATA = path.resolve(
  args.data ?? process.env.CHAINTRAIL_SHARED_DATA ?? path.join(ROOT, '../shared/data'),
);
const OUT = path.resolve(args.out ?? path.join(ROOT, 'data/reference'));

type Row = {
  chain: string;
  address: string;
  category: string;
  entity: string | null;
  actor: string | null;
  country: string | null;
  source: string;
  confidence: number | null;
  sanctionList: string | null;
  programs: string[];
  listDate: string | null;
  /** Upstream file (relative to the shared data folder), with `:line` for CSV sources. */
  origin: string;
};

type Built = Omit<ReferenceFile, 'rows' | 'sha256' | 'sourceRows' | 'skipped'> & {
  rows: Row[];
  sourceRows: number;
  /** Reason -> rows left out for it. */
  skipped: Map<string, number>;
  /** Reasons already worded with their counts (the TagPack importer's warnings). */
  skippedText: string[];
  /** Prose for PROVENANCE.md: what was taken and how it maps. */
  notes: string[];
};

/** Records in a CSV file of the shared data, with their 1-based line numbers. */
function readCsvRecords(relative: string): { record: Record<string, string>; line: number }[] {
  const file = path.join(DATA, relative);
  const records = parse(fs.readFileSync(file, 'utf8'), {
    columns: true,
    info: true,
    skip_empty_lines: true,
  }) as { record: Record<string, string>; info: { lines: number } }[];
  return records.map(({ record, info }) => ({ record, line: info.lines }));
}

function skip(built: Built, reason: string): void {
  built.skipped.set(reason, (built.skipped.get(reason) ?? 0) + 1);
}

/** Keeps a row when its address is valid on its chain (the original case is kept in the file). */
function keep(built: Built, row: Row): void {
  parseCategory(row.category, row.origin);
  if (!getAddressCodec(row.chain).isValid(row.address)) {
    console.warn(`  invalid ${row.chain} address ${row.address} at ${row.origin}: skipped`);
    skip(built, `invalid ${row.chain} address`);
    return;
  }
  built.rows.push(row);
}

function newBuilt(fields: Omit<Built, 'rows' | 'sourceRows' | 'skipped' | 'skippedText'>): Built {
  return { ...fields, rows: [], sourceRows: 0, skipped: new Map(), skippedText: [] };
}

// ---------------------------------------------------------------------------------------------
// Sources

const OFAC_FILE = 'ofac/derived/sdn_advanced_2025-11-19_digital_currency_addresses.csv';
const OFAC_SOURCE =
  'https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN_ADVANCED.XML';
function ofac(): Built {
  const built = newBuilt({
    file: 'ofac-sdn-2025-11-19.csv',
    name: 'OFAC SDN',
    description:
      "Every digital currency address of OFAC's SDN list of 2025-11-19 (sdn_advanced.xml) on a chain chaintrail can hold",
    listDate: '2025-11-19',
    licence: 'US Government public data (public domain); extraction repository MIT',
    origin: {
      repo: 'brave-intl/ofac-sanctioned-digital-currency-addresses',
      commit: '9680d788291780da92da1ccfdba507e3174367a8',
      paths: ['sdn_advanced.xml.bz2 (branch lists), via shared ' + OFAC_FILE],
      url: 'https://github.com/brave-intl/ofac-sanctioned-digital-currency-addresses/tree/9680d788291780da92da1ccfdba507e3174367a8',
    },
    notes: [
      `Read from \`${OFAC_FILE}\`, a mechanical extraction (shared SOURCES.md) of every "Digital Currency Address" feature of the official \`sdn_advanced.xml\` (DateOfIssue 2025-11-19, sha256 matching OFAC's checksum file).`,
      'Each row: category `sanctioned`, sanctions list `OFAC SDN`, the SDN programs, entity = the SDN primary name, confidence `authority_data` (60). Addresses keep their original case (the loader stores the canonical form).',
      'Assets map to chains as `labels import ofac-xml` maps them (src/labels/import/ofac-assets.ts): XBT bitcoin, ETH ethereum, TRX tron, ARB arbitrum, BSC bsc, ETC ethereum-classic, LTC litecoin, XMR monero and so on; USDT and USDC have no network, so the address form decides (`0x` ethereum, `T…` tron, base58/bech32 bitcoin for Omni USDT). Chains without an address codec keep the address as given.',
    ],
  });
  for (const { record, line } of readCsvRecords(OFAC_FILE)) {
    built.sourceRows++;
    const asset = record.asset!;
    // The same asset-to-chain rules as `labels import ofac-xml` (src/labels/import/ofac-assets.ts).
    const resolved = resolveOfacAddress(asset, record.address!);
    if (resolved.chain === null) {
      skip(built, resolved.reason);
      continue;
    }
    if (resolved.warning) {
      console.warn(`  ${resolved.warning}`);
      built.notes.push(`Line ${line}: ${resolved.warning}`);
    }
    const { chain, address } = resolved;
    keep(built, {
      chain,
      address,
      category: 'sanctioned',
      entity: record.sdn_primary_name!,
      actor: null,
      country: null,
      source: OFAC_SOURCE,
      confidence: CONFIDENCE.authority_data,
      sanctionList: 'OFAC SDN',
      programs: record.programs!.split(';').filter(Boolean),
      listDate: built.listDate,
      origin: `${OFAC_FILE}:${line}`,
    });
  }
  return built;
}

const FBI_FILE = 'dprk/fbi-psa-2025-02-26-bybit/fbi_psa250226_bybit_eth_addresses.csv';

function fbi(): Built {
  const built = newBuilt({
    file: 'fbi-psa-2025-02-26-bybit.csv',
    name: 'FBI PSA I-022625-PSA (Bybit, TraderTraitor)',
    description:
      "The 51 Ethereum addresses of the FBI's public service announcement of 2025-02-26 attributing the Bybit theft to North Korea's TraderTraitor (Lazarus Group)",
    listDate: '2025-02-26',
    licence: 'US Government work (public domain)',
    origin: {
      repo: 'safe-global/safe-transaction-service',
      commit: '16e6886c3e063881809154a50caf8edfc6c64c66',
      paths: ['config/settings/base.py (BANNED_EOAS), via shared ' + FBI_FILE],
      url: 'https://www.ic3.gov/PSA/2025/PSA250226',
    },
    notes: [
      `Read from \`${FBI_FILE}\`: the addresses of the PSA as transcribed, in published order and EIP-55 case, in safe-global/safe-transaction-service's \`BANNED_EOAS\` (block headed "List taken from https://www.ic3.gov/PSA/2025/PSA250226"; added in commit 16e6886c, unchanged at 3e0199c4).`,
      "Each row: category `theft`, entity `TraderTraitor` (the FBI's name for the actors), actor `lazarus-group`, country `KP`, confidence `authority_data` (60), source the PSA. Not a sanction: no sanctions list.",
    ],
  });
  for (const { record, line } of readCsvRecords(FBI_FILE)) {
    built.sourceRows++;
    keep(built, {
      chain: 'ethereum',
      address: record.address!,
      category: 'theft',
      entity: 'TraderTraitor',
      actor: 'lazarus-group',
      country: 'KP',
      source: 'https://www.ic3.gov/PSA/2025/PSA250226',
      confidence: CONFIDENCE.authority_data,
      sanctionList: null,
      programs: [],
      listDate: built.listDate,
      origin: `${FBI_FILE}:${line}`,
    });
  }
  return built;
}

const GRAPHSENSE_DIR = 'labels/graphsense-tagpacks';
const GRAPHSENSE_PACKS = [
  'lazarus',
  'lazarus2',
  'ronin_bridge',
  'tornado_cash',
  'usdt_blacklist',
  'exchange-wallets-binance',
  'exchange-wallets-bitfinexcom',
  'exchange-wallets-bybit',
  'exchange-wallets-cryptocom',
  'exchange-wallets-deribit',
  'exchange-wallets-huobi',
  'exchange-wallets-kucoin',
  'exchange-wallets-okx',
  'exchange-wallets-swissborg',
  'ransomwhere',
  'hacks',
  'binance_hack',
];

async function graphsense(): Promise<Built> {
  const built = newBuilt({
    file: 'graphsense-tagpacks.csv',
    name: 'GraphSense public TagPacks (selection)',
    description:
      'DPRK, Ronin, Tornado Cash, USDT freezes, exchange wallets, ransomware (Ransomwhere) and service hacks from GraphSense public TagPacks',
    listDate: '2026-05-12',
    licence: 'MIT (Iknaio Cryptoasset Analytics GmbH, AIT Austrian Institute of Technology)',
    origin: {
      repo: 'graphsense/graphsense-tagpacks',
      commit: '29ff93c8ab0db37370453a290b7becba429b73f8',
      paths: GRAPHSENSE_PACKS.map((p) => `packs/${p}.yaml`).concat([
        'actors/graphsense.actorpack.yaml',
      ]),
      url: 'https://github.com/graphsense/graphsense-tagpacks/tree/29ff93c8ab0db37370453a290b7becba429b73f8',
    },
    notes: [
      `Packs: ${GRAPHSENSE_PACKS.map((p) => `\`${p}\``).join(', ')}, read with chaintrail's TagPack importer (\`src/labels/import/tagpack.ts\`), actors resolved with the repository's ActorPack. Categories follow the importer's mapping (\`src/labels/graphsense.ts\`): an illicit abuse wins (sanction -> sanctioned, service_hack -> theft, ransomware -> ransomware), else the category (exchange, mixing_service -> mixer, the legacy black_list of the USDT pack -> frozen). The list date is the snapshot's commit date; \`list_date\` per row is the pack's lastmod.`,
      "`hacks.yaml` tags both the hacked services' own wallets (category exchange, gambling, …) and the thieves' addresses (abuse service_hack -> theft); each tag keeps its own category.",
      "`ofac.yaml` (INTERPOL CNTL scrape of the SDN list, 2024-02-26) is left out: the OFAC file above is the official list of 2025-11-19, and 90 of the scrape's ETH addresses were delisted since (54 of them Tornado Cash contracts, delisted 2025-03-21), which a sanctions label without list could never close.",
    ],
  });
  for (const name of GRAPHSENSE_PACKS) {
    const relative = `${GRAPHSENSE_DIR}/packs/${name}.yaml`;
    const file = path.join(DATA, relative);
    const tags = (fs.readFileSync(file, 'utf8').match(/^- (address|tx_hash):/gm) ?? []).length;
    built.sourceRows += tags;
    const source = await importTagpack(file, {});
    let rows = 0;
    for await (const batch of source.batches()) {
      for (const label of batch) {
        rows++;
        keep(built, {
          chain: label.chain,
          address: label.address,
          category: label.category,
          entity: label.entity,
          actor: label.actor ?? null,
          country: label.country ?? null,
          source: label.source,
          confidence: label.confidence,
          sanctionList: null,
          programs: [],
          listDate: source.listDate,
          origin: relative,
        });
      }
    }
    // The importer's warnings name absolute paths; the manifest names the pack.
    for (const warning of source.warnings)
      built.skippedText.push(`${name}.yaml: ${warning.replaceAll(`${file}:`, `${name}.yaml:`)}`);
    if (rows === 0) throw new Error(`${relative}: no tags read`);
  }
  return built;
}

const FORTA_DIR = 'labels/forta-labelled-datasets';
const FORTA_ORIGIN = {
  repo: 'forta-network/labelled-datasets',
  commit: '40a9c2f2bd7e9ddfdd0f3540db589f0288e1e88a',
};
const fortaUrl = (p: string) =>
  `https://github.com/forta-network/labelled-datasets/blob/${FORTA_ORIGIN.commit}/${p}`;
/** Etherscan label lists Forta collected -> chaintrail categories. */
const FORTA_DATA_SOURCES: Record<string, string> = {
  'etherscan-phish-hack-list': 'phishing',
  'etherscan-exploit-list': 'theft',
  'etherscan-heist-list': 'theft',
};

function forta(): Built {
  const malicious = 'labels/1/etherscan_malicious_labels.csv';
  const phishing = 'labels/1/phishing_scams.csv';
  const built = newBuilt({
    file: 'forta-labelled-datasets.csv',
    name: 'Forta labelled datasets (Etherscan malicious labels, phishing scams)',
    description:
      "Ethereum addresses of Etherscan's phish/hack, exploit and heist lists, as collected by Forta",
    listDate: null,
    licence: 'MIT (Forta Foundation)',
    origin: {
      ...FORTA_ORIGIN,
      paths: [malicious, phishing],
      url: `https://github.com/forta-network/labelled-datasets/tree/${FORTA_ORIGIN.commit}/labels/1`,
    },
    notes: [
      `\`${malicious}\` (chain 1 = Ethereum): category by the row's \`data_source\`: etherscan-phish-hack-list -> phishing, etherscan-exploit-list and etherscan-heist-list -> theft. Entity = Etherscan's tag (\`wallet_tag\`, e.g. \`Fake_Phishing1772\`, \`Ronin Bridge Exploiter 2\`).`,
      `\`${phishing}\`: every row is Etherscan label \`phish-hack\` -> phishing, entity = Etherscan's tag. Rows whose address already has the same category and entity from the first file are left out (same Etherscan label, collected twice).`,
      'Confidence `web_crawl` (20); source = the Forta file at its commit. The dataset has no list date (last changed January 2023).',
    ],
  });
  const seen = new Set<string>();
  for (const { record, line } of readCsvRecords(`${FORTA_DIR}/${malicious}`)) {
    built.sourceRows++;
    const category = FORTA_DATA_SOURCES[record.data_source!];
    if (!category) {
      skip(built, `unknown data_source ${record.data_source}`);
      continue;
    }
    const address = record.banned_address!.trim();
    const entity = record.wallet_tag!.trim() || null;
    seen.add(`${address.toLowerCase()}|${category}|${entity}`);
    keep(built, {
      chain: 'ethereum',
      address,
      category,
      entity,
      actor: null,
      country: null,
      source: fortaUrl(malicious),
      confidence: CONFIDENCE.web_crawl,
      sanctionList: null,
      programs: [],
      listDate: null,
      origin: `${FORTA_DIR}/${malicious}:${line}`,
    });
  }
  for (const { record, line } of readCsvRecords(`${FORTA_DIR}/${phishing}`)) {
    built.sourceRows++;
    if (record.etherscan_labels !== 'phish-hack') {
      skip(built, `etherscan_labels ${record.etherscan_labels}`);
      continue;
    }
    const address = record.address!.trim();
    const entity = record.etherscan_tag!.trim() || null;
    if (seen.has(`${address.toLowerCase()}|phishing|${entity}`)) {
      skip(built, `${phishing}: same address, category and entity as in ${malicious}`);
      continue;
    }
    keep(built, {
      chain: 'ethereum',
      address,
      category: 'phishing',
      entity,
      actor: null,
      country: null,
      source: fortaUrl(phishing),
      confidence: CONFIDENCE.web_crawl,
      sanctionList: null,
      programs: [],
      listDate: null,
      origin: `${FORTA_DIR}/${phishing}:${line}`,
    });
  }
  return built;
}

const ETHERSCAN_DIR = 'labels/brianleect-etherscan-labels/etherscan/accounts';
/** Etherscan account labels taken: category, and the entity when the label is one entity. */
const ETHERSCAN_LABELS: [label: string, category: string, entity: string | null][] = [
  ['binance', 'exchange', 'Binance'],
  ['coinbase', 'exchange', 'Coinbase'],
  ['kraken', 'exchange', 'Kraken'],
  ['okx', 'exchange', 'OKX'],
  ['huobi', 'exchange', 'Huobi'],
  ['bitfinex', 'exchange', 'Bitfinex'],
  ['upbit', 'exchange', 'Upbit'],
  ['hot-wallet', 'hot_wallet', null],
  ['cold-wallet', 'cold_wallet', null],
  ['bridge', 'bridge', null],
  ['ethereum-mixer', 'mixer', null],
  ['tornado-cash', 'mixer', 'Tornado Cash'],
  ['otc', 'otc', null],
  ['gambling', 'gambling', null],
  ['stablecoin', 'stablecoin', null],
];

function etherscanLabels(): Built {
  const built = newBuilt({
    file: 'etherscan-labels-brianleect.csv',
    name: 'Etherscan labels (brianleect/etherscan-labels)',
    description:
      'Ethereum exchange, hot and cold wallet, bridge, mixer, OTC, gambling and stablecoin addresses from Etherscan label pages',
    listDate: null,
    licence: 'MIT (Brian Lee Cheow Teng)',
    origin: {
      repo: 'brianleect/etherscan-labels',
      commit: '923aba72c7e2d0682f7ae6194b6140bd90668dc9',
      paths: ETHERSCAN_LABELS.map(([label]) => `data/etherscan/accounts/${label}.csv`),
      url: 'https://github.com/brianleect/etherscan-labels/tree/923aba72c7e2d0682f7ae6194b6140bd90668dc9/data/etherscan/accounts',
    },
    notes: [
      `Label files (Etherscan account labels, scraped up to 2023-06): ${ETHERSCAN_LABELS.map(([l, c]) => `\`${l}\` -> ${c}`).join(', ')}.`,
      "Entity: the exchange (or Tornado Cash) for labels naming one, else the address's Etherscan name tag. Source: the Etherscan label page the scraper read (`https://etherscan.io/accounts/label/<label>`); confidence `web_crawl` (20). An address on several label pages gets one label per page.",
      'Not taken: `blocked`, `ofac-sanctions-lists` (the OFAC list itself is shipped), `binance-deposit`, `hotbit`, `wallet-app`.',
    ],
  });
  for (const [label, category, entity] of ETHERSCAN_LABELS) {
    const relative = `${ETHERSCAN_DIR}/${label}.csv`;
    for (const { record, line } of readCsvRecords(relative)) {
      built.sourceRows++;
      const nameTag = record['Name Tag']?.trim() || null;
      keep(built, {
        chain: 'ethereum',
        address: record.Address!.trim(),
        category,
        entity: entity ?? nameTag,
        actor: null,
        country: null,
        source: `https://etherscan.io/accounts/label/${label}`,
        confidence: CONFIDENCE.web_crawl,
        sanctionList: null,
        programs: [],
        listDate: null,
        origin: `${relative}:${line}`,
      });
    }
  }
  return built;
}

const THORCHAIN_FILE = 'labels/derived/thorchain_router_contracts.csv';

function thorchain(): Built {
  const built = newBuilt({
    file: 'thorchain-routers.csv',
    name: 'THORChain routers (thornode mainnet constants)',
    description: "THORChain's Ethereum router contracts, current and previous",
    listDate: null,
    licence:
      'MIT (thorchain/thornode; shapeshift/thornode is its fork); contract addresses are facts',
    origin: {
      repo: 'shapeshift/thornode',
      commit: '12d0f78bd0c4b18a50ce2b8a8bd328d6762b7c08',
      paths: ['x/thorchain/router_upgrade_info.go, via shared ' + THORCHAIN_FILE],
      url: 'https://github.com/shapeshift/thornode/blob/12d0f78bd0c4b18a50ce2b8a8bd328d6762b7c08/x/thorchain/router_upgrade_info.go',
    },
    notes: [
      `\`${THORCHAIN_FILE}\`: the routers of thornode's mainnet build constants (ethNewRouter, ethOldRouter). Category bridge, entity THORChain, confidence \`service_data\` (50: the service's own code).`,
    ],
  });
  for (const { record, line } of readCsvRecords(THORCHAIN_FILE)) {
    built.sourceRows++;
    keep(built, {
      chain: getChain(record.chain!).key,
      address: record.address!,
      category: 'bridge',
      entity: 'THORChain',
      actor: null,
      country: null,
      source: built.origin.url,
      confidence: CONFIDENCE.service_data,
      sanctionList: null,
      programs: [],
      listDate: null,
      origin: `${THORCHAIN_FILE}:${line}`,
    });
  }
  return built;
}

const DAWSBOT_FILE = 'labels/dawsbot-eth-labels/tokens_stablecoin_subset.csv';

function stablecoins(): Built {
  const commit = 'bdbdcccb5ed73cb8dc597c1087fe589875c93ced';
  const url = `https://github.com/dawsbot/eth-labels/blob/${commit}/data/csv/tokens.csv`;
  const built = newBuilt({
    file: 'stablecoins-dawsbot.csv',
    name: 'Stablecoin token contracts (dawsbot/eth-labels)',
    description: 'Stablecoin token contracts on Ethereum and six other EVM chains',
    listDate: null,
    licence: 'MIT (Dawson Botsford)',
    origin: {
      repo: 'dawsbot/eth-labels',
      commit,
      paths: [
        'data/csv/tokens.csv (rows whose label contains "stablecoin"), via shared ' + DAWSBOT_FILE,
      ],
      url,
    },
    notes: [
      `\`${DAWSBOT_FILE}\`: the rows of eth-labels' \`tokens.csv\` whose label contains "stablecoin" (chain ids 1, 10, 56, 100, 8453, 42161, 42220). Category stablecoin, entity = the token's name, chain from the chain id, confidence \`web_crawl\` (20).`,
    ],
  });
  for (const { record, line } of readCsvRecords(DAWSBOT_FILE)) {
    built.sourceRows++;
    keep(built, {
      chain: getChain(record.chainId!).key,
      address: record.address!.trim(),
      category: 'stablecoin',
      entity: record.name!.trim() || null,
      actor: null,
      country: null,
      source: url,
      confidence: CONFIDENCE.web_crawl,
      sanctionList: null,
      programs: [],
      listDate: null,
      origin: `${DAWSBOT_FILE}:${line}`,
    });
  }
  return built;
}

// ---------------------------------------------------------------------------------------------
// Token list

/**
 * MetaMask's contract-metadata at its release 2.5.0: the npm tarball's contract-map.json is
 * byte-for-byte the file at the repository's tag v2.5.0 (commit a9ca70ea, checked when this was
 * chosen), under the ISC licence its LICENSE file states. Later commits of the repository are not
 * released on npm.
 */
const METAMASK_TOKENS = {
  package: '@metamask/contract-metadata',
  version: '2.5.0',
  integrity:
    'sha512-+j7jEcp0P1OUMEpa/OIwfJs/ahBC/akwgWxaRTSWX2SWABvlUKBVRMtslfL94Qj2wN2xw8xjaUy5nSHqrznqDA==',
  repo: 'MetaMask/contract-metadata',
  commit: 'a9ca70eac2537ab1330328cf19ba741013fb46f0',
};

type TokenRow = {
  chain: string;
  address: string;
  symbol: string;
  decimals: number;
  name: string | null;
  origin: string;
};

/** Fetches an npm package's tarball at a pinned version, checks its integrity and unpacks it. */
function npmPackage(name: string, version: string, integrity: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaintrail-reference-'));
  const out = execFileSync(
    'npm',
    ['pack', `${name}@${version}`, '--json', '--pack-destination', dir],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const [packed] = JSON.parse(out) as { filename: string }[];
  const tarball = path.join(dir, packed!.filename);
  const actual = `sha512-${createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`;
  if (actual !== integrity)
    throw new Error(
      `${name}@${version}: tarball integrity ${actual} is not the pinned ${integrity}`,
    );
  execFileSync('tar', ['-xzf', tarball, '-C', dir]);
  return path.join(dir, 'package');
}

/** Line (1-based) of each top-level key of a JSON object file, for the rows' origin. */
function keyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  text.split('\n').forEach((line, i) => {
    const m = /^\s{2}"([^"]+)":/.exec(line);
    if (m) lines.set(m[1]!, i + 1);
  });
  return lines;
}

function metamaskTokens(): { file: ReferenceTokenListFile; rows: TokenRow[]; notes: string[] } {
  const m = METAMASK_TOKENS;
  const dir = npmPackage(m.package, m.version, m.integrity);
  const licence = fs.readFileSync(path.join(dir, 'LICENSE'), 'utf8');
  const text = fs.readFileSync(path.join(dir, 'contract-map.json'), 'utf8');
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  if (!licence.startsWith('ISC License'))
    throw new Error(`${m.package}@${m.version}: LICENSE is no longer the ISC licence`);
  const map = JSON.parse(text) as Record<
    string,
    { erc20?: boolean; symbol?: unknown; decimals?: unknown; name?: unknown }
  >;
  const lines = keyLines(text);
  const codec = getAddressCodec('ethereum');
  const rows: TokenRow[] = [];
  const skipped = new Map<string, number>();
  const skip = (reason: string) => skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
  const entries = Object.entries(map);
  for (const [address, meta] of entries) {
    if (meta.erc20 !== true) {
      skip('not an ERC-20 token (ERC-721 collections and other contracts)');
      continue;
    }
    if (!codec.isValid(address)) {
      skip('invalid ethereum address');
      continue;
    }
    const symbol = typeof meta.symbol === 'string' ? meta.symbol : null;
    if (symbol === null || sanitizeSymbol(symbol) !== symbol) {
      skip('symbol missing, or not shown as is (control characters, over 32 characters)');
      continue;
    }
    const decimals =
      typeof meta.decimals === 'number' || typeof meta.decimals === 'bigint'
        ? tokenDecimals(meta.decimals)
        : null;
    if (decimals === null) {
      skip('decimals missing or not 0-255');
      continue;
    }
    rows.push({
      chain: 'ethereum',
      address,
      symbol,
      decimals,
      name: typeof meta.name === 'string' && meta.name.trim() ? meta.name.trim() : null,
      origin: `contract-map.json:${lines.get(address)}`,
    });
  }
  const url = `https://github.com/${m.repo}/blob/${m.commit}/contract-map.json`;
  return {
    rows,
    file: {
      file: 'tokens-metamask.csv',
      name: `MetaMask contract-metadata ${m.version}`,
      description:
        "Symbol and decimals of the Ethereum mainnet ERC-20 tokens in MetaMask's contract-metadata",
      rows: rows.length,
      sha256: '',
      licence: 'ISC (Copyright (c) 2020 MetaMask)',
      origin: { repo: m.repo, commit: m.commit, paths: ['contract-map.json'], url },
      package: { name: m.package, version: m.version, integrity: m.integrity },
      sourceRows: entries.length,
      skipped: [...skipped].map(([reason, n]) => `${n}: ${reason}`),
    },
    notes: [
      `Read from the npm package \`${m.package}@${m.version}\` (\`npm pack\`, tarball integrity checked against the pinned \`${m.integrity}\`); its \`contract-map.json\` is byte-for-byte the file at the repository's tag \`v${m.version}\` (commit \`${m.commit}\`), and its LICENSE is ISC.`,
      'Each row: an ERC-20 entry of `contract-map.json` (keys are EIP-55 mainnet addresses), its symbol, decimals and name; `origin` is the line of its key. Entries flagged ERC-721 are left out. Symbols pass the same check as symbols read from contracts (no control or format characters, at most 32 characters).',
      `The package's licence, whose notice must go with copies:\n\n${licence
        .trim()
        .split('\n')
        .map((l) => `> ${l}`.trimEnd())
        .join('\n')}`,
      "Used only where neither the chain nor an ethereum-etl `tokens` export gives a token its symbol and decimals: `import etl` writes the list's metadata (source `token-list`) for the tokens an import holds that have none, and `sync` for a contract that answers neither `symbol()` nor `decimals()`. Metadata from the chain or an export always wins.",
    ],
  };
}

function tokensCsv(rows: TokenRow[]): string {
  const lines = [REFERENCE_TOKEN_COLUMNS.join(',')];
  for (const r of rows)
    lines.push(
      [r.chain, r.address, r.symbol, r.decimals, r.name, r.origin].map(csvField).join(','),
    );
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Output

function csvField(value: string | number | null): string {
  if (value === null) return '';
  const s = String(value);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function toCsv(rows: Row[]): string {
  const lines = [REFERENCE_COLUMNS.join(',')];
  for (const r of rows)
    lines.push(
      [
        r.chain,
        r.address,
        r.category,
        r.entity,
        r.actor,
        r.country,
        r.source,
        r.confidence,
        r.sanctionList,
        r.programs.join(REFERENCE_PROGRAM_SEPARATOR) || null,
        r.listDate,
        r.origin,
      ]
        .map(csvField)
        .join(','),
    );
  return `${lines.join('\n')}\n`;
}

const EXCLUDED_SOURCES = [
  ['tayvano/lazarus-bluenoroff-research (Bybit, Ronin, WazirX, Harmony notes)', 'no licence'],
  ['we-stronger/bybit-incident-tna', 'no licence'],
  ['AnonymousMFTracer/Ground-Truth', 'no licence'],
  ['Kaggle Ethereum Fraud Detection (paarthwakare copy)', 'licence not verified'],
  ['XBlock phishing network (KazumaYamamoto2023 copy)', 'no licence'],
  ['scamsniffer/scam-database', 'GPL-3.0 (copyleft, not permissive)'],
  [
    'thomasgregg/crypto-sanctions-list',
    'MIT, but every address lowercased (breaks base58); the official SDN extraction is shipped instead',
  ],
  ['graphsense-tagpacks `ofac.yaml`', 'stale SDN scrape (see the GraphSense section)'],
];

function provenance(
  built: Built[],
  files: ReferenceFile[],
  tokens: { file: ReferenceTokenListFile; notes: string[] }[],
): string {
  const out = [
    '# Reference label set and token list: provenance',
    '',
    "Built by `npm run build:reference` (`scripts/build-reference.ts`) from the project's shared snapshot of public",
    'data (`../shared/data`, described in its SOURCES.md). Do not edit these files by hand: the loader checks each',
    "file's sha256 against `manifest.json`. Every row names its upstream file in the `origin` column (with the line",
    "for CSV sources), and every address passed its chain's codec (EIP-55, base58check, bech32). Only sources with a",
    'permissive licence, or US-Government public-domain lists, are included.',
    '',
    'Columns: `chain,address,category,entity,actor,country,source,confidence,sanction_list,programs,list_date,origin`',
    "(empty = none; programs joined by `;`; confidence 0-100 on GraphSense's scale).",
    '',
    '| file | list | rows | licence | origin |',
    '|---|---|---|---|---|',
  ];
  for (const f of files)
    out.push(
      `| \`${f.file}\` | ${f.name} | ${f.rows} | ${f.licence} | ${f.origin.repo} @ \`${f.origin.commit.slice(0, 12)}\` |`,
    );
  for (let i = 0; i < built.length; i++) {
    const b = built[i]!;
    const f = files[i]!;
    out.push('', `## ${f.name}`, '', `\`${f.file}\`: ${f.description}.`, '');
    out.push(`- Repository: https://github.com/${f.origin.repo}`);
    out.push(`- Commit: \`${f.origin.commit}\``);
    out.push(`- Upstream: ${f.origin.paths.map((p) => `\`${p}\``).join(', ')}`);
    out.push(`- Link: ${f.origin.url}`);
    out.push(`- Licence: ${f.licence}`);
    out.push(`- List date: ${f.listDate ?? 'none given'}`);
    out.push(`- Rows: ${f.rows} of ${f.sourceRows} upstream rows/tags`);
    for (const s of f.skipped) out.push(`- Left out: ${s}`);
    out.push('');
    for (const note of b.notes) out.push(note, '');
    out.pop();
  }
  out.push(
    '',
    '## Token lists',
    '',
    'Symbol and decimals of token contracts (not labels: `tokenLists` in `manifest.json`, read by',
    '`src/labels/reference-tokens.ts`). Columns: `chain,address,symbol,decimals,name,origin`.',
    '',
    '| file | list | rows | licence | origin |',
    '|---|---|---|---|---|',
  );
  for (const { file: f } of tokens)
    out.push(
      `| \`${f.file}\` | ${f.name} | ${f.rows} | ${f.licence} | ${f.origin.repo} @ \`${f.origin.commit.slice(0, 12)}\` |`,
    );
  for (const { file: f, notes } of tokens) {
    out.push('', `### ${f.name}`, '', `\`${f.file}\`: ${f.description}.`, '');
    out.push(`- Repository: https://github.com/${f.origin.repo}`);
    out.push(`- Commit: \`${f.origin.commit}\``);
    if (f.package) out.push(`- npm package: \`${f.package.name}@${f.package.version}\``);
    out.push(`- Upstream: ${f.origin.paths.map((p) => `\`${p}\``).join(', ')}`);
    out.push(`- Link: ${f.origin.url}`);
    out.push(`- Licence: ${f.licence}`);
    out.push(`- Rows: ${f.rows} of ${f.sourceRows} upstream entries`);
    for (const skipped of f.skipped) out.push(`- Left out: ${skipped}`);
    out.push('');
    for (const note of notes) out.push(note, '');
    out.pop();
  }
  out.push('', '## Not included', '');
  for (const [name, why] of EXCLUDED_SOURCES) out.push(`- ${name}: ${why}.`);
  return `${out.join('\n')}\n`;
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(DATA, 'SOURCES.md'))) {
    console.error(
      `build-reference: the shared data folder was not found at ${DATA} (set CHAINTRAIL_SHARED_DATA or --data)`,
    );
    process.exitCode = 1;
    return;
  }
  const built = [
    ofac(),
    fbi(),
    await graphsense(),
    forta(),
    etherscanLabels(),
    thorchain(),
    stablecoins(),
  ];
  fs.mkdirSync(OUT, { recursive: true });
  const files: ReferenceFile[] = [];
  for (const b of built) {
    const file = path.join(OUT, b.file);
    fs.writeFileSync(file, toCsv(b.rows));
    const skipped = [...[...b.skipped].map(([reason, n]) => `${n}: ${reason}`), ...b.skippedText];
    files.push({
      file: b.file,
      name: b.name,
      description: b.description,
      rows: b.rows.length,
      sha256: fileSha256(file),
      listDate: b.listDate,
      licence: b.licence,
      origin: b.origin,
      sourceRows: b.sourceRows,
      skipped,
    });
    const bytes = fs.statSync(file).size;
    console.log(
      `${b.file}: ${b.rows.length} rows of ${b.sourceRows}, ${(bytes / 1e6).toFixed(2)} MB`,
    );
  }
  const tokens = [metamaskTokens()];
  for (const t of tokens) {
    const file = path.join(OUT, t.file.file);
    fs.writeFileSync(file, tokensCsv(t.rows));
    t.file.sha256 = fileSha256(file);
    console.log(
      `${t.file.file}: ${t.rows.length} tokens of ${t.file.sourceRows} entries, ${(fs.statSync(file).size / 1e6).toFixed(2)} MB`,
    );
  }
  const manifest: ReferenceManifest = {
    version: 1,
    files,
    tokenLists: tokens.map((t) => t.file),
  };
  fs.writeFileSync(path.join(OUT, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.writeFileSync(path.join(OUT, 'PROVENANCE.md'), provenance(built, files, tokens));
  const total = fs.readdirSync(OUT).reduce((n, f) => n + fs.statSync(path.join(OUT, f)).size, 0);
  console.log(
    `${OUT}: ${files.length} label files and ${tokens.length} token list, ${(total / 1e6).toFixed(2)} MB in all`,
  );
}

await main();
