import { describe, expect, it } from 'vitest';
import { useApi } from '../../../test/helpers/api.ts';
import { etlBitcoinTransfers } from '../../../test/helpers/bitcoin-etl-transfers.ts';
import { buildClusters } from '../../cluster/build-clusters.ts';
import { createApiKey } from '../auth/api-keys.ts';

// bitcoin-etl's blocks 50001-50002 (test/fixtures/bitcoin-etl): 7940cdde… spends from both inputs.
const INPUT_A = '1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae';
const INPUT_B = '1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m9';
const LONE = '18dxbN6m8zxieN8F9BchXmhbeXUdFLr8fD';
const TX = '7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a';

describe('GET /v1/clusters/{chain}/{address}', () => {
  const api = useApi({
    seed: async (store) => {
      await store.write(async (w) => {
        await w.appendTransfers(etlBitcoinTransfers());
        // A constructed public label (the source says so).
        await w.addLabels([
          {
            chain: 'bitcoin',
            address: INPUT_A,
            entity: null,
            category: 'exchange',
            source: 'test: constructed label',
            confidence: 70,
          },
        ]);
      });
      await buildClusters({ store, chain: 'bitcoin' });
    },
  });
  const get = (url: string) => api.app.inject({ url, headers: api.as('viewer') });

  it('answers the cluster of an input of 7940cdde…: both addresses, the transaction, the other address’s label via the cluster', async () => {
    const res = await get(`/v1/clusters/bitcoin/${INPUT_B}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      chain: 'bitcoin',
      address: INPUT_B,
      id: INPUT_A,
      size: 2,
      built: { blockNumber: '50002', clusters: 1, addresses: 2 },
      addresses: [INPUT_A, INPUT_B],
      links: [{ txHash: TX, blockNumber: '50001', address: INPUT_A, joined: 2, inputs: 2 }],
      linksTotal: 1,
      refusals: [],
      labels: [
        {
          category: 'exchange',
          confidence: 35,
          visibility: 'public',
          source: `via cluster of ${INPUT_A}: test: constructed label`,
          viaCluster: {
            cluster: INPUT_A,
            size: 2,
            address: INPUT_A,
            provenance: `via cluster of ${INPUT_A}`,
          },
        },
      ],
    });
    // The first address's own label is its own, not via the cluster.
    const own = (await get(`/v1/clusters/bitcoin/${INPUT_A}`)).json<{
      labels: { viaCluster?: unknown; confidence: number }[];
    }>();
    expect(own.labels).toEqual([expect.objectContaining({ confidence: 70 })]);
    expect(own.labels[0]!.viaCluster).toBeUndefined();
    // Pages: the second address alone.
    expect((await get(`/v1/clusters/bitcoin/${INPUT_A}?limit=1&offset=1`)).json()).toMatchObject({
      addresses: [INPUT_B],
      limit: 1,
      offset: 1,
    });
    // An address in no cluster is one of its own.
    expect((await get(`/v1/clusters/bitcoin/${LONE}`)).json()).toMatchObject({
      id: LONE,
      size: 1,
      addresses: [LONE],
      links: [],
    });
    await api.app.chaintrail.audit.flush();
    const audit = await api.store.listAudit({ action: 'cluster.read' });
    expect(audit.map((a) => a.target)).toContain(`bitcoin:${INPUT_B}`);
  });

  it('names what is wrong with a 4xx: a chain without UTXO, a bad address, bad paging', async () => {
    const cases: [string, number, string][] = [
      [
        `/v1/clusters/ethereum/0x098B716B8Aaf21512996dC57EB0615e2383E2f96`,
        400,
        'CLUSTER_CHAIN_NOT_UTXO',
      ],
      [`/v1/clusters/bitcoin/1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m8`, 400, 'INVALID_ADDRESS'],
      [`/v1/clusters/no-such-chain/${INPUT_A}`, 400, 'UNKNOWN_CHAIN'],
      [`/v1/clusters/bitcoin/${INPUT_A}?limit=1001`, 400, 'VALIDATION_FAILED'],
      [`/v1/clusters/bitcoin/${INPUT_A}?page=2`, 400, 'VALIDATION_FAILED'],
    ];
    for (const [url, status, code] of cases) {
      const res = await get(url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(status);
      expect(res.json().error.code, url).toBe(code);
    }
  });
});

describe('GET /v1/clusters/{chain}/{address} as far as the build goes', () => {
  // Block 50001 (7940cdde… joins INPUT_A and INPUT_B) is stored first; block 50002, a coinbase, is
  // synced later. Organisation B (globex) asks too: A's private label never reaches it.
  const transfers = etlBitcoinTransfers();
  const inBlock = (n: bigint) => transfers.filter((t) => t.blockNumber === n);
  let other = '';
  const api = useApi({
    seed: async (store) => {
      await store.write((w) => w.appendTransfers(inBlock(50_001n)));
      other = (await createApiKey({ store, role: 'viewer', org: 'globex', name: 'globex viewer' }))
        .key;
    },
  });
  const get = (url: string, key?: string) =>
    api.app.inject({ url, headers: key ? { 'x-api-key': key } : api.as('viewer') });
  type Answer = {
    id: string;
    size: number;
    built: { blockNumber: string } | null;
    tip: string | null;
    note: string | null;
    labels: { entity: string | null; viaCluster?: { address: string } }[];
  };
  const cluster = async (address: string, key?: string): Promise<Answer> => {
    const res = await get(`/v1/clusters/bitcoin/${address}`, key);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Answer>();
  };

  it('before the first build: 200, the address alone, built null and a note naming the command; labels per organisation', async () => {
    const label = await api.app.inject({
      method: 'POST',
      url: '/v1/labels/private',
      headers: api.as('investigator'),
      payload: { chain: 'bitcoin', address: INPUT_B, category: 'theft', entity: 'acme case 7' },
    });
    expect(label.statusCode, label.body).toBe(201);

    const b = await cluster(INPUT_B);
    expect(b).toMatchObject({
      id: INPUT_B,
      size: 1,
      built: null,
      tip: '50001',
      addresses: [INPUT_B],
      links: [],
      linksTotal: 0,
      refusals: [],
    });
    expect(b.note).toBe(
      'Clusters of bitcoin are not built yet (or a reorg dropped them): each address reads as its own cluster until you run `chaintrail cluster build --chain bitcoin`.',
    );
    expect(b.labels.map((l) => l.entity)).toEqual(['acme case 7']);
    expect((await cluster(INPUT_B, other)).labels).toEqual([]);
    // Not through a cluster either: none is built.
    expect((await cluster(INPUT_A)).labels).toEqual([]);

    // A chain with no stored block: the note says to sync or import first.
    // bitcoin-testnet: a BIP-350 test vector address (test/fixtures/addresses/bip350-segwit.json).
    const testnet = await get(
      '/v1/clusters/bitcoin-testnet/tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7',
    );
    expect(testnet.statusCode, testnet.body).toBe(200);
    expect(testnet.json()).toMatchObject({ built: null, tip: null, size: 1 });
    expect(testnet.json<Answer>().note).toMatch(/^No block of bitcoin-testnet is stored/);
  });

  it('after a build, then a block synced after it: says the build stops below the tip, until the next build', async () => {
    await buildClusters({ store: api.store, chain: 'bitcoin' });
    const built = await cluster(INPUT_B);
    expect(built).toMatchObject({
      id: INPUT_A,
      size: 2,
      built: { blockNumber: '50001' },
      tip: '50001',
      note: null,
    });
    // A's private label of INPUT_B reaches INPUT_A through the cluster, for A only.
    expect((await cluster(INPUT_A)).labels.map((l) => [l.entity, l.viaCluster?.address])).toEqual([
      ['acme case 7', INPUT_B],
    ]);
    expect((await cluster(INPUT_A, other)).labels).toEqual([]);

    await api.store.write((w) => w.appendTransfers(inBlock(50_002n)));
    const behind = await cluster(INPUT_B);
    expect(behind).toMatchObject({ id: INPUT_A, built: { blockNumber: '50001' }, tip: '50002' });
    expect(behind.note).toBe(
      'Clusters of bitcoin are built to block 50001; block 50002 is stored but not clustered yet, so transactions there joined nothing: run `chaintrail cluster build --chain bitcoin`.',
    );

    await buildClusters({ store: api.store, chain: 'bitcoin' });
    expect(await cluster(INPUT_B)).toMatchObject({
      built: { blockNumber: '50002' },
      tip: '50002',
      note: null,
    });
  });
});
