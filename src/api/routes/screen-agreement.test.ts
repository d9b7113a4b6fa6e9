import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomAddresses } from '../../../test/helpers/random-addresses.ts';
import { runCli } from '../../../test/helpers/run-cli.ts';
import {
  plainAddresses,
  transfer,
  writeSampleLabels,
} from '../../../test/helpers/screen-fixtures.ts';
import { makeTempDir } from '../../../test/helpers/temp-dir.ts';
import { loadReferenceLabels } from '../../labels/reference.ts';
import { createDuckDbStore } from '../../store/duckdb/duckdb-store.ts';
import type { Store } from '../../store/store.ts';
import { type ApiApp, buildApp } from '../app.ts';
import { createApiKey } from '../auth/api-keys.ts';

// Every unique address of OFAC's 2025-11-19 SDN list (test/fixtures/ofac/PROVENANCE.md) and 420
// random valid addresses of 14 forms, pasted without a chain, through the three ways a user screens:
// the CLI, `POST /v1/screen` and the Chainalysis-shaped `GET /v1/address/{address}`.
const SDN = fs
  .readFileSync(path.resolve('test/fixtures/ofac/sdn-2025-11-19-addresses.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split('\t')[1]!);
const RANDOM = randomAddresses('screen-agreement', 30).map((r) => r.address);
/** A day after the list. */
const AS_OF = '2025-12-01';

/** What all three must agree on: sanctioned or not, and by whom on which chains. */
type Verdict = { sanctioned: boolean; listings: string[] };

const listing = (chain: string | null, entity: string | null) => `${chain ?? '?'}: ${entity}`;

describe('screening agrees across the CLI, POST /v1/screen and the Chainalysis-shaped route', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let store: Store;
  let app: ApiApp;
  let key: string;
  const dbPath = () => path.join(dir.path, 'db.duckdb');

  beforeAll(async () => {
    dir = makeTempDir('chaintrail-agree-');
    const seed = await createDuckDbStore({ path: dbPath() });
    await loadReferenceLabels({ store: seed, dir: path.resolve('data/reference') });
    await seed.close();
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    dir.cleanup();
  });

  it('flags all 745 SDN addresses with their entity, and none of 420 random addresses, the same way everywhere', async () => {
    expect(SDN).toHaveLength(745);
    const inputs = [...SDN, ...RANDOM];
    const csv = path.join(dir.path, 'pasted.csv');
    fs.writeFileSync(csv, `address\n${inputs.join('\n')}\n`);

    // The CLI first: the API server holds the database open.
    const cli = await runCli([
      'screen',
      '--file',
      csv,
      '--format',
      'json',
      '--hops',
      '0',
      '--as-of',
      AS_OF,
      '--db',
      dbPath(),
    ]);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    type Row = {
      input: string;
      chain: string | null;
      sanctioned: boolean | null;
      sanctions: { entity: string | null }[];
      alsoListedOn: { chain: string; sanctions: { entity: string | null }[] }[];
    };
    const verdictOf = (r: Row): Verdict => ({
      sanctioned: r.sanctioned === true || r.alsoListedOn.some((l) => l.sanctions.length > 0),
      listings: [
        ...r.sanctions.map((s) => listing(r.chain, s.entity)),
        ...r.alsoListedOn.flatMap((l) => l.sanctions.map((s) => listing(l.chain, s.entity))),
      ].sort(),
    });
    const fromCli = new Map(
      (JSON.parse(cli.stdout) as Row[]).map((r) => [r.input, verdictOf(r)] as const),
    );

    store = await createDuckDbStore({ path: dbPath() });
    key = (
      await createApiKey({
        store,
        role: 'screener',
        org: 'acme',
        name: 'agreement',
        rateLimitPerMinute: 10_000,
      })
    ).key;
    app = await buildApp({ store, logger: pino({ level: 'silent' }), asOf: AS_OF });
    const post = await app.inject({
      method: 'POST',
      url: '/v1/screen',
      headers: { 'x-api-key': key },
      payload: { addresses: inputs.map((address) => ({ address })) },
    });
    expect(post.statusCode).toBe(200);
    const fromPost = new Map(
      (post.json<{ results: Row[] }>().results ?? []).map((r) => [r.input, verdictOf(r)] as const),
    );

    const fromChainalysis = new Map<string, Verdict>();
    for (const address of inputs) {
      const res = await app.inject({
        url: `/v1/address/${address}`,
        headers: { 'x-api-key': key },
      });
      expect(res.statusCode, address).toBe(200);
      const ids = res.json<{ identifications: { name: string; description: string }[] }>()
        .identifications;
      fromChainalysis.set(address, {
        sanctioned: ids.length > 0,
        listings: ids.map((i) => i.description).sort(),
      });
    }

    const disagreements: string[] = [];
    for (const address of inputs) {
      const c = fromCli.get(address);
      const p = fromPost.get(address);
      const g = fromChainalysis.get(address);
      if (!c || !p || !g) {
        disagreements.push(`${address}: missing`);
        continue;
      }
      if (JSON.stringify(c) !== JSON.stringify(p) || c.sanctioned !== g.sanctioned)
        disagreements.push(`${address}: cli ${JSON.stringify(c)} post ${JSON.stringify(p)}`);
      // The Chainalysis shape names each listing once per sanction, as the other two do.
      if (g.listings.length !== c.listings.length)
        disagreements.push(`${address}: chainalysis ${g.listings.length} vs ${c.listings.length}`);
    }
    expect(disagreements).toEqual([]);
    const sanctioned = (m: Map<string, Verdict>, list: readonly string[]) =>
      list.filter((a) => m.get(a)!.sanctioned).length;
    expect(sanctioned(fromCli, SDN)).toBe(745);
    expect(sanctioned(fromCli, RANDOM)).toBe(0);
    // Every SDN address's entity is named (no listing without one).
    expect(SDN.filter((a) => fromCli.get(a)!.listings.some((l) => l.endsWith(': null')))).toEqual(
      [],
    );
  });
});

describe('the CLI and POST /v1/screen agree on where an address has transfers', () => {
  let dir: ReturnType<typeof makeTempDir>;
  // p: anvil only; q: ethereum only; r: anvil and bsc; s: nowhere.
  const [p, q, r, s, x] = plainAddresses(5) as [string, string, string, string, string];
  beforeAll(async () => {
    dir = makeTempDir('chaintrail-agree-activity-');
    const store = await createDuckDbStore({ path: path.join(dir.path, 'db.duckdb') });
    await writeSampleLabels(store);
    await store.write((w) =>
      w.appendTransfers([
        transfer('x-p', x, p, 1n, { chain: 'anvil', day: '2025-03-01' }),
        transfer('q-x', q, x, 1n, { chain: 'ethereum', day: '2025-03-01' }),
        transfer('r-x', r, x, 1n, { chain: 'anvil', day: '2025-03-01' }),
        transfer('x-r', x, r, 1n, { chain: 'bsc', day: '2025-03-01' }),
      ]),
    );
    await store.close();
  });
  afterAll(() => dir.cleanup());

  it('gives the same chain, level and activity in the CLI (JSON and CSV) and the API, with and without a chain', async () => {
    const db = path.join(dir.path, 'db.duckdb');
    const inputs: { address: string; chain: string }[] = [
      ...[p, q, r, s].map((address) => ({ address, chain: '' })),
      ...[p, q, r].map((address) => ({ address, chain: 'ethereum' })),
      { address: r, chain: 'anvil' },
    ];
    const file = path.join(dir.path, 'in.csv');
    fs.writeFileSync(
      file,
      `address,chain\n${inputs.map((i) => `${i.address},${i.chain}`).join('\n')}\n`,
    );
    const args = ['screen', '--file', file, '--hops', '0', '--as-of', AS_OF, '--db', db];
    const json = await runCli([...args, '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    const csv = await runCli([...args, '--format', 'csv']);
    expect(csv.code, csv.stderr).toBe(0);

    type Activity = { onChain: boolean; seenOn: string[]; chainFrom: string; note: string };
    type Row = { chain: string; riskLevel: string; activity: Activity };
    const verdict = (x: Row) => [x.chain, x.riskLevel, x.activity];
    const fromJson = (JSON.parse(json.stdout) as Row[]).map(verdict);
    const fromCsv = (parse(csv.stdout, { columns: true }) as Record<string, string>[]).map((c) => [
      c.screened_chain,
      c.risk_level,
      c.active_on_chain,
      c.seen_on,
      c.chain_from,
    ]);

    const store = await createDuckDbStore({ path: db });
    try {
      const key = (await createApiKey({ store, role: 'screener', org: 'acme', name: 'agree' })).key;
      const app = await buildApp({ store, logger: pino({ level: 'silent' }), asOf: AS_OF });
      try {
        const post = await app.inject({
          method: 'POST',
          url: '/v1/screen',
          headers: { 'x-api-key': key },
          payload: {
            addresses: inputs.map((i) => (i.chain ? i : { address: i.address })),
          },
        });
        expect(post.statusCode, post.body).toBe(200);
        const fromApi = post.json<{ results: Row[] }>().results.map(verdict);
        expect(fromApi).toEqual(fromJson);
      } finally {
        await app.close();
      }
    } finally {
      await store.close();
    }
    const note = (seen: string) => `no activity on ethereum; seen on ${seen}`;
    expect(fromJson.map(([chain, level, a]) => [chain, level, (a as Activity).note])).toEqual([
      ['anvil', 'low', 'no chain given: anvil is the only EVM chain where it has transfers'],
      [
        'ethereum',
        'low',
        'no chain given: screened on ethereum, the default for its form; it has transfers there',
      ],
      ['ethereum', 'medium', note('anvil, bsc')],
      [
        'ethereum',
        'low',
        'no chain given: screened on ethereum, the default for its form; no stored transfer of it on any EVM chain',
      ],
      ['ethereum', 'medium', note('anvil')],
      ['ethereum', 'low', 'ethereum given; it has transfers there'],
      ['ethereum', 'medium', note('anvil, bsc')],
      ['anvil', 'low', 'anvil given; it has transfers there; also seen on bsc'],
    ]);
    expect(fromCsv).toEqual(
      fromJson.map(([chain, level, a]) => [
        chain,
        level,
        String((a as Activity).onChain),
        (a as Activity).seenOn.join('; '),
        (a as Activity).chainFrom,
      ]),
    );
  });
});
