import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomAddresses } from '../../../test/helpers/random-addresses.ts';
import { runCli } from '../../../test/helpers/run-cli.ts';
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
