// `npm run eval` part: the OFAC importers against the full official list of 2025-11-19 and the
// derived address table in ../shared/data/ofac (SOURCES.md §1), when that folder is present.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { importLabels } from '../src/labels/import-labels.ts';
import { createDuckDbStore } from '../src/store/duckdb/duckdb-store.ts';
import type { Label } from '../src/store/store.ts';

/** One check's outcome, printed as `ok`/`FAIL` lines. */
export type OfacEvalLine = { ok: boolean; text: string };

type DerivedRow = {
  asset: string;
  address: string;
  sdn_primary_name: string;
  sdn_profile_id: string;
  programs: string;
};

/**
 * The chain each OFAC asset's addresses belong to, written out here independently of the importer's
 * table: coins on their own chain; USDT/USDC by address form (0x Ethereum, T Tron, else Bitcoin/Omni).
 */
const EXPECTED_CHAIN: Record<string, string> = {
  XBT: 'bitcoin',
  ETH: 'ethereum',
  ETC: 'ethereum-classic',
  ARB: 'arbitrum',
  BSC: 'bsc',
  TRX: 'tron',
  LTC: 'litecoin',
  XMR: 'monero',
  BCH: 'bitcoin-cash',
  BSV: 'bitcoin-sv',
  BTG: 'bitcoin-gold',
  ZEC: 'zcash',
  DASH: 'dash',
  XVG: 'verge',
  XRP: 'xrp',
  SOL: 'solana',
  BNB: 'bnb-beacon',
};
const EVM_CHAINS = new Set(['ethereum', 'ethereum-classic', 'arbitrum', 'bsc']);

function expectedChain(asset: string, address: string): string {
  if (asset === 'USDT' || asset === 'USDC')
    return address.startsWith('0x') ? 'ethereum' : address.startsWith('T') ? 'tron' : 'bitcoin';
  // The one Tron address the 2025-11-19 list gives as XBT (Wang Mingming) goes on Tron.
  if (asset === 'XBT' && address.startsWith('T')) return 'tron';
  return EXPECTED_CHAIN[asset] ?? `unknown:${asset}`;
}

const canonical = (chain: string, address: string) =>
  EVM_CHAINS.has(chain) ? address.toLowerCase() : address;
const key = (chain: string, address: string) => `${chain} ${canonical(chain, address)}`;

async function withTempStore<T>(
  fn: (store: Awaited<ReturnType<typeof createDuckDbStore>>) => Promise<T>,
): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaintrail-eval-ofac-'));
  const store = await createDuckDbStore({ path: path.join(dir, 'eval.duckdb') });
  try {
    return await fn(store);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the OFAC checks, or returns null when the shared data is absent.
 *
 * @example
 * const lines = await evalOfac('/work/shared/data');
 */
export async function evalOfac(shared: string): Promise<OfacEvalLine[] | null> {
  const folder = path.join(shared, 'ofac');
  const xml = path.join(folder, 'brave-intl-lists-2025-12-04/sdn_advanced.xml.bz2');
  const derivedCsv = path.join(
    folder,
    'derived/sdn_advanced_2025-11-19_digital_currency_addresses.csv',
  );
  const oldLists = path.join(folder, '0xB10C-lists');
  if (![xml, derivedCsv, oldLists].every((p) => fs.existsSync(p))) return null;
  const derived = parse(fs.readFileSync(derivedCsv), { columns: true }) as DerivedRow[];
  const lines: OfacEvalLine[] = [];

  // 1. Every address of the derived table, with its entity, programs and asset's chain.
  await withTempStore(async (store) => {
    const started = performance.now();
    const result = await importLabels({ store, format: 'ofac-xml', path: xml });
    const seconds = (performance.now() - started) / 1000;
    const labels = await store.listLabels({ sanctionList: 'OFAC SDN' });
    const byKey = new Map<string, Label[]>();
    for (const l of labels) {
      const k = key(l.chain, l.address);
      byKey.set(k, [...(byKey.get(k) ?? []), l]);
    }
    const wrong: string[] = [];
    for (const r of derived) {
      const found = (byKey.get(key(expectedChain(r.asset, r.address), r.address)) ?? []).find((l) =>
        l.source.endsWith(`-${r.sdn_profile_id}`),
      );
      if (!found)
        wrong.push(`${r.asset} ${r.address}: no label on ${expectedChain(r.asset, r.address)}`);
      else if (
        found.entity !== r.sdn_primary_name ||
        (found.programs ?? []).join(';') !== r.programs
      )
        wrong.push(`${r.asset} ${r.address}: ${found.entity} ${found.programs?.join(';')}`);
    }
    lines.push({
      ok: wrong.length === 0 && result.labelsRead === derived.length,
      text:
        `${derived.length - wrong.length}/${derived.length} addresses of the derived table found with entity, programs and chain ` +
        `(${result.labelsRead} read, ${result.labelsWritten} labels stored, list ${result.listDate}, ${seconds.toFixed(1)} s)` +
        (wrong.length ? `\n         ${wrong.slice(0, 10).join('\n         ')}` : ''),
    });
  });

  // 2. Sep 2024 lists, then the Nov 2025 XML: closed = the set difference of the two lists.
  await withTempStore(async (store) => {
    const old = new Set<string>();
    for (const name of fs.readdirSync(oldLists)) {
      const m = /^sanctioned_addresses_([A-Z0-9]+)\.txt$/.exec(name);
      if (!m) continue;
      for (const line of fs.readFileSync(path.join(oldLists, name), 'utf8').split('\n')) {
        if (line.trim()) old.add(key(expectedChain(m[1]!, line.trim()), line.trim()));
      }
    }
    const current = new Set(derived.map((r) => key(expectedChain(r.asset, r.address), r.address)));
    const expectedClosed = [...old].filter((k) => !current.has(k)).length;
    await importLabels({
      store,
      format: 'ofac-lists',
      path: oldLists,
      options: { listDate: '2024-09-27' },
    });
    const update = await importLabels({ store, format: 'ofac-xml', path: xml });
    lines.push({
      ok: update.labelsClosed === expectedClosed,
      text: `Sep 2024 lists (${old.size} addresses) then the Nov 2025 XML: ${update.labelsClosed} closed, expected ${expectedClosed} (the set difference)`,
    });
  });
  return lines;
}
