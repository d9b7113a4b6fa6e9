import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';

/**
 * These tests count what each import adds, so their databases start without the shipped reference
 * set (test/cli/reference.test.ts covers that).
 */
function runLabels(args: readonly string[]) {
  return runCli(args, { env: { CHAINTRAIL_NO_REFERENCE: '1' } });
}
import { makeTempDir } from '../helpers/temp-dir.ts';

// These tests run the real `chaintrail` binary (built by `npm run build`, which `npm test` runs first)
// on real OFAC excerpts (test/fixtures/ofac/PROVENANCE.md).
const OFAC = path.resolve(import.meta.dirname, '../fixtures/ofac');
const XML = path.join(OFAC, 'sdn_advanced_2025-11-19_excerpt.xml');
const SEP_2024 = path.join(OFAC, '0xB10C-2024-09-27');
const TORNADO_CSV = path.join(OFAC, 'brianleect-tornado-cash/tornado-cash.csv');
// Lazarus Group's first ETH address on the SDN list, as OFAC writes it (EIP-55).
const LAZARUS = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96';
// The Tornado.Cash 0.1 ETH pool, on the Sep 2024 list and no longer on the 2025 one.
const TORNADO_POOL = '0x12d66f87a04a9e220743712ce6d9bb1b5616b8fc';

const dir = makeTempDir();
afterAll(() => dir.cleanup());
const db = (name: string) => path.join(dir.path, `${name}.duckdb`);

type ImportJson = {
  alreadyImported: boolean;
  labelsRead: number;
  labelsWritten: number;
  labelsClosed: number;
  listDate: string | null;
  warnings: string[];
};

describe('chaintrail labels', () => {
  it('prints help for every labels command and exits 0', async () => {
    for (const args of [
      ['labels', '--help'],
      ['labels', 'import', '--help'],
      ['labels', 'update', '--help'],
      ['labels', 'show', '--help'],
      ['labels', 'imports', '--help'],
    ]) {
      const run = await runLabels(args);
      expect(run.code, args.join(' ')).toBe(0);
      expect(run.stdout).toMatch(/Usage: chaintrail labels/);
    }
    expect((await runLabels(['labels', 'import', '--help'])).stdout).toMatch(
      /ofac-xml[\s\S]*--map <fields>[\s\S]*--list-date[\s\S]*--json[\s\S]*Formats:/,
    );
  });

  it('imports the official XML once, shows the labels of an address and the import log', async () => {
    const first = await runLabels(['labels', 'import', 'ofac-xml', XML, '--db', db('xml')]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^Imported OFAC SDN of 2025-11-19 \(ofac-xml, .*excerpt\.xml\): \d+ labels read, \d+ new, \d+ already known, 0 closed/,
    );
    expect(first.stderr).toMatch(
      /warning: .*TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq .*labelled on tron/,
    );

    const again = await runLabels([
      'labels',
      'import',
      'ofac-xml',
      XML,
      '--db',
      db('xml'),
      '--json',
    ]);
    expect(again.code).toBe(0);
    const againJson = JSON.parse(again.stdout) as ImportJson;
    expect(againJson).toMatchObject({ alreadyImported: true, labelsWritten: 0 });
    expect(againJson.warnings[0]).toMatch(/^already imported on \d{4}-\d{2}-\d{2} \(import 1\)$/);

    const show = await runLabels(['labels', 'show', LAZARUS, '--db', db('xml')]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(
      /ethereum +0x098b716b8aaf21512996dc57eb0615e2383e2f96 +sanctioned +Lazarus Group +OFAC SDN DPRK3 +open +60 +https:\/\/sanctionslist\.ofac\.treas\.gov\/#profile-27307/,
    );
    const json = JSON.parse(
      (await runLabels(['labels', 'show', LAZARUS.toLowerCase(), '--db', db('xml'), '--json']))
        .stdout,
    ) as { labels: { chain: string; programs: string[] }[] };
    expect(json.labels).toEqual([
      expect.objectContaining({ chain: 'ethereum', programs: ['DPRK3'] }),
    ]);
    // One address, three chains (OFAC lists it as ETH, ARB and BSC); --chain narrows to one.
    const sim = '0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c';
    const all = await runLabels(['labels', 'show', sim, '--db', db('xml'), '--json']);
    expect((JSON.parse(all.stdout) as { labels: unknown[] }).labels).toHaveLength(3);
    const bsc = await runLabels([
      'labels',
      'show',
      sim,
      '--chain',
      'bsc',
      '--db',
      db('xml'),
      '--json',
    ]);
    expect((JSON.parse(bsc.stdout) as { labels: { chain: string }[] }).labels).toEqual([
      expect.objectContaining({ chain: 'bsc' }),
    ]);
    const none = await runLabels(['labels', 'show', TORNADO_POOL, '--db', db('xml')]);
    expect(none).toMatchObject({ code: 0, stdout: `No labels for ${TORNADO_POOL}.\n` });

    const log = await runLabels(['labels', 'imports', '--db', db('xml')]);
    expect(log.code).toBe(0);
    expect(log.stdout).toMatch(/^id +format +list +list date +labels/);
    expect(log.stdout).toMatch(/\n +1 +ofac-xml +OFAC SDN +2025-11-19 +\d+ +0 /);
  });

  it('update imports a newer official list and names what it added and closed', async () => {
    const old = await runLabels([
      'labels',
      'import',
      'ofac-lists',
      SEP_2024,
      '--list-date',
      '2024-09-27',
      '--db',
      db('update'),
      '--json',
    ]);
    expect(old.code).toBe(0);
    const update = await runLabels(['labels', 'update', XML, '--db', db('update'), '--json']);
    expect(update.code).toBe(0);
    const report = JSON.parse(update.stdout) as {
      result: ImportJson;
      added: unknown[];
      closed: { address: string; validTo: string }[];
    };
    expect(report.result.labelsClosed).toBeGreaterThan(0);
    expect(report.closed).toHaveLength(report.result.labelsClosed);
    expect(report.added).toHaveLength(report.result.labelsWritten);
    expect(report.closed).toContainEqual(
      expect.objectContaining({ address: TORNADO_POOL, validTo: '2025-11-19' }),
    );
    const text = await runLabels(['labels', 'show', TORNADO_POOL, '--db', db('update')]);
    expect(text.stdout).toMatch(/sanctioned +OFAC SDN +… to 2025-11-19/);
    const log = JSON.parse(
      (await runLabels(['labels', 'imports', '--db', db('update'), '--json'])).stdout,
    ) as { format: string; closed: number }[];
    expect(log.map((i) => [i.format, i.closed])).toEqual([
      ['ofac-lists', 0],
      ['ofac-xml', report.result.labelsClosed],
    ]);
    const again = await runLabels(['labels', 'update', XML, '--db', db('update')]);
    expect(again.stdout).toMatch(/was already imported on .*nothing to do/);
  });

  it('imports a CSV list by mapping, with constants from flags', async () => {
    const run = await runLabels([
      'labels',
      'import',
      'csv',
      TORNADO_CSV,
      '--map',
      'address=Address,entity=Name Tag',
      '--chain',
      'ethereum',
      '--category',
      'mixer',
      '--confidence',
      'service_data',
      '--source',
      'https://etherscan.io/accounts/label/tornado-cash',
      '--db',
      db('csv'),
      '--json',
    ]);
    expect(run.code).toBe(0);
    const rows = fs.readFileSync(TORNADO_CSV, 'utf8').trim().split('\n').length - 1;
    expect(JSON.parse(run.stdout)).toMatchObject({ labelsRead: rows, labelsWritten: rows });
    const show = await runLabels(['labels', 'show', TORNADO_POOL, '--db', db('csv')]);
    expect(show.stdout).toMatch(
      /mixer +Tornado\.Cash: 0\.1 ETH +open +50 +https:\/\/etherscan\.io/,
    );
  });

  it('exits 2 with a one-line reason on bad input, and stores nothing', async () => {
    const bad = async (args: string[], message: RegExp) => {
      const run = await runLabels([...args, '--db', db('bad')]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    };
    await bad(['labels', 'import', 'yaml', XML], /Unknown label format "yaml"/);
    await bad(['labels', 'import', 'ofac-xml', path.join(dir.path, 'none.xml')], /No such file/);
    await bad(['labels', 'import', 'ofac-lists', SEP_2024], /needs --list-date/);
    await bad(
      ['labels', 'import', 'csv', TORNADO_CSV, '--confidence', '101'],
      /--confidence: confidence must be 0-100/,
    );
    const rows = fs.readFileSync(TORNADO_CSV, 'utf8').split('\n');
    rows[5] = rows[5]!.replace(/0x[0-9a-f]{40}/, '0x12');
    const broken = path.join(dir.path, 'broken.csv');
    fs.writeFileSync(broken, rows.join('\n'));
    await bad(
      [
        'labels',
        'import',
        'csv',
        broken,
        '--map',
        'address=Address',
        '--chain',
        'ethereum',
        '--category',
        'mixer',
      ],
      /broken\.csv:6: Invalid ethereum address "0x12"/,
    );
    const cut = path.join(dir.path, 'cut.xml');
    fs.writeFileSync(cut, fs.readFileSync(XML, 'utf8').slice(0, 150_000));
    await bad(
      ['labels', 'import', 'ofac-xml', cut],
      /cut\.xml:\d+:\d+: malformed XML: unclosed tag/,
    );
    await bad(
      ['labels', 'show', '0x098B716B8Aaf21512996dC57EB0615e2383E2F96'],
      /bad EIP-55 checksum/,
    );
    const log = await runLabels(['labels', 'imports', '--db', db('bad'), '--json']);
    expect(JSON.parse(log.stdout)).toEqual([]);
  });
});
