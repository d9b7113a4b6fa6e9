import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { normalizeAddress } from '../../src/model/address.ts';
import type { Transfer } from '../../src/model/transfer.ts';
import type { Label, LabelImportRecord, Store } from '../../src/store/store.ts';
import { realAddressPool } from './generate-transfers-csv.ts';

const DIR = path.resolve(import.meta.dirname, '../fixtures/screen');
const OFAC_SOURCE = 'https://sanctionslist.ofac.treas.gov/';
const FBI_SOURCE = 'https://www.ic3.gov/PSA/2025/PSA250226';
/** GraphSense's `authority_data` confidence (src/labels/taxonomy.ts). */
const AUTHORITY_DATA = 60;

/** OFAC's asset codes of the sample, and the chain an importer files each under. */
const CHAIN_OF_ASSET: Record<string, string> = {
  ETH: 'ethereum',
  USDT: 'ethereum', // the sample's USDT row is an 0x address: USDT on Ethereum
  XBT: 'bitcoin',
  TRX: 'tron',
};

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** An OFAC-derived row of the sample, as read. */
export type OfacRow = {
  asset: string;
  address: string;
  sdn_primary_name: string;
  programs: string;
  sanctions_entry_date: string;
};

/** The rows of `ofac-sdn-2025-11-19-sample.csv` (see test/fixtures/screen/PROVENANCE.md). */
export function ofacRows(): OfacRow[] {
  return parse(fs.readFileSync(path.join(DIR, 'ofac-sdn-2025-11-19-sample.csv')), {
    columns: true,
  }) as OfacRow[];
}

/** The OFAC sample as labels, the way an SDN importer files them (Lazarus gets its actor and country). */
export function ofacLabels(): Label[] {
  return ofacRows().map((r) => {
    const chain = CHAIN_OF_ASSET[r.asset]!;
    const lazarus = r.sdn_primary_name === 'Lazarus Group';
    return {
      chain,
      address: normalizeAddress(chain, r.address),
      entity: r.sdn_primary_name,
      category: 'sanctioned',
      actor: lazarus ? 'lazarus-group' : null,
      country: lazarus ? 'KP' : null,
      source: OFAC_SOURCE,
      confidence: AUTHORITY_DATA,
      sanctionList: 'OFAC SDN',
      programs: r.programs.split(';'),
      validFrom: r.sanctions_entry_date,
    };
  });
}

/** The import record of the OFAC sample (the list's date is the XML's DateOfIssue). */
export function ofacImport(): LabelImportRecord {
  const file = path.join(DIR, 'ofac-sdn-2025-11-19-sample.csv');
  return {
    format: 'csv',
    source: file,
    listName: 'OFAC SDN',
    listDate: '2025-11-19',
    sha256: sha256(file),
  };
}

/** The FBI PSA sample's addresses, as published (EIP-55). */
export function fbiAddresses(): string[] {
  return (
    parse(fs.readFileSync(path.join(DIR, 'fbi-psa-250226-sample.csv')), { columns: true }) as {
      address: string;
    }[]
  ).map((r) => r.address);
}

/** The FBI sample as attribution labels: TraderTraitor, i.e. Lazarus Group, North Korea. */
export function fbiLabels(): Label[] {
  return fbiAddresses().map((a) => ({
    chain: 'ethereum',
    address: normalizeAddress('ethereum', a),
    entity: 'TraderTraitor',
    category: 'theft',
    actor: 'lazarus-group',
    country: 'KP',
    source: FBI_SOURCE,
    confidence: AUTHORITY_DATA,
  }));
}

/** The import record of the FBI sample. */
export function fbiImport(): LabelImportRecord {
  const file = path.join(DIR, 'fbi-psa-250226-sample.csv');
  return {
    format: 'csv',
    source: file,
    listName: 'FBI PSA I-022625-PSA',
    listDate: '2025-02-26',
    sha256: sha256(file),
  };
}

/** Tornado Cash's first ETH address and programs, from the 2024-05-03 SDN.CSV line. */
export function tornadoCash(): { address: string; entity: string; programs: string[] } {
  const [fields] = parse(
    fs.readFileSync(path.join(DIR, 'sdn-2024-05-03-tornado-cash.csv')),
  ) as string[][];
  const address = /Digital Currency Address - ETH (0x[0-9a-fA-F]{40})/.exec(fields![11]!)![1]!;
  return {
    address,
    entity: fields![1]!,
    // SDN.CSV writes several programs as "[A] [B]" and keeps the inner brackets in the field.
    programs: fields![3]!.split('] ['),
  };
}

/** The genesis block's output address (bitcoin-etl fixture): a real, unlabelled Bitcoin address. */
export function genesisBitcoinAddress(): string {
  const tx = JSON.parse(
    fs.readFileSync(path.join(DIR, 'bitcoin-etl/block_0_expected_transactions.json'), 'utf8'),
  ) as { outputs: { addresses: string[] }[] };
  return tx.outputs[0]!.addresses[0]!;
}

/** Real, unlabelled mainnet addresses (ethereum-etl fixture), `n` of them, in a fixed order. */
export function plainAddresses(n: number): string[] {
  return realAddressPool()
    .filter((a) => a !== '0x0000000000000000000000000000000000000000')
    .slice(0, n);
}

/** A synthetic transaction hash: SHA-256 of a test-local name (no such transaction exists). */
export function syntheticTxHash(name: string, evm = true): string {
  const hex = createHash('sha256').update(`chaintrail-test:${name}`).digest('hex');
  return evm ? `0x${hex}` : hex;
}

/** A synthetic transfer between real addresses, at `time` (ISO day or Unix seconds). */
export function transfer(
  name: string,
  from: string | null,
  to: string | null,
  amount: bigint,
  options: Partial<Transfer> & { day?: string } = {},
): Transfer {
  const chain = options.chain ?? 'ethereum';
  const { day, ...rest } = options;
  return {
    chain,
    blockNumber: 1n,
    blockTime: day ? Date.parse(`${day}T12:00:00Z`) / 1000 : null,
    txHash: syntheticTxHash(name, chain !== 'bitcoin'),
    position: 'call:',
    from,
    to,
    asset: 'native',
    amount,
    kind: 'native',
    ...rest,
  };
}

/** Writes the OFAC and FBI samples as two label imports. */
export async function writeSampleLabels(store: Store): Promise<void> {
  await store.write(async (w) => {
    await w.recordLabelImport(ofacImport());
    await w.addLabels(ofacLabels());
  });
  await store.write(async (w) => {
    await w.recordLabelImport(fbiImport());
    await w.addLabels(fbiLabels());
  });
}
