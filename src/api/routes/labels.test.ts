import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, useApi } from '../../../test/helpers/api.ts';
import {
  ETH,
  labelSimulatedDeposit,
  SIM,
  simTransfers,
} from '../../../test/helpers/simulated-theft.ts';
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
    for (const role of ['viewer', 'investigator', 'admin'] as const)
      keys[role] = (await createApiKey({ store: api.store, role, org: 'globex' })).key;
    await api.app.chaintrail.keys.reload();
  });
  return (role: 'viewer' | 'investigator' | 'admin') => ({ 'x-api-key': keys[role] });
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

  it('groups the matches of an entity search under one profile per entity, with all its addresses counted', async () => {
    type Profile = {
      entity: string;
      sanctionLists: string[];
      chains: string[];
      addressCount: number;
      addresses: { chain: string; address: string }[];
    };
    const res = await api.app.inject({
      url: '/v1/labels?q=lazarus&limit=5',
      headers: api.as('viewer'),
    });
    expect(res.statusCode, res.body).toBe(200);
    const { labels, total, entities } = res.json<{
      labels: { chain: string; address: string; entity: string | null }[];
      total: number;
      entities: Profile[];
    }>();
    // One page of five rows, but the profile counts every address of every page.
    expect(labels.length).toBe(5);
    const lazarus = entities.filter((e) => /lazarus/i.test(e.entity));
    expect(lazarus.length).toBe(1);
    const profile = lazarus[0]!;
    expect(profile.sanctionLists.length).toBeGreaterThan(0);
    expect(profile.addressCount).toBeGreaterThan(labels.length);
    expect(profile.addressCount).toBeLessThanOrEqual(total);
    expect(profile.chains.length).toBeGreaterThan(1);
    expect(profile.addresses.map((a) => a.address)).toContain(LAZARUS.toLowerCase());
    expect(new Set(profile.addresses.map((a) => `${a.chain}|${a.address}`)).size).toBe(
      profile.addresses.length,
    );
  });

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
  const globex = otherOrg(api);
  const upload = (
    payload: string | object,
    contentType?: string,
    query = '',
    headers: { 'x-api-key': string } = api.as('investigator'),
  ) =>
    api.app.inject({
      method: 'POST',
      url: `/v1/labels/tagpacks${query}`,
      payload,
      headers: { ...headers, ...(contentType ? { 'content-type': contentType } : {}) },
    });
  const screen = async (address: string, headers: { 'x-api-key': string }) => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/screen',
      payload: { addresses: [address] },
      headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{
      results: { riskLevel: string; labels: (ApiLabel & { source: string })[] }[];
    }>().results[0]!;
  };
  const labelsOf = async (address: string, headers: { 'x-api-key': string }) => {
    const res = await api.app.inject({ url: `/v1/addresses/ethereum/${address}/labels`, headers });
    expect(res.statusCode).toBe(200);
    return res.json<{ labels: ApiLabel[] }>().labels;
  };
  const search = async (query: string, headers: { 'x-api-key': string }) => {
    const res = await api.app.inject({ url: `/v1/labels?${query}`, headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ total: number }>();
  };
  /** Label imports and the uploads of acme: what a refused upload must leave as it was. */
  const written = async () => ({
    imports: (await api.store.listLabelImports()).length,
    uploads: (
      await api.app.inject({ url: '/v1/labels/tagpacks', headers: api.as('viewer') })
    ).json().uploads.length,
  });

  it("imports a TagPack as the uploading organisation's own labels: its screening, address pages and search show them, another organisation's do not", async () => {
    // B (globex) names Bybit's reserve wallets exchanges; A (acme) must see none of it.
    const bybitEth = '0x1Db92e2EeBC8E0c075a02BeA49a2935BcD2dFCF4';
    expect((await screen(bybitEth, globex('investigator'))).labels).toEqual([]);
    const res = await upload(BYBIT_PACK, 'text/yaml', '?name=bybit.yaml', globex('investigator'));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      visibility: 'private',
      importId: null,
      name: 'bybit.yaml',
      listName: 'Bybit reserve wallets',
      alreadyImported: false,
      labelsRead: 8,
      labelsWritten: 8,
      screenerReloaded: true,
    });
    const uploadId = res.json().id as string;
    expect(uploadId).toMatch(/^[0-9a-f-]{36}$/);

    // B: screening, the address page, label search and its private labels, with provenance.
    const seen = await screen(bybitEth, globex('investigator'));
    expect(seen.labels).toMatchObject([
      { category: 'exchange', entity: 'Bybit reserve wallets', visibility: 'globex' },
    ]);
    expect(seen.labels[0]!.source).toMatch(/^https:\/\/blog\.bybit\.com\//);
    expect(await labelsOf(bybitEth, globex('viewer'))).toMatchObject([
      { category: 'exchange', visibility: 'globex' },
    ]);
    expect((await search('q=bybit', globex('viewer'))).total).toBe(8);
    const own = await api.app.inject({ url: '/v1/labels/private', headers: globex('viewer') });
    expect(own.json().labels).toHaveLength(8);
    expect(own.json().labels[0]).toMatchObject({
      id: `${uploadId}.1`,
      createdBy: expect.any(String),
      upload: { id: uploadId, name: 'bybit.yaml', title: 'Bybit reserve wallets' },
    });

    // A: nothing, anywhere; and no public label import was made.
    expect(await screen(bybitEth, api.as('investigator'))).toMatchObject({
      riskLevel: 'low',
      labels: [],
    });
    expect(await labelsOf(bybitEth, api.as('viewer'))).toEqual([]);
    expect((await search('q=bybit', api.as('viewer'))).total).toBe(0);
    expect(await api.store.listLabelImports()).toEqual([]);
    const theirs = await api.app.inject({ url: '/v1/labels/tagpacks', headers: api.as('viewer') });
    expect(theirs.json().uploads).toEqual([]);

    // The same bytes again from B: nothing written; from A: A's own copy.
    const again = await upload(BYBIT_PACK, 'text/yaml', '?name=bybit.yaml', globex('investigator'));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: uploadId, alreadyImported: true, labelsWritten: 0 });

    const audit = await api.app.inject({
      url: '/v1/audit?action=labels.upload',
      headers: globex('admin'),
    });
    expect(audit.json().entries[1]).toMatchObject({
      org: 'globex',
      target: `tagpack-upload:${uploadId}`,
      detail: { visibility: 'private', name: 'bybit.yaml', labelsWritten: 8 },
    });
  });

  it('publishes a TagPack to every organisation only for an admin, with an audit entry', async () => {
    const before = await written();
    const refused = await upload(RONIN_PACK, 'text/yaml', '?visibility=public');
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json().error.code).toBe('TAGPACK_PUBLISH_NOT_ALLOWED');
    const wrapped = await upload({ yaml: RONIN_PACK, visibility: 'public' });
    expect(wrapped.json().error.code).toBe('TAGPACK_PUBLISH_NOT_ALLOWED');
    expect(await written()).toEqual(before);
    expect((await screen(RONIN_EXPLOITER_4, globex('investigator'))).riskLevel).toBe('low');

    const res = await upload(
      RONIN_PACK,
      'text/yaml',
      '?name=ronin_bridge.yaml&visibility=public',
      api.as('admin'),
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      visibility: 'public',
      importId: expect.any(Number),
      source: 'upload:ronin_bridge.yaml',
      listName: 'Ronin bridge hack',
      listDate: '2022-04-05',
      labelsRead: 6,
      labelsWritten: 6,
      screenerReloaded: true,
    });
    // Another organisation's screening, address page and search count it.
    expect(await screen(RONIN_EXPLOITER_4, globex('investigator'))).toMatchObject({
      riskLevel: 'severe',
      labels: [{ entity: 'Ronin bridge exploiter 4', category: 'theft' }],
    });
    expect(await labelsOf(RONIN_EXPLOITER_4, globex('viewer'))).toMatchObject([
      { entity: 'Ronin bridge exploiter 4', visibility: 'public' },
    ]);
    expect((await search('q=ronin%20bridge%20exploiter', globex('viewer'))).total).toBe(6);

    const again = await upload(
      RONIN_PACK,
      'application/x-yaml',
      '?visibility=public',
      api.as('admin'),
    );
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: res.json().id, alreadyImported: true });

    const audit = await api.app.inject({
      url: '/v1/audit?action=labels.publish',
      headers: api.as('admin'),
    });
    expect(audit.json().entries.at(-1)).toMatchObject({
      actor: expect.any(String),
      org: 'acme',
      target: `tagpack-upload:${res.json().id}`,
      detail: {
        visibility: 'public',
        name: 'ronin_bridge.yaml',
        title: 'Ronin bridge hack',
        labelsWritten: 6,
      },
    });
  });

  it('retires a public upload for every organisation, by an admin of its organisation only, with an audit entry', async () => {
    const [published] = (
      await api.app.inject({ url: '/v1/labels/tagpacks', headers: api.as('viewer') })
    )
      .json<{ uploads: { id: string; visibility: string; importId: number }[] }>()
      .uploads.filter((u) => u.visibility === 'public');
    expect(published).toBeDefined();
    const retire = (headers: { 'x-api-key': string }) =>
      api.app.inject({ method: 'DELETE', url: `/v1/labels/tagpacks/${published!.id}`, headers });

    const otherAdmin = await retire(globex('admin'));
    expect(otherAdmin.statusCode).toBe(404);
    const investigator = await retire(api.as('investigator'));
    expect(investigator.statusCode).toBe(403);
    expect(investigator.json().error.code).toBe('TAGPACK_RETIRE_NOT_ALLOWED');
    expect((await screen(RONIN_EXPLOITER_4, globex('investigator'))).riskLevel).toBe('severe');

    const res = await retire(api.as('admin'));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      visibility: 'public',
      labelsRemoved: 6,
      retiredAt: expect.any(String),
      screenerReloaded: true,
    });
    for (const org of [globex('investigator'), api.as('investigator')])
      expect(await screen(RONIN_EXPLOITER_4, org)).toMatchObject({ riskLevel: 'low', labels: [] });
    expect(await labelsOf(RONIN_EXPLOITER_4, globex('viewer'))).toEqual([]);
    expect((await search('q=ronin%20bridge%20exploiter', globex('viewer'))).total).toBe(0);
    expect((await api.store.listLabelImports()).some((i) => i.id === published!.importId)).toBe(
      false,
    );

    const audit = await api.app.inject({
      url: '/v1/audit?action=labels.retire',
      headers: api.as('admin'),
    });
    expect(audit.json().entries).toMatchObject([
      {
        org: 'acme',
        target: `tagpack-upload:${published!.id}`,
        detail: { name: 'ronin_bridge.yaml', importId: published!.importId, labelsRemoved: 6 },
      },
    ]);
    expect((await retire(api.as('admin'))).json().error.code).toBe('TAGPACK_ALREADY_RETIRED');
    // Published again, the same bytes import anew.
    const republished = await upload(
      RONIN_PACK,
      'text/yaml',
      '?visibility=public',
      api.as('admin'),
    );
    expect(republished.statusCode).toBe(201);
    expect(republished.json()).toMatchObject({ alreadyImported: false, labelsWritten: 6 });
  });

  it('deletes a private upload and its labels, by an investigator of its organisation', async () => {
    const uploads = await api.app.inject({
      url: '/v1/labels/tagpacks',
      headers: globex('viewer'),
    });
    const [mine] = uploads.json<{ uploads: { id: string; visibility: string }[] }>().uploads;
    expect(mine).toMatchObject({ visibility: 'private', labelsWritten: 8 });
    const bybitEth = '0x1Db92e2EeBC8E0c075a02BeA49a2935BcD2dFCF4';
    const remove = (headers: { 'x-api-key': string }) =>
      api.app.inject({ method: 'DELETE', url: `/v1/labels/tagpacks/${mine!.id}`, headers });

    // One of its labels alone cannot go: the upload's labels go together.
    const one = await api.app.inject({
      method: 'DELETE',
      url: `/v1/labels/private/${mine!.id}.1`,
      headers: globex('investigator'),
    });
    expect(one.statusCode).toBe(409);
    expect(one.json().error.code).toBe('PRIVATE_LABEL_FROM_UPLOAD');
    expect((await remove(api.as('admin'))).statusCode).toBe(404);
    expect((await remove(globex('viewer'))).statusCode).toBe(403);

    const res = await remove(globex('investigator'));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ visibility: 'private', labelsRemoved: 8 });
    expect((await screen(bybitEth, globex('investigator'))).labels).toEqual([]);
    expect(await labelsOf(bybitEth, globex('viewer'))).toEqual([]);
    expect((await search('q=bybit', globex('viewer'))).total).toBe(0);
    expect((await remove(globex('investigator'))).statusCode).toBe(404);
    const audit = await api.app.inject({
      url: '/v1/audit?action=labels.upload.delete',
      headers: globex('admin'),
    });
    expect(audit.json().entries).toMatchObject([
      { org: 'globex', target: `tagpack-upload:${mine!.id}`, detail: { labelsRemoved: 8 } },
    ]);
  });

  it("counts an uploaded label in the organisation's screening only while it is valid, as a public one", async () => {
    const bybitEth = '0x1Db92e2EeBC8E0c075a02BeA49a2935BcD2dFCF4';
    // The pack with a context every tag inherits: its labels ended on 2023-01-01.
    const ended = BYBIT_PACK.replace(
      'lastmod: 2022-11-17',
      `lastmod: 2022-11-17\ncontext: '{"chaintrail": {"valid_to": "2023-01-01"}}'`,
    );
    const res = await upload(ended, 'text/yaml', '', globex('investigator'));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().labelsWritten).toBe(8);
    expect(await labelsOf(bybitEth, globex('viewer'))).toMatchObject([
      { category: 'exchange', visibility: 'globex', validTo: '2023-01-01' },
    ]);
    expect(await screen(bybitEth, globex('investigator'))).toMatchObject({
      riskLevel: 'low',
      labels: [],
    });
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
    const before = await written();

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
    expect(await written()).toEqual(before);
  });

  it('refuses a pack that would make an address sanctioned for every organisation, writing nothing', async () => {
    const before = await written();
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
    expect(await written()).toEqual(before);
    const screened = await api.app.inject({
      method: 'POST',
      url: '/v1/screen',
      payload: { addresses: ['0x098B716B8Aaf21512996dC57EB0615e2383E2f96'] },
      headers: api.as('screener'),
    });
    expect(screened.json().results[0]).toMatchObject({ sanctioned: false });
  });

  it('refuses aliases that expand past the bound, a billion laughs and a context date that is no day, with a 400', async () => {
    const before = await written();
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
    expect(await written()).toEqual(before);
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

describe('TagPack uploads and traces', () => {
  // The simulator's theft (seed 1): the thief splits 100 ETH to two mules, mule 1 pays an exchange
  // deposit address.
  const move = simTransfers('labels-trace-test');
  const api = useApi({
    seed: async (store) => {
      await store.write((w) =>
        w.appendTransfers([
          move(1, SIM.victim, SIM.thief, 100n * ETH),
          move(2, SIM.thief, SIM.mule1, 60n * ETH),
          move(3, SIM.thief, SIM.mule2, 40n * ETH),
          move(4, SIM.mule1, SIM.deposit, 60n * ETH),
        ]),
      );
      await labelSimulatedDeposit(store);
    },
  });
  const globex = otherOrg(api);
  // What an attacker uploads: mule 1 named an exchange, where a trace stops.
  const FORGED = [
    'title: Forged exchange',
    "source: 'test: an exchange label no list gives'",
    'category: exchange',
    'network: anvil',
    'tags:',
    `- address: '${SIM.mule1}'`,
    '  label: Forged Exchange',
    '',
  ].join('\n');

  /** Where acme's trace of the theft says the money is: address -> [category, amount]. */
  const acmeTrace = async () => {
    const start = await api.app.inject({
      method: 'POST',
      url: '/v1/traces',
      payload: { seeds: [move.txHash(1)], chain: 'anvil', policy: 'haircut', maxHops: 5 },
      headers: api.as('investigator'),
    });
    expect(start.statusCode, start.body).toBe(202);
    await api.app.chaintrail.traces.idle();
    const result = await api.app.inject({
      url: `/v1/traces/${start.json().id}/result`,
      headers: api.as('viewer'),
    });
    return Object.fromEntries(
      result
        .json<{ endpoints: { address: string; category: string; amount: string }[] }>()
        .endpoints.map((e) => [e.address, [e.category, e.amount]]),
    );
  };
  const reachesDeposit = {
    [SIM.deposit]: ['deposit_wallet', String(60n * ETH)],
    [SIM.mule2]: ['unspent', String(40n * ETH)],
  };

  it("leaves another organisation's traces alone unless an admin publishes, and again once retired", async () => {
    const upload = (query: string, headers: { 'x-api-key': string }) =>
      api.app.inject({
        method: 'POST',
        url: `/v1/labels/tagpacks${query}`,
        payload: FORGED,
        headers: { ...headers, 'content-type': 'text/yaml' },
      });
    const own = await upload('', globex('investigator'));
    expect(own.statusCode, own.body).toBe(201);
    expect(await acmeTrace()).toEqual(reachesDeposit);

    const published = await upload('?visibility=public', globex('admin'));
    expect(published.statusCode, published.body).toBe(201);
    expect(await acmeTrace()).toEqual({
      [SIM.mule1]: ['exchange', String(60n * ETH)],
      [SIM.mule2]: ['unspent', String(40n * ETH)],
    });

    const retired = await api.app.inject({
      method: 'DELETE',
      url: `/v1/labels/tagpacks/${published.json().id}`,
      headers: globex('admin'),
    });
    expect(retired.statusCode, retired.body).toBe(200);
    expect(await acmeTrace()).toEqual(reachesDeposit);
  });
});
