import { describe, expect, it } from 'vitest';
import { useApi } from '../../../test/helpers/api.ts';
import { etlBitcoinTransfers } from '../../../test/helpers/bitcoin-etl-transfers.ts';
import {
  plainAddresses,
  syntheticTxHash,
  transfer,
  writeSampleLabels,
} from '../../../test/helpers/screen-fixtures.ts';
import { buildClusters } from '../../cluster/build-clusters.ts';
import { createApiKey } from '../auth/api-keys.ts';
import { startServer } from '../server.ts';

// On OFAC's SDN list (Lazarus Group, DPRK3), in the shipped reference labels.
const LAZARUS = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96';
// A Bybit-hack address the FBI attributed to TraderTraitor (North Korea), not an OFAC listing.
const FBI_BYBIT = '0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D';
// A 2015 token sender from ethereum-etl's test resources (block 483920): on no list.
const CLEAN = '0x1b63142628311395ceafeea5667e7c9026c862ca';

/**
 * A client of Chainalysis's free sanctions API as its users write it: base URL, then
 * `/api/v1/address/{address}`, the key in `X-API-KEY`, and `identifications` read from the JSON.
 */
async function chainalysisClient(baseUrl: string, apiKey: string, address: string) {
  const res = await fetch(`${baseUrl}/api/v1/address/${address}`, {
    headers: { Accept: 'application/json', 'X-API-KEY': apiKey },
  });
  if (!res.ok) throw new Error(`Chainalysis API returned ${res.status}`);
  const data = (await res.json()) as {
    identifications: { category: string; name: string; description: string; url: string }[];
  };
  return { sanctioned: data.identifications.length > 0, identifications: data.identifications };
}

describe('screening API', () => {
  const api = useApi({ referenceLabels: true });

  it('screens a batch with reasons: sanctions, FBI attribution, clean and invalid', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/screen',
      headers: api.as('screener'),
      payload: { addresses: [LAZARUS, { address: FBI_BYBIT, chain: 'ethereum' }, CLEAN, '0xzz'] },
    });
    expect(res.statusCode).toBe(200);
    const [sanctioned, attributed, clean, invalid] = res.json().results;
    expect(sanctioned).toMatchObject({ sanctioned: true, riskLevel: 'severe', chain: 'ethereum' });
    expect(attributed.sanctioned).toBe(false);
    expect(attributed.attributions.length).toBeGreaterThan(0);
    expect(attributed.riskLevel).not.toBe('low');
    expect(clean).toMatchObject({ sanctioned: false, riskLevel: 'low', error: null });
    expect(invalid).toMatchObject({ input: '0xzz', error: expect.stringMatching(/40 hex/) });
    expect(invalid.sanctioned).toBeNull();
    // The label set is named by its id; listed whole only when asked for.
    expect(res.json().labelSetId).toMatch(/^[0-9a-f]{64}$/);
    expect(res.json()).toMatchObject({
      rules: 'chaintrail-default-2',
      asOf: expect.stringMatching(/^\d{4}-/),
    });
    expect(sanctioned.explanation.fired[0].rule).toBe('sanctioned');
    expect(res.json().labelSet).toBeUndefined();
    const full = await api.app.inject({
      method: 'POST',
      url: '/v1/screen',
      headers: api.as('screener'),
      payload: { addresses: [LAZARUS], includeLabelSet: true },
    });
    expect(full.json().labelSetId).toBe(res.json().labelSetId);
    expect(full.json().labelSet.map((l: { listName: string }) => l.listName)).toContain('OFAC SDN');
  });

  it('computes indirect exposure when hops are asked for, with amounts as strings', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/screen',
      headers: api.as('screener'),
      payload: { addresses: [CLEAN], hops: 1 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().results[0].exposure.hops).toBe(1);
  });

  it('bounds the work of a request with hops (addresses x hops), repeated addresses included', async () => {
    const screen = (addresses: string[], hops: number) =>
      api.app.inject({
        method: 'POST',
        url: '/v1/screen',
        headers: api.as('screener'),
        payload: { addresses, hops },
      });
    // The attack seen: 10,000 copies of one address at 6 hops (a 72 MB answer, a 4 s stall).
    const attack = await screen(Array(10_000).fill(LAZARUS), 6);
    expect(attack.statusCode).toBe(400);
    expect(attack.json().error).toMatchObject({ code: 'SCREEN_TOO_MUCH_WORK' });
    expect(attack.json().error.message).toMatch(
      /^10,000 addresses at 6 hops is 60,000 address-hops/,
    );
    expect((await api.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    // Within the bound: each copy gets the one result, computed once.
    const within = await screen([...Array(300).fill(LAZARUS), CLEAN], 6);
    expect(within.statusCode).toBe(200);
    const results = within.json().results;
    expect(results).toHaveLength(301);
    expect(new Set(results.slice(0, 300).map((r: unknown) => JSON.stringify(r))).size).toBe(1);
    expect(results[0]).toMatchObject({ sanctioned: true, riskLevel: 'severe' });
    // Without hops, a full batch is still taken.
    expect((await screen(Array(10_000).fill(CLEAN), 0)).statusCode).toBe(200);
  });

  it('records who screened what in the audit log', async () => {
    await api.app.inject({ url: `/v1/address/${LAZARUS}`, headers: api.as('screener') });
    const res = await api.app.inject({
      url: '/v1/audit?action=screen&limit=100',
      headers: api.as('admin'),
    });
    const entries = res.json().entries as { target: string; actor: string }[];
    expect(entries.some((e) => e.target === LAZARUS.toLowerCase())).toBe(true);
    // The actor is the key's id, never the key.
    expect(entries.every((e) => !e.actor.startsWith('ct_'))).toBe(true);
  });
});

describe('Chainalysis sanctions API compatibility', () => {
  const api = useApi({ referenceLabels: true });

  it('serves an unchanged Chainalysis sanctions-API client when only the base URL changes', async () => {
    const server = await startServer({ app: api.app, port: 0 });
    try {
      const key = api.keys.screener;
      const hit = await chainalysisClient(server.url, key, LAZARUS);
      expect(hit.sanctioned).toBe(true);
      expect(hit.identifications).toHaveLength(1);
      expect(Object.keys(hit.identifications[0]!).sort()).toEqual([
        'category',
        'description',
        'name',
        'url',
      ]);
      expect(hit.identifications[0]!.category).toBe('sanctions');
      expect(hit.identifications[0]!.name).toMatch(/^SANCTIONS: OFAC SDN Lazarus Group/);
      expect(hit.identifications[0]!.description).toContain('DPRK3');
      const miss = await chainalysisClient(server.url, key, CLEAN);
      expect(miss).toEqual({ sanctioned: false, identifications: [] });
      // An FBI attribution is not a sanction: that API reports sanctions only.
      expect((await chainalysisClient(server.url, key, FBI_BYBIT)).sanctioned).toBe(false);
      await expect(chainalysisClient(server.url, 'ct_000000000000_nope', LAZARUS)).rejects.toThrow(
        /401/,
      );
    } finally {
      await server.close();
    }
  });
});

describe('screening work per key', () => {
  const api = useApi({ app: { screenWorkPerMinute: 10 } });

  it('holds each key to its addresses x hops per minute (429 with Retry-After), not the others', async () => {
    const screen = (addresses: string[], hops: number, role: 'screener' | 'investigator') =>
      api.app.inject({
        method: 'POST',
        url: '/v1/screen',
        headers: api.as(role),
        payload: { addresses, hops },
      });
    expect((await screen(Array(5).fill(CLEAN), 2, 'screener')).statusCode).toBe(200);
    const over = await screen([CLEAN], 1, 'screener');
    expect(over.statusCode).toBe(429);
    expect(over.json().error.code).toBe('SCREEN_WORK_LIMITED');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    // Another key of the same organisation has its own budget; own labels only (hops 0) cost none.
    expect((await screen([CLEAN], 1, 'investigator')).statusCode).toBe(200);
    expect((await screen([CLEAN], 0, 'screener')).statusCode).toBe(200);
  });
});

describe('screening API: the transfers that carried exposure', () => {
  const [x, s] = plainAddresses(2) as [string, string];
  const laz = LAZARUS.toLowerCase();
  const api = useApi({
    seed: async (store) => {
      await writeSampleLabels(store);
      await store.write((w) =>
        w.appendTransfers([
          transfer('laz-x', laz, x, 10n ** 18n, { day: '2025-03-01' }),
          transfer('x-s', x, s, 10n ** 18n, { day: '2025-03-02' }),
        ]),
      );
    },
  });

  it("names each hop's transaction in the response schema, amounts as strings", async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/screen',
      headers: api.as('screener'),
      payload: { addresses: [s], hops: 2 },
    });
    expect(res.statusCode).toBe(200);
    const [sanctioned] = res
      .json()
      .results[0].exposure.indirect.filter(
        (e: { category: string }) => e.category === 'sanctioned',
      );
    expect(sanctioned).toMatchObject({
      direction: 'in',
      amount: '1000000000000000000',
      share: 1,
      byHop: ['0', '1000000000000000000'],
      sources: [
        {
          address: laz,
          amount: '1000000000000000000',
          path: [laz, x, s],
          transfers: [
            { hop: 2, txHash: syntheticTxHash('laz-x'), from: laz, to: x, asset: 'native' },
            { hop: 1, txHash: syntheticTxHash('x-s'), from: x, to: s, asset: 'native' },
          ],
        },
      ],
    });
  });
});

describe('screening API: where addresses have transfers (two EVM chains)', () => {
  // p moved funds on anvil only; q on ethereum only.
  const [p, q, x] = plainAddresses(3) as [string, string, string];
  const api = useApi({
    seed: async (store) => {
      await writeSampleLabels(store);
      await store.write((w) =>
        w.appendTransfers([
          transfer('x-p', x, p, 10n ** 18n, { chain: 'anvil', day: '2025-03-01' }),
          transfer('q-x', q, x, 10n ** 18n, { chain: 'ethereum', day: '2025-03-01' }),
        ]),
      );
    },
  });

  it('screens a 0x address given without a chain on its only chain, and never passes one as clean on a chain where it has no transfers', async () => {
    for (const hops of [0, 1]) {
      const res = await api.app.inject({
        method: 'POST',
        url: '/v1/screen',
        headers: api.as('screener'),
        payload: { addresses: [p, { address: p, chain: 'ethereum' }, q], hops },
      });
      expect(res.statusCode, res.body).toBe(200);
      const [auto, forced, plain] = res.json().results;
      expect(auto).toMatchObject({
        chain: 'anvil',
        riskLevel: 'low',
        activity: {
          onChain: true,
          seenOn: [],
          chainFrom: 'activity',
          note: 'no chain given: anvil is the only EVM chain where it has transfers',
        },
      });
      expect(forced).toMatchObject({
        chain: 'ethereum',
        riskLevel: 'medium',
        activity: {
          onChain: false,
          seenOn: ['anvil'],
          chainFrom: 'given',
          note: 'no activity on ethereum; seen on anvil',
        },
      });
      expect(forced.explanation.fired.map((f: { rule: string }) => f.rule)).toEqual([
        'activity-elsewhere',
      ]);
      expect(plain).toMatchObject({ chain: 'ethereum', activity: { onChain: true } });
    }
  });

  it("says it on an address page's risk too", async () => {
    const risk = async (chain: string) => {
      const res = await api.app.inject({
        url: `/v1/addresses/${chain}/${p}/risk?hops=0`,
        headers: api.as('investigator'),
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    expect(await risk('ethereum')).toMatchObject({
      riskLevel: 'medium',
      activity: {
        onChain: false,
        seenOn: ['anvil'],
        note: 'no activity on ethereum; seen on anvil',
      },
    });
    expect(await risk('anvil')).toMatchObject({
      riskLevel: 'low',
      activity: { onChain: true, seenOn: [], chainFrom: 'given' },
    });
  });
});

describe('screening API: exposure on Bitcoin, per organisation', () => {
  // bitcoin-etl's block 50001 (test/fixtures/bitcoin-etl, real mainnet): 7940cdde… pays RECEIVER
  // 100 BTC from 1DoQeK… and 1PZMgk… (50 BTC each); f8476145… pays it 50 BTC from 18dxbN….
  const INPUT_B = '1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m9';
  const RECEIVER = '1HaHTfmvoUW6i6nhJf8jJs6tU4cHNmBQHQ';
  // Another organisation's key, made before the app loads its keys.
  let other = '';
  const api = useApi({
    seed: async (store) => {
      await store.write((w) => w.appendTransfers(etlBitcoinTransfers()));
      other = (await createApiKey({ store, role: 'screener', org: 'globex', name: 'globex' })).key;
    },
  });

  it("counts an organisation's private label as exposure for it alone, in the response schema", async () => {
    const labelled = await api.app.inject({
      method: 'POST',
      url: '/v1/labels/private',
      headers: api.as('investigator'),
      payload: { chain: 'bitcoin', address: INPUT_B, category: 'theft', entity: 'acme case 7' },
    });
    expect(labelled.statusCode).toBe(201);
    const screen = (headers: { 'x-api-key': string }) =>
      api.app.inject({
        method: 'POST',
        url: '/v1/screen',
        headers,
        payload: { addresses: [{ address: RECEIVER, chain: 'bitcoin' }], hops: 2 },
      });
    const mine = await screen(api.as('screener'));
    expect(mine.statusCode).toBe(200);
    const theft = mine
      .json()
      .results[0].exposure.indirect.find((e: { category: string }) => e.category === 'theft');
    // Half of the 100 BTC came from INPUT_B, of 150 BTC received: a third.
    expect(theft).toMatchObject({
      direction: 'in',
      category: 'theft',
      symbol: 'BTC',
      amount: '5000000000',
      total: '15000000000',
      byHop: ['5000000000', '0'],
      sources: [
        { address: INPUT_B, path: [INPUT_B, RECEIVER], labels: [{ entity: 'acme case 7' }] },
      ],
    });
    expect(mine.json().results[0].riskLevel).toBe('high');
    const theirs = await screen({ 'x-api-key': other });
    expect(theirs.json().results[0].exposure.indirect).toEqual([]);
    expect(theirs.json().results[0].riskLevel).toBe('low');
  });
});

describe('screening API: Bitcoin exposure through clusters, per organisation', () => {
  // bitcoin-etl's block 50001: 1DoQeK… and 1PZMgk… spend together in 7940cdde… (one cluster), paying
  // RECEIVER 100 BTC; f8476145… pays it 50 BTC from 18dxbN….
  const INPUT_A = '1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae';
  const INPUT_B = '1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m9';
  const RECEIVER = '1HaHTfmvoUW6i6nhJf8jJs6tU4cHNmBQHQ';
  let other = '';
  const api = useApi({
    seed: async (store) => {
      await store.write((w) => w.appendTransfers(etlBitcoinTransfers()));
      await buildClusters({ store, chain: 'bitcoin' });
      other = (await createApiKey({ store, role: 'screener', org: 'globex', name: 'globex' })).key;
    },
  });

  it("labels a counterparty by the organisation's private label of its cluster-mate, for it alone", async () => {
    const labelled = await api.app.inject({
      method: 'POST',
      url: '/v1/labels/private',
      headers: api.as('investigator'),
      payload: { chain: 'bitcoin', address: INPUT_B, category: 'theft', entity: 'acme case 8' },
    });
    expect(labelled.statusCode).toBe(201);
    const screen = (headers: { 'x-api-key': string }) =>
      api.app.inject({
        method: 'POST',
        url: '/v1/screen',
        headers,
        payload: { addresses: [{ address: RECEIVER, chain: 'bitcoin' }], hops: 1 },
      });
    const mine = (await screen(api.as('screener'))).json().results[0];
    const theft = mine.exposure.indirect.find((e: { category: string }) => e.category === 'theft');
    // 50 BTC from INPUT_B (its own label) and 50 from INPUT_A (acme's label of its cluster-mate).
    expect(theft).toMatchObject({ amount: '10000000000', total: '15000000000' });
    const via = theft.sources.find((s: { address: string }) => s.address === INPUT_A);
    expect(via.labels[0]).toMatchObject({
      entity: 'acme case 8',
      viaCluster: { address: INPUT_B, cluster: INPUT_A },
    });
    const theirs = (await screen({ 'x-api-key': other })).json().results[0];
    expect(theirs.exposure.indirect).toEqual([]);
  });
});
