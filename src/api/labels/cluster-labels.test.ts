import { beforeAll, describe, expect, it } from 'vitest';
import { useApi } from '../../../test/helpers/api.ts';
import { etlBitcoinTransfers } from '../../../test/helpers/bitcoin-etl-transfers.ts';
import { buildClusters } from '../../cluster/build-clusters.ts';
import { createApiKey } from '../auth/api-keys.ts';

// bitcoin-etl's block 50001 (test/fixtures/bitcoin-etl): 7940cdde… spends from both, one cluster.
const INPUT_A = '1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae';
const INPUT_B = '1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m9';

type Label = {
  category: string;
  visibility: string;
  confidence: number | null;
  source: string;
  viaCluster?: { cluster: string; address: string; provenance: string };
};

describe('labels through clusters, per organisation', () => {
  const api = useApi({
    seed: async (store) => {
      await store.write(async (w) => {
        await w.appendTransfers(etlBitcoinTransfers());
        // A constructed public label (the source says so).
        await w.addLabels([
          {
            chain: 'bitcoin',
            address: INPUT_B,
            entity: null,
            category: 'gambling',
            source: 'test: constructed label',
            confidence: 90,
          },
        ]);
      });
      await buildClusters({ store, chain: 'bitcoin' });
    },
  });
  let globex: { 'x-api-key': string };
  beforeAll(async () => {
    globex = {
      'x-api-key': (await createApiKey({ store: api.store, role: 'investigator', org: 'globex' }))
        .key,
    };
    await api.app.chaintrail.keys.reload();
  });
  const screen = async (headers: { 'x-api-key': string }) => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/screen',
      payload: { addresses: [{ address: INPUT_A, chain: 'bitcoin' }] },
      headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res;
  };
  const labelsOf = async (address: string, headers: { 'x-api-key': string }) => {
    const res = await api.app.inject({ url: `/v1/addresses/bitcoin/${address}/labels`, headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ labels: Label[] }>().labels;
  };

  it("gives an organisation's private label of one address to its cluster in that organisation's answers only", async () => {
    const globexBefore = (await screen(globex)).body;
    const globexLabelsBefore = await labelsOf(INPUT_A, globex);
    // Public: B's gambling label reaches A at half its confidence, for everyone.
    expect(globexLabelsBefore).toEqual([
      expect.objectContaining({
        category: 'gambling',
        visibility: 'public',
        confidence: 45,
        source: `via cluster of ${INPUT_B}: test: constructed label`,
        viaCluster: expect.objectContaining({ cluster: INPUT_A, address: INPUT_B }),
      }),
    ]);

    const created = await api.app.inject({
      method: 'POST',
      url: '/v1/labels/private',
      payload: { chain: 'bitcoin', address: INPUT_B, category: 'theft', entity: 'acme case' },
      headers: api.as('investigator'),
    });
    expect(created.statusCode, created.body).toBe(201);

    const mine = (await screen(api.as('screener'))).json<{
      results: { riskLevel: string; cluster: { id: string; size: number }; labels: Label[] }[];
    }>().results[0]!;
    expect(mine.cluster).toEqual({ id: INPUT_A, size: 2 });
    expect(mine.riskLevel).toBe('severe');
    const viaTheft = mine.labels.find((l) => l.category === 'theft')!;
    expect(viaTheft).toMatchObject({ visibility: 'acme', confidence: 50 });
    expect(viaTheft.viaCluster?.provenance).toBe(`via cluster of ${INPUT_B}`);
    expect(
      (await labelsOf(INPUT_A, api.as('viewer'))).map((l) => [l.category, l.visibility]),
    ).toEqual([
      ['theft', 'acme'],
      ['gambling', 'public'],
    ]);

    // The other organisation's answers are byte for byte what they were.
    expect((await screen(globex)).body).toBe(globexBefore);
    expect(await labelsOf(INPUT_A, globex)).toEqual(globexLabelsBefore);
  });
});
