import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, useApi } from '../../../test/helpers/api.ts';
import { createApiKey } from '../auth/api-keys.ts';
import type { Role } from '../auth/roles.ts';
import { privateLabelsOf } from '../labels/org-labels.ts';
import { screenResultsForOrg } from '../labels/private-screening.ts';

// On OFAC's SDN list (Lazarus Group, DPRK3) in the shipped reference labels; also the first
// address of GraphSense's Ronin bridge TagPack (test/fixtures/tagpacks/packs/ronin_bridge.yaml).
const LAZARUS = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96';
// A 2015 token sender from ethereum-etl's test resources (block 483920): on no list.
const CLEAN = '0x1b63142628311395ceafeea5667e7c9026c862ca';
const PACKS = path.resolve('test/fixtures/tagpacks/packs');
const RONIN_PACK = fs.readFileSync(path.join(PACKS, 'ronin_bridge.yaml'), 'utf8');
const BYBIT_PACK = fs.readFileSync(path.join(PACKS, 'exchange-wallets-bybit.yaml'), 'utf8');
// The pack's second tag: a Ronin exploiter address that no shipped list names.
const RONIN_EXPLOITER_4 = '0x29fC9B71492ec63696Cf9cd56e9832A42B0dCED0';

type ApiLabel = { id?: string; visibility: string; category: string; entity: string | null };

/** Headers of a key of another organisation, `globex`, made once per fixture. */
function otherOrg(api: ApiFixture) {
  const keys = {} as Record<Role, string>;
  beforeAll(async () => {
    for (const role of ['viewer', 'investigator'] as const)
      keys[role] = (await createApiKey({ store: api.store, role, org: 'globex' })).key;
    await api.app.chaintrail.keys.reload();
  });
  return (role: 'viewer' | 'investigator') => ({ 'x-api-key': keys[role] });
}

describe('private labels', () => {
  const api = useApi({ referenceLabels: true });
  const globex = otherOrg(api);
  const addLabel = (payload: object, headers = api.as('investigator')) =>
    api.app.inject({ method: 'POST', url: '/v1/labels/private', payload, headers });
  const labelsOf = async (address: string, headers: { 'x-api-key': string }) => {
    const res = await api.app.inject({
      url: `/v1/addresses/ethereum/${address}/labels`,
      headers,
    });
    expect(res.statusCode).toBe(200);
    return res.json<{ labels: ApiLabel[] }>().labels;
  };
  const search = async (query: string, headers: { 'x-api-key': string }) => {
    const res = await api.app.inject({ url: `/v1/labels?${query}`, headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ labels: ApiLabel[]; total: number }>();
  };

  it("shows an organisation's private label before public ones, to that organisation only", async () => {
    const created = await addLabel({
      chain: 'eth',
      address: LAZARUS,
      category: 'Theft',
      entity: 'Ronin bridge exploiter (acme case 7)',
      note: 'Seen receiving the bridge funds on 2022-03-23',
    });
    expect(created.statusCode, created.body).toBe(201);
    const label = created.json();
    expect(label).toMatchObject({
      chain: 'ethereum',
      address: LAZARUS.toLowerCase(),
      category: 'theft',
      visibility: 'acme',
      note: 'Seen receiving the bridge funds on 2022-03-23',
      source: `private-label:${label.id}`,
    });

    const mine = await labelsOf(LAZARUS, api.as('viewer'));
    expect(mine[0]).toMatchObject({ visibility: 'acme', category: 'theft' });
    expect(mine.slice(1).length).toBeGreaterThan(0);
    expect(mine.slice(1).every((l) => l.visibility === 'public')).toBe(true);
    expect(mine.some((l) => l.category === 'sanctioned')).toBe(true);

    const theirs = await labelsOf(LAZARUS, globex('viewer'));
    expect(theirs.length).toBe(mine.length - 1);
    expect(theirs.every((l) => l.visibility === 'public')).toBe(true);

    // Search: by address (any case) and by entity text.
    const byAddress = await search(`q=${LAZARUS}`, api.as('viewer'));
    expect(byAddress.labels[0]).toMatchObject({ visibility: 'acme', category: 'theft' });
    expect(byAddress.total).toBe(mine.length);
    const byEntity = await search('q=ACME%20case%207', api.as('viewer'));
    expect(byEntity.total).toBe(1);
    expect((await search('q=acme%20case%207', globex('viewer'))).total).toBe(0);
    expect((await search(`q=${LAZARUS}`, globex('viewer'))).total).toBe(theirs.length);

    const list = await api.app.inject({ url: '/v1/labels/private', headers: api.as('viewer') });
    expect(list.json().labels.map((l: { id: string }) => l.id)).toEqual([label.id]);
    const otherList = await api.app.inject({
      url: '/v1/labels/private',
      headers: globex('viewer'),
    });
    expect(otherList.json().labels).toEqual([]);

    // Another organisation cannot delete it; its own organisation can, and it is gone.
    const foreign = await api.app.inject({
      method: 'DELETE',
      url: `/v1/labels/private/${label.id}`,
      headers: globex('investigator'),
    });
    expect(foreign.statusCode).toBe(404);
    const removed = await api.app.inject({
      method: 'DELETE',
      url: `/v1/labels/private/${label.id}`,
      headers: api.as('investigator'),
    });
    expect(removed.statusCode).toBe(200);
    expect((await labelsOf(LAZARUS, api.as('viewer'))).length).toBe(theirs.length);
  });

  it('makes screening show the private label, and apply the risk rules to it, for its organisation', async () => {
    const created = await addLabel({
      chain: 'ethereum',
      address: CLEAN,
      category: 'scam',
      entity: 'Fake giveaway (acme case 9)',
    });
    expect(created.statusCode, created.body).toBe(201);
    const { screener } = api.app.chaintrail;
    const plain = screener.screenDirect(CLEAN);
    expect(plain).toMatchObject({ riskLevel: 'low', labels: [] });

    const [seen] = await screenResultsForOrg(api.store, 'acme', screener.rules, [plain]);
    expect(seen!.riskLevel).toBe('high');
    expect(seen!.labels[0]).toMatchObject({ category: 'scam', visibility: 'acme' });
    expect(seen!.explanation.fired.map((f) => f.rule)).toEqual(['own-high']);
    const [unseen] = await screenResultsForOrg(api.store, 'globex', screener.rules, [plain]);
    expect(unseen).toBe(plain);
    // The screener's own (shared) result is untouched.
    expect(screener.screenDirect(CLEAN).labels).toEqual([]);

    // Through the API: POST /v1/screen and the risk route, per organisation.
    const screen = (headers: { 'x-api-key': string }) =>
      api.app.inject({
        method: 'POST',
        url: '/v1/screen',
        payload: { addresses: [CLEAN] },
        headers,
      });
    expect((await screen(api.as('investigator'))).json().results[0].riskLevel).toBe('high');
    expect((await screen(globex('investigator'))).json().results[0].riskLevel).toBe('low');
    const risk = await api.app.inject({
      url: `/v1/addresses/ethereum/${CLEAN}/risk?hops=0`,
      headers: api.as('investigator'),
    });
    expect(risk.json().riskLevel).toBe('high');
  });

  it('refuses a bad category, address or chain, and a label the organisation already has', async () => {
    const badCategory = await addLabel({ chain: 'ethereum', address: CLEAN, category: 'villain' });
    expect(badCategory.statusCode).toBe(400);
    expect(badCategory.json().error.code).toBe('LABEL_BAD_CATEGORY');
    const badAddress = await addLabel({ chain: 'ethereum', address: '0x1234', category: 'scam' });
    expect(badAddress.json().error.code).toBe('INVALID_ADDRESS');
    const badChain = await addLabel({ chain: 'etherium', address: CLEAN, category: 'scam' });
    expect(badChain.json().error.code).toBe('UNKNOWN_CHAIN');
    const extra = await addLabel({ chain: 'ethereum', address: CLEAN, category: 'scam', org: 'x' });
    expect(extra.json().error.code).toBe('VALIDATION_FAILED');

    const payload = { chain: 'ethereum', address: CLEAN, category: 'mixer', entity: 'Twice' };
    expect((await addLabel(payload)).statusCode).toBe(201);
    const again = await addLabel({ ...payload, address: CLEAN.toUpperCase().replace('0X', '0x') });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('PRIVATE_LABEL_EXISTS');
    // Another organisation may hold the same label.
    expect((await addLabel(payload, globex('investigator'))).statusCode).toBe(201);
    expect(await privateLabelsOf(api.store, 'globex', 'ethereum', CLEAN)).toHaveLength(1);
  });

  it('filters the search by chain and category, and pages it', async () => {
    const all = await search('category=sanctioned&chain=ethereum&limit=1000', api.as('viewer'));
    expect(all.total).toBeGreaterThan(3);
    expect(all.labels.every((l) => l.category === 'sanctioned')).toBe(true);
    const page = await search(
      'category=sanctioned&chain=ethereum&limit=2&offset=1',
      api.as('viewer'),
    );
    expect(page.total).toBe(all.total);
    expect(page.labels).toEqual(all.labels.slice(1, 3));
    const unknown = await api.app.inject({
      url: '/v1/labels?category=villain',
      headers: api.as('viewer'),
    });
    expect(unknown.json().error.code).toBe('LABEL_BAD_CATEGORY');
  });
});

describe('TagPack upload', () => {
  // No reference labels: what the uploads add is all there is.
  const api = useApi();
  const upload = (payload: string | object, contentType?: string, query = '') =>
    api.app.inject({
      method: 'POST',
      url: `/v1/labels/tagpacks${query}`,
      payload,
      headers: {
        ...api.as('investigator'),
        ...(contentType ? { 'content-type': contentType } : {}),
      },
    });

  it('imports a TagPack as public labels that search and screening then find', async () => {
    const before = await api.app.inject({
      method: 'POST',
      url: '/v1/screen',
      payload: { addresses: [RONIN_EXPLOITER_4] },
      headers: api.as('screener'),
    });
    expect(before.json().results[0]).toMatchObject({ riskLevel: 'low', labels: [] });

    const res = await upload(RONIN_PACK, 'text/yaml', '?name=ronin_bridge.yaml');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      name: 'ronin_bridge.yaml',
      source: 'upload:ronin_bridge.yaml',
      listName: 'Ronin bridge hack',
      listDate: '2022-04-05',
      alreadyImported: false,
      labelsRead: 6,
      labelsWritten: 6,
      screenerReloaded: true,
    });

    const found = await api.app.inject({
      url: '/v1/labels?q=ronin%20bridge%20exploiter',
      headers: api.as('viewer'),
    });
    expect(found.json().total).toBe(6);
    const byAddress = await api.app.inject({
      url: `/v1/labels?q=${RONIN_EXPLOITER_4.toLowerCase()}`,
      headers: api.as('viewer'),
    });
    expect(byAddress.json().labels).toMatchObject([
      { entity: 'Ronin bridge exploiter 4', category: 'theft', visibility: 'public' },
    ]);

    const after = await api.app.inject({
      method: 'POST',
      url: '/v1/screen',
      payload: { addresses: [RONIN_EXPLOITER_4] },
      headers: api.as('screener'),
    });
    expect(after.json().results[0].riskLevel).toBe('severe');

    // The same bytes again: nothing written.
    const again = await upload(RONIN_PACK, 'application/x-yaml');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ alreadyImported: true, labelsWritten: 0 });

    const audit = await api.app.inject({
      url: '/v1/audit?action=labels.upload',
      headers: api.as('admin'),
    });
    expect(audit.json().entries[0].detail).toMatchObject({ name: 'tagpack.yaml' });
  });

  it('takes a TagPack as text/plain or wrapped in JSON', async () => {
    const res = await upload({ yaml: BYBIT_PACK, name: 'exchange-wallets-bybit.yaml' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ listName: 'Bybit reserve wallets', labelsWritten: 8 });
    const found = await api.app.inject({
      url: '/v1/labels?q=bybit&category=exchange&chain=bitcoin',
      headers: api.as('viewer'),
    });
    expect(found.json().total).toBe(4);

    const plain = await upload(
      BYBIT_PACK.replace('lastmod: 2022-11-17', 'lastmod: 2022-11-18'),
      'text/plain',
    );
    expect(plain.statusCode, plain.body).toBe(201);
    // Equal to labels already stored: skipped.
    expect(plain.json()).toMatchObject({ labelsRead: 8, labelsWritten: 0, labelsDuplicate: 8 });
  });

  it('refuses a malformed TagPack with a 400 naming the pack, line and fault, writing nothing', async () => {
    const imports = (await api.store.listLabelImports()).length;

    const syntax = await upload(
      'title: Broken\ntags:\n  - address: [unclosed\n',
      'text/yaml',
      '?name=broken.yaml',
    );
    expect(syntax.statusCode).toBe(400);
    expect(syntax.json().error.code).toBe('TAGPACK_BAD_YAML');
    expect(syntax.json().error.message).toMatch(/^broken\.yaml:\d+: malformed YAML/);

    // The Ronin pack with its second tag's address removed.
    const noAddress = RONIN_PACK.replace(`- address: '${RONIN_EXPLOITER_4}'\n  label`, '- label');
    const missing = await upload(noAddress, 'text/yaml');
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({ code: 'TAGPACK_BAD_TAG' });
    expect(missing.json().error.message).toBe('tagpack.yaml:14: tag 2: no address');

    const notAPack = await upload('- just\n- a list\n', 'text/yaml');
    expect(notAPack.json().error.message).toMatch(/^tagpack\.yaml: not a TagPack/);

    const include = await upload('title: x\nheader: !include /etc/passwd\ntags: []\n', 'text/yaml');
    expect(include.statusCode).toBe(400);
    expect(include.json().error).toMatchObject({
      code: 'TAGPACK_INCLUDE_NOT_ALLOWED',
      message: 'tagpack.yaml:2: !include is not allowed in an uploaded TagPack',
    });

    const badName = await upload({ yaml: RONIN_PACK, name: '../etc.yaml' });
    expect(badName.json().error.code).toBe('VALIDATION_FAILED');

    for (const res of [syntax, missing, notAPack, include])
      expect(res.body).not.toContain('chaintrail-tagpack-');
    expect((await api.store.listLabelImports()).length).toBe(imports);
  });

  it('refuses a pack that would make an address sanctioned for every organisation, writing nothing', async () => {
    const imports = (await api.store.listLabelImports()).length;
    // The attack seen: a tag's chaintrail context sets the sanctioned category, a list and programs.
    const forged = RONIN_PACK.replace(
      `context: '{"description": "original address"}'`,
      `context: '{"chaintrail": {"category": "sanctioned", "sanction_list": "OFAC SDN", "programs": ["DPRK3"]}}'`,
    );
    const res = await upload(forged, 'text/yaml', '?name=forged.yaml');
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'TAGPACK_SANCTIONS_NOT_ALLOWED' });
    expect(res.json().error.message).toMatch(
      /^forged\.yaml: tag for 0x098b716b8aaf21512996dc57eb0615e2383e2f96 makes it a sanction/i,
    );
    expect((await api.store.listLabelImports()).length).toBe(imports);
    const screened = await api.app.inject({
      method: 'POST',
      url: '/v1/screen',
      payload: { addresses: ['0x098B716B8Aaf21512996dC57EB0615e2383E2f96'] },
      headers: api.as('screener'),
    });
    expect(screened.json().results[0]).toMatchObject({ sanctioned: false });
  });

  it('refuses aliases that expand past the bound, a billion laughs and a context date that is no day, with a 400', async () => {
    const imports = (await api.store.listLabelImports()).length;
    // The attack seen: many aliases to one long list (here 20 aliases of 20,000 items: 400,000).
    const list = Array.from({ length: 20_000 }, (_, i) => `x${i}`).join(', ');
    const aliases = Array.from(
      { length: 20 },
      (_, i) =>
        `- address: '0x098B716B8Aaf21512996dC57EB0615e2383E2f96'\n  label: l${i}\n  extra: *big\n`,
    ).join('');
    const wide = await upload(`title: t\nbig: &big [${list}]\ntags:\n${aliases}`, 'text/yaml');
    expect(wide.statusCode, wide.body).toBe(400);
    expect(wide.json().error.code).toBe('TAGPACK_BAD_YAML');
    expect(wide.json().error.message).toMatch(
      /^tagpack\.yaml: YAML aliases expand to 4\d\d,\d{3} nodes/,
    );

    // Nine levels of nine aliases each: 9^9 copies of "lol".
    let laughs = 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
    for (let i = 1; i <= 9; i++)
      laughs += `a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]\n`;
    const bomb = await upload(`title: t\n${laughs}tags: []\n`, 'text/yaml');
    expect(bomb.statusCode, bomb.body).toBe(400);
    expect(bomb.json().error.code).toBe('TAGPACK_BAD_YAML');

    const badDay = await upload(
      RONIN_PACK.replace(
        `context: '{"description": "original address"}'`,
        `context: '{"chaintrail": {"valid_from": "2020-13-45"}}'`,
      ),
      'text/yaml',
    );
    expect(badDay.statusCode, badDay.body).toBe(400);
    expect(badDay.json().error).toMatchObject({ code: 'TAGPACK_BAD_TAG' });
    expect(badDay.json().error.message).toMatch(
      /valid_from must be a date YYYY-MM-DD, got "2020-13-45"/,
    );

    expect((await api.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await api.store.listLabelImports()).length).toBe(imports);
  });

  it('takes YAML on the TagPack route only, and refuses an oversized pack before reading it', async () => {
    const yamlElsewhere = await api.app.inject({
      method: 'POST',
      url: '/v1/screen',
      payload: 'addresses: []\n',
      headers: { ...api.as('screener'), 'content-type': 'text/yaml' },
    });
    expect(yamlElsewhere.statusCode).toBe(415);
    expect(yamlElsewhere.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');

    const huge = await api.app.inject({
      method: 'POST',
      url: '/v1/labels/tagpacks',
      payload: 'x',
      headers: {
        ...api.as('investigator'),
        'content-type': 'text/yaml',
        'content-length': String(21 * 1024 * 1024),
      },
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error).toMatchObject({
      code: 'BODY_TOO_LARGE',
      message: 'A TagPack is at most 20 MB',
    });
  });

  it('lets only investigators upload', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/labels/tagpacks',
      payload: RONIN_PACK,
      headers: { ...api.as('viewer'), 'content-type': 'text/yaml' },
    });
    expect(res.statusCode).toBe(403);
  });
});
