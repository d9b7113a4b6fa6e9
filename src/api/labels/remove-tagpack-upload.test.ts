import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useApi } from '../../../test/helpers/api.ts';
import { createApiKey } from '../auth/api-keys.ts';

// Issue 16, section 2: two organisations publish the same labels; retiring one upload must not take
// away what the other's active upload still carries.

// GraphSense's Ronin bridge TagPack (test/fixtures/tagpacks/PROVENANCE.md): 6 tags. B publishes a
// copy with one comment line added, so its bytes (and SHA-256) differ and it is an import of its own.
const RONIN_PACK = fs.readFileSync(
  path.resolve('test/fixtures/tagpacks/packs/ronin_bridge.yaml'),
  'utf8',
);
const RONIN_COPY = `# republished by globex\n${RONIN_PACK}`;
const RONIN_TAGS = 6;
// The pack's second tag, "Ronin bridge exploiter 4": an address no other list names here.
const RONIN_EXPLOITER_4 = '0x29fC9B71492ec63696Cf9cd56e9832A42B0dCED0';

type Headers = { 'x-api-key': string };
/** Who acts: an admin publishes and retires, a screener screens, a viewer lists the uploads. */
const ORG_ROLES = ['admin', 'screener', 'viewer'] as const;
type OrgRole = (typeof ORG_ROLES)[number];
type Screened = {
  riskLevel: string;
  labels: { category: string; entity: string | null; importId: number | null }[];
};

/** Two organisations' keys over one app: `acme` (A, the fixture's keys) and `globex` (B). */
function twoOrganisations() {
  // No reference labels: what the uploads add is all there is.
  const api = useApi();
  const a = {} as Record<OrgRole, Headers>;
  const b = {} as Record<OrgRole, Headers>;
  beforeAll(async () => {
    for (const role of ORG_ROLES) {
      a[role] = api.as(role);
      b[role] = {
        'x-api-key': (await createApiKey({ store: api.store, role, org: 'globex' })).key,
      };
    }
    await api.app.chaintrail.keys.reload();
  });
  const publish = async (yaml: string, name: string, headers: Headers) => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/labels/tagpacks',
      payload: { yaml, name, visibility: 'public' },
      headers,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{
      id: string;
      importId: number;
      labelsWritten: number;
      labelsDuplicate: number;
      screenerReloaded: boolean;
    }>();
  };
  const retire = async (id: string, headers: Headers) => {
    const res = await api.app.inject({
      method: 'DELETE',
      url: `/v1/labels/tagpacks/${id}`,
      headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ labelsRemoved: number; retiredAt: string | null }>();
  };
  /** One screening of exploiter 4, and the label lists the screener has loaded. */
  const screen = async (headers: Headers) => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/screen',
      payload: { addresses: [RONIN_EXPLOITER_4], includeLabelSet: true },
      headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ results: Screened[]; labelSet: { importId: number | null }[] }>();
    return { result: body.results[0]!, lists: body.labelSet.map((l) => l.importId) };
  };
  /** A screening without the imports its labels are counted under (in its labels and reasons). */
  const withoutImport = (r: Screened): unknown =>
    JSON.parse(
      JSON.stringify(r, (key, value: unknown) => (key === 'importId' ? undefined : value)),
    );
  /** The public uploads of the key's organisation, as its upload list shows them. */
  const uploads = async (headers: Headers) =>
    (await api.app.inject({ url: '/v1/labels/tagpacks', headers }))
      .json<{ uploads: { id: string; retiredAt: string | null }[] }>()
      .uploads.map((u) => ({ id: u.id, retired: u.retiredAt !== null }));
  return { api, a, b, publish, retire, screen, withoutImport, uploads };
}

describe('retiring a public TagPack that another organisation also published (B first)', () => {
  const t = twoOrganisations();

  it("keeps A's labels when B retires its copy, and removes them for everyone when A retires its own", async () => {
    const before = await t.screen(t.a.screener);
    expect(before.result).toMatchObject({ riskLevel: 'low', labels: [] });

    // 1. B publishes its copy: every label is B's import's.
    const ofB = await t.publish(RONIN_COPY, 'ronin_copy.yaml', t.b.admin);
    expect(ofB).toMatchObject({ labelsWritten: RONIN_TAGS, labelsDuplicate: 0 });
    const published = await t.screen(t.a.screener);
    expect(published.result.riskLevel).toBe('severe');
    expect(published.result.labels).toMatchObject([
      { category: 'theft', entity: 'Ronin bridge exploiter 4', importId: ofB.importId },
    ]);

    // 2. A publishes the original: nothing new to write, yet it is an import of its own, which the
    // screener lists.
    const ofA = await t.publish(RONIN_PACK, 'ronin_bridge.yaml', t.a.admin);
    expect(ofA).toMatchObject({
      labelsWritten: 0,
      labelsDuplicate: RONIN_TAGS,
      screenerReloaded: true,
    });
    const both = await t.screen(t.a.screener);
    expect(both.lists).toEqual([ofB.importId, ofA.importId]);
    expect(both.result).toEqual(published.result);

    // 3. B retires its copy: A's upload carries the same labels, so they stay, now A's.
    const retiredB = await t.retire(ofB.id, t.b.admin);
    const afterB = await t.screen(t.a.screener);
    expect(t.withoutImport(afterB.result)).toEqual(t.withoutImport(published.result));
    expect(afterB.lists).toEqual([ofA.importId]);
    expect(retiredB).toMatchObject({ labelsRemoved: 0, retiredAt: expect.any(String) });
    expect(afterB.result.labels.map((l) => l.importId)).toEqual([ofA.importId]);
    expect((await t.screen(t.b.screener)).result).toEqual(afterB.result);
    expect(await t.uploads(t.a.viewer)).toEqual([{ id: ofA.id, retired: false }]);

    // A retires its own: the last import carrying them goes, and the labels with it.
    expect(await t.retire(ofA.id, t.a.admin)).toMatchObject({ labelsRemoved: RONIN_TAGS });
    for (const headers of [t.a.screener, t.b.screener])
      expect(await t.screen(headers)).toEqual({ result: before.result, lists: [] });
    expect(await t.api.store.listLabels()).toEqual([]);
  });
});

describe('retiring a public TagPack that another organisation also published (A first)', () => {
  const t = twoOrganisations();

  it("keeps B's labels when A retires the original B copied", async () => {
    const ofA = await t.publish(RONIN_PACK, 'ronin_bridge.yaml', t.a.admin);
    expect(ofA).toMatchObject({ labelsWritten: RONIN_TAGS, labelsDuplicate: 0 });
    const published = await t.screen(t.b.screener);
    expect(published.result).toMatchObject({
      riskLevel: 'severe',
      labels: [{ category: 'theft', importId: ofA.importId }],
    });

    const ofB = await t.publish(RONIN_COPY, 'ronin_copy.yaml', t.b.admin);
    expect(ofB).toMatchObject({ labelsWritten: 0, labelsDuplicate: RONIN_TAGS });
    expect((await t.screen(t.b.screener)).lists).toEqual([ofA.importId, ofB.importId]);

    const retiredA = await t.retire(ofA.id, t.a.admin);
    const afterA = await t.screen(t.b.screener);
    expect(t.withoutImport(afterA.result)).toEqual(t.withoutImport(published.result));
    expect(afterA.lists).toEqual([ofB.importId]);
    expect(retiredA).toMatchObject({ labelsRemoved: 0 });
    expect(afterA.result.labels.map((l) => l.importId)).toEqual([ofB.importId]);
    expect((await t.screen(t.a.screener)).result).toEqual(afterA.result);

    // B's upload, which wrote no label itself, is retirable and takes them with it.
    expect(await t.retire(ofB.id, t.b.admin)).toMatchObject({ labelsRemoved: RONIN_TAGS });
    expect((await t.screen(t.a.screener)).result).toMatchObject({ riskLevel: 'low', labels: [] });
  });
});
