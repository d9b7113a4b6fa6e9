import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClusters } from '../../src/cluster/build-clusters.ts';
import { createDuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';
import { SCREEN_CSV_COLUMNS as SCREEN_COLUMNS } from '../../src/screen/format-results.ts';
import { etlBitcoinTransfers } from '../helpers/bitcoin-etl-transfers.ts';
import { runCli } from '../helpers/run-cli.ts';
import {
  fbiAddresses,
  ofacRows,
  plainAddresses,
  syntheticTxHash,
  transfer,
  writeSampleLabels,
} from '../helpers/screen-fixtures.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// These tests run the real `chaintrail` binary (built by `npm run build`, which `npm test` runs first).
const ETH = 10n ** 18n;
const dir = makeTempDir();
const db = path.join(dir.path, 'screen.duckdb');
const ofac = (name: string) => ofacRows().find((r) => r.sdn_primary_name === name)!.address;
const lazarus = ofac('Lazarus Group');
const lazarusLower = lazarus.toLowerCase();
const [m, x, y, a] = plainAddresses(4) as [string, string, string, string];
const AS_OF = ['--as-of', '2025-12-01'];

type JsonResult = {
  input: string;
  address: string;
  chain: string | null;
  error: string | null;
  sanctioned: boolean | null;
  riskLevel: string | null;
  labels: { category: string; entity: string | null; actor: string | null; source: string }[];
  exposure: {
    indirect:
      { category: string; share: number; amount: string; sources: { path: string[] }[] }[] | null;
  };
  explanation: {
    fired: { rule: string }[];
    rules: { version: string };
    labelSet: { listName: string | null }[];
  };
};

beforeAll(async () => {
  const store = await createDuckDbStore({ path: db });
  await writeSampleLabels(store);
  // lazarus -6-> m, x -4-> m, m -5-> a, y -5-> a: a has 30% sanctioned inflow at two hops.
  await store.write((w) =>
    w.appendTransfers([
      transfer('s-m', lazarusLower, m, 6n * ETH, { day: '2025-03-01' }),
      transfer('x-m', x, m, 4n * ETH, { day: '2025-03-02' }),
      transfer('m-a', m, a, 5n * ETH, { day: '2025-03-03' }),
      transfer('y-a', y, a, 5n * ETH, { day: '2025-03-03' }),
    ]),
  );
  await store.close();
});
afterAll(() => dir.cleanup());

describe('chaintrail screen', () => {
  it('has help', async () => {
    const screen = await runCli(['screen', '--help']);
    expect(screen.code).toBe(0);
    expect(screen.stdout).toMatch(
      /--file <csv>[\s\S]*--tx <hash>[\s\S]*--hops <n>[\s\S]*--format <format>/,
    );
    const share = await runCli(['stats', 'illicit-share', '--help']);
    expect(share.code).toBe(0);
    expect(share.stdout).toMatch(/--asset <assets>[\s\S]*--by <grouping>/);
  });

  it('prints a JSON array with address, chain, sanctioned, riskLevel and labels, and an error row for a bad address', async () => {
    const run = await runCli([
      'screen',
      lazarus,
      fbiAddresses()[0]!,
      a,
      '0x1234',
      '--json',
      '--db',
      db,
      ...AS_OF,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const results = JSON.parse(run.stdout) as JsonResult[];
    expect(results.map((r) => [r.address, r.chain, r.sanctioned, r.riskLevel])).toEqual([
      [lazarusLower, 'ethereum', true, 'severe'],
      [fbiAddresses()[0]!.toLowerCase(), 'ethereum', false, 'severe'],
      [a, 'ethereum', false, 'high'],
      ['0x1234', 'ethereum', null, null],
    ]);
    expect(results[0]!.labels).toEqual([
      expect.objectContaining({
        category: 'sanctioned',
        entity: 'Lazarus Group',
        actor: 'lazarus-group',
        source: 'https://sanctionslist.ofac.treas.gov/',
      }),
    ]);
    expect(results[1]!.labels).toEqual([
      expect.objectContaining({
        category: 'theft',
        entity: 'TraderTraitor',
        actor: 'lazarus-group',
      }),
    ]);
    const sanctionedIn = results[2]!.exposure.indirect!.find((e) => e.category === 'sanctioned')!;
    expect(sanctionedIn).toMatchObject({ share: 0.3, amount: (3n * ETH).toString() });
    expect(sanctionedIn.sources[0]!.path).toEqual([lazarusLower, m, a]);
    expect(results[2]!.explanation.rules.version).toBe('chaintrail-default-2');
    expect(results[2]!.explanation.labelSet.map((l) => l.listName)).toEqual([
      'OFAC SDN',
      'FBI PSA I-022625-PSA',
    ]);
    expect(results[3]!.error).toBe('expected 0x followed by 40 hex characters');
  });

  it('prints a table with the rule that fired, the path and the lists used', async () => {
    const run = await runCli(['screen', a, '--db', db, ...AS_OF]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/address\s+chain\s+risk\s+sanctioned/);
    expect(run.stdout).toContain('rule in-sanctioned-10 -> high: 30.00% of ETH received (3 of 10)');
    expect(run.stdout).toContain(`3 via ${lazarusLower} -> ${m} -> ${a} [Lazarus Group]`);
    expect(run.stdout).toContain(
      `transfers: ${syntheticTxHash('s-m')} (hop 2), ${syntheticTxHash('m-a')} (hop 1)`,
    );
    expect(run.stdout).toMatch(
      /rules: default-risk-rules\.yaml version chaintrail-default-2 \(sha256 [0-9a-f]{12}…\); labels valid on 2025-12-01/,
    );
    expect(run.stdout).toMatch(/#1 OFAC SDN of 2025-11-19 sha256 [0-9a-f]{12}…/);
  });

  it('shows a Bitcoin address its exposure through its cluster, with the rule and the path', async () => {
    // bitcoin-etl's real blocks 50001-50002: 7940cdde… pays 1HaHTf… 100 BTC from 1DoQeK… and
    // 1PZMgk… (one cluster once built), f8476145… 50 BTC from 18dxbN…. A constructed theft label of
    // 1DoQeK… (no list names it) reaches 1PZMgk… through the cluster.
    const btcDb = path.join(dir.path, 'screen-bitcoin.duckdb');
    const store = await createDuckDbStore({ path: btcDb });
    await store.write(async (w) => {
      await w.appendTransfers(etlBitcoinTransfers());
      await w.addLabels([
        {
          chain: 'bitcoin',
          address: '1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae',
          entity: 'constructed theft',
          category: 'theft',
          source: 'test: constructed label',
          confidence: 60,
        },
      ]);
    });
    await buildClusters({ store, chain: 'bitcoin' });
    await store.close();
    const run = await runCli([
      'screen',
      '1HaHTfmvoUW6i6nhJf8jJs6tU4cHNmBQHQ',
      '--chain',
      'bitcoin',
      '--hops',
      '1',
      '--db',
      btcDb,
      ...AS_OF,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      'rule in-illicit-25 -> high: 66.67% of BTC received (100 of 150) came from illicit',
    );
    expect(run.stdout).toContain(
      '50 via 1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m9 -> 1HaHTfmvoUW6i6nhJf8jJs6tU4cHNmBQHQ [constructed theft, label via cluster of 1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae]',
    );
  });

  it("answers in the shape of Chainalysis's sanctions API", async () => {
    const one = await runCli(['screen', lazarus, '--format', 'chainalysis', '--db', db, ...AS_OF]);
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout)).toEqual({
      identifications: [
        {
          category: 'sanctions',
          name: `SANCTIONS: OFAC SDN Lazarus Group 2019-09-13 ${lazarusLower}`,
          description:
            'Lazarus Group is on the OFAC SDN list under program DPRK3 (since 2019-09-13).',
          url: 'https://sanctionslist.ofac.treas.gov/',
        },
      ],
    });
    const two = await runCli([
      'screen',
      lazarus,
      a,
      '--format',
      'chainalysis',
      '--hops',
      '0',
      '--db',
      db,
      ...AS_OF,
    ]);
    const parsed = JSON.parse(two.stdout) as { address: string; identifications: unknown[] }[];
    expect(parsed.map((p) => [p.address, p.identifications.length])).toEqual([
      [lazarusLower, 1],
      [a, 0],
    ]);
  });

  it('screens a CSV file (address, optional chain) to CSV, keeping bad rows as errors', async () => {
    const file = path.join(dir.path, 'in.csv');
    const bech = ofac('SOUTHFRONT');
    const tron = ofac('GARANTEX EUROPE OU');
    fs.writeFileSync(
      file,
      [
        'id,Address,chain',
        `1,${lazarus},`,
        `2,${bech.toUpperCase()},bitcoin`,
        `3,${tron},tron`,
        `4,${lazarus},bitcoin`,
        `5,${a},ethereum`,
      ].join('\n'),
    );
    const run = await runCli(['screen', '--file', file, '--format', 'csv', '--db', db, ...AS_OF]);
    expect(run.code, run.stderr).toBe(0);
    const rows = parse(run.stdout, { columns: true }) as Record<string, string>[];
    // The file's own columns first, as written; verdict columns it already names get `screened_`.
    expect(Object.keys(rows[0]!).slice(0, 5)).toEqual([
      'id',
      'Address',
      'chain',
      'screened_address',
      'screened_chain',
    ]);
    expect(rows.map((r) => r.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(
      rows.map((r) => [
        r.screened_address,
        r.screened_chain,
        r.sanctioned,
        r.risk_level,
        r.sanctioned_entities,
      ]),
    ).toEqual([
      [lazarusLower, 'ethereum', 'true', 'severe', 'Lazarus Group'],
      [bech, 'bitcoin', 'true', 'severe', 'SOUTHFRONT'],
      [tron, 'tron', 'true', 'severe', 'GARANTEX EUROPE OU'],
      [lazarus, 'bitcoin', '', '', ''],
      [a, 'ethereum', 'false', 'high', ''],
    ]);
    expect(rows[3]!.error).toMatch(/base58/);
    expect(rows[4]!.indirect_exposure).toBe('in illicit ETH 30.00%; in sanctioned ETH 30.00%');
    expect(rows[2]!.programs).toBe('CYBER4; RUSSIA-EO14024');
  });

  it("keeps a file's other columns beside each verdict: order, names, quoted commas, a byte-order mark, bad rows", async () => {
    const file = path.join(dir.path, 'deposits.csv');
    const rows = [
      ['c-1', lazarus, syntheticTxHash('dep-1'), '1,000.50'],
      ['c-2, "vip"', a, syntheticTxHash('dep-2'), '2'],
      ['c-3', '', syntheticTxHash('dep-3'), '3'],
      ['c-4', '0x1234', syntheticTxHash('dep-4'), 'line one\nline two'],
      ['c-5', fbiAddresses()[0]!, syntheticTxHash('dep-5'), '5'],
    ];
    const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
    const write = (header: string) =>
      fs.writeFileSync(
        file,
        `\uFEFF${header}\r\n${rows.map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`,
      );
    // No column is named "address": the one whose cells are addresses is taken, and named.
    write('Customer ID,Wallet,Deposit TX,Amount');
    const run = await runCli([
      'screen',
      '--file',
      file,
      '--format',
      'csv',
      '--hops',
      '0',
      '--db',
      db,
      ...AS_OF,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe(
      `${file}: no "address" column; screening column "Wallet" (2 of 4), whose cells are addresses (--address-column names another)\n`,
    );
    const out = parse(run.stdout, { columns: true }) as Record<string, string>[];
    expect(Object.keys(out[0]!)).toEqual([
      'Customer ID',
      'Wallet',
      'Deposit TX',
      'Amount',
      ...SCREEN_COLUMNS.slice(1),
    ]);
    expect(out.map((r) => [r['Customer ID'], r.Wallet, r['Deposit TX'], r.Amount])).toEqual(rows);
    expect(out.map((r) => [r.address, r.sanctioned, r.risk_level, r.error])).toEqual([
      [lazarusLower, 'true', 'severe', ''],
      [a, 'false', 'low', ''],
      ['', '', '', 'line 4: no address in column "Wallet"'],
      ['0x1234', '', '', 'expected 0x followed by 40 hex characters'],
      [fbiAddresses()[0]!.toLowerCase(), 'false', 'severe', ''],
    ]);

    // Named with --address-column, the same rows; a row with a cell too many is kept, unscreened.
    write('customer_id,address_1,deposit_tx,amount');
    fs.appendFileSync(file, `c-6,${lazarus},0xff,6,000\r\n`);
    const named = await runCli([
      'screen',
      '--file',
      file,
      '--address-column',
      'ADDRESS_1',
      '--format',
      'csv',
      '--hops',
      '0',
      '--db',
      db,
      ...AS_OF,
    ]);
    expect(named.code, named.stderr).toBe(0);
    expect(named.stderr).toBe('');
    const again = parse(named.stdout, { columns: true }) as Record<string, string>[];
    expect(again.map((r) => [r.customer_id, r.address_1, r.sanctioned])).toEqual([
      ...rows.map((r, i) => [r[0], r[1], ['true', 'false', '', '', 'false'][i]]),
      ['c-6', lazarus, ''],
    ]);
    // Line 8: c-4's amount spans two lines.
    expect(again[5]!.error).toBe(
      'line 8 has 5 cells, the header 4: quote the cells that hold commas',
    );
  });

  it('screens the addresses of a stored transaction', async () => {
    const run = await runCli([
      'screen',
      '--tx',
      syntheticTxHash('s-m'),
      '--json',
      '--hops',
      '0',
      '--db',
      db,
      ...AS_OF,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const results = JSON.parse(run.stdout) as JsonResult[];
    expect(results.map((r) => [r.address, r.sanctioned])).toEqual([
      [lazarusLower, true],
      [m, false],
    ]);
  });

  it('exits 2 with one clear line on bad usage and bad input', async () => {
    const cases: [string[], RegExp][] = [
      [['screen'], /Give addresses, or --file <csv>, or --tx <hash>/],
      [['screen', a, '--hops', '9'], /expected a whole number from 0 to 6/],
      [['screen', a, '--format', 'xml'], /expected one of table, json, csv, chainalysis/],
      [['screen', a, '--as-of', '2025-13-01'], /Invalid date "2025-13-01"/],
      [['screen', '--tx', syntheticTxHash('nothing')], /No stored transfers for transaction/],
    ];
    const noAddress = path.join(dir.path, 'no-address.csv');
    fs.writeFileSync(noAddress, 'wallet,chain\n0x00,ethereum\n');
    cases.push(
      [
        ['screen', '--file', noAddress],
        new RegExp(
          `${noAddress.replaceAll('.', '\\.')}:1: no "address" column in the header \\(found: wallet, chain\\), and no column of addresses in its first rows: name it with --address-column`,
        ),
      ],
      [
        ['screen', '--file', noAddress, '--address-column', 'deposit'],
        /no-address\.csv:1: no column "deposit" in the header \(found: wallet, chain\)/,
      ],
      [['screen', a, '--address-column', 'wallet'], /--address-column goes with --file <csv>/],
    );
    const badRules = path.join(dir.path, 'rules.yaml');
    fs.writeFileSync(
      badRules,
      'version: 1\nrules:\n  - { id: x, exposure: sideways, category: theft, level: high }\n',
    );
    cases.push([
      ['screen', a, '--rules', badRules],
      /rules\.yaml:3: rules\[0\] \(x\): exposure must be direct or indirect/,
    ]);
    for (const [args, message] of cases) {
      const run = await runCli([...args, '--db', db]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(message);
    }
  });
});

describe('chaintrail stats illicit-share', () => {
  it('prints the share with its definitions and the label set, as a table and as JSON', async () => {
    const json = await runCli(['stats', 'illicit-share', '--json', '--db', db]);
    expect(json.code, json.stderr).toBe(0);
    const r = JSON.parse(json.stdout) as {
      rows: { symbol: string; illicitVolume: string; volume: string; share: number }[];
      definitions: { numerator: string; denominator: string };
      labelSet: { used: { listName: string }[] };
    };
    // Of 20 ETH moved, the 6 sent by the Lazarus address are illicit.
    expect(r.rows).toEqual([
      expect.objectContaining({
        symbol: 'ETH',
        illicitVolume: (6n * ETH).toString(),
        volume: (20n * ETH).toString(),
        share: 0.3,
      }),
    ]);
    expect(r.labelSet.used.map((i) => i.listName)).toEqual(['OFAC SDN']);
    const table = await runCli(['stats', 'illicit-share', '--by', 'month', '--db', db]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/ethereum\s+ETH\s+2025-03\s+6\s+20\s+30\.0000%\s+1\s+4/);
    expect(table.stdout).toContain(
      'numerator: value of the transfers of the asset sent from or to an address with a label',
    );
    expect(table.stdout).toMatch(
      /label set: 1 of 2 label imports matched:\n\s+#1 OFAC SDN \(.+\), list date 2025-11-19, imported \S+, sha256 [0-9a-f]{64}\n/,
    );
    // Plain `stats` still works beside its subcommand.
    expect((await runCli(['stats', '--json', '--db', db])).code).toBe(0);
    const bad = await runCli(['stats', 'illicit-share', '--by', 'week', '--db', db]);
    expect(bad.code).toBe(2);
  });
});

describe('chaintrail labels import + screen: a delisting end to end', () => {
  it('shows the Tornado Cash contracts delisted between the Sep 2024 and Nov 2025 OFAC lists as formerly sanctioned, with the date', async () => {
    const fixtures = path.resolve(import.meta.dirname, '../fixtures/ofac');
    const lists = (folder: string) =>
      new Set(
        fs
          .readFileSync(path.join(fixtures, folder, 'sanctioned_addresses_ETH.txt'), 'utf8')
          .split('\n')
          .map((l) => l.trim().toLowerCase())
          .filter(Boolean),
      );
    // Tornado Cash's contracts by Etherscan's label (MIT), delisted if on the 2024 list only.
    const tornado = (
      parse(fs.readFileSync(path.join(fixtures, 'brianleect-tornado-cash/tornado-cash.csv')), {
        columns: true,
      }) as { Address: string }[]
    ).map((r) => r.Address.toLowerCase());
    const [old, current] = [lists('0xB10C-2024-09-27'), lists('brave-intl-2025-12-04')];
    const delisted = tornado.filter((a) => old.has(a) && !current.has(a));
    expect(delisted.length).toBeGreaterThan(0);

    const listsDb = path.join(dir.path, 'delisting.duckdb');
    const env = { env: { CHAINTRAIL_NO_REFERENCE: '1' } };
    for (const [folder, date] of [
      ['0xB10C-2024-09-27', '2024-09-27'],
      ['brave-intl-2025-12-04', '2025-11-19'],
    ] as const) {
      const run = await runCli(
        [
          'labels',
          'import',
          'ofac-lists',
          path.join(fixtures, folder),
          '--list-date',
          date,
          '--db',
          listsDb,
        ],
        env,
      );
      expect(run.code, run.stderr).toBe(0);
    }
    const after = await runCli(
      ['screen', ...delisted, '--as-of', '2025-12-01', '--json', '--db', listsDb],
      env,
    );
    expect(after.code, after.stderr).toBe(0);
    for (const r of JSON.parse(after.stdout) as {
      sanctioned: boolean;
      formerlySanctioned: boolean;
      formerSanctions: { list: string; validTo: string }[];
    }[]) {
      expect(r).toMatchObject({ sanctioned: false, formerlySanctioned: true });
      expect(r.formerSanctions).toContainEqual(
        expect.objectContaining({ list: 'OFAC SDN', validTo: '2025-11-19' }),
      );
    }
    // On a day before the newer list they were sanctioned.
    const before = await runCli(
      ['screen', delisted[0]!, '--as-of', '2025-01-01', '--json', '--db', listsDb],
      env,
    );
    expect((JSON.parse(before.stdout) as { sanctioned: boolean }[])[0]!.sanctioned).toBe(true);
  });
});
