import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useApi } from '../../test/helpers/api.ts';
import { importEtl } from '../ingest/etl/import-etl.ts';
import { readReferenceTokenList } from '../labels/reference-tokens.ts';

const SAMPLE = path.resolve(
  import.meta.dirname,
  '../../test/fixtures/ethereum-etl/test_stream/blocks_17173049_17173050',
);
const REFERENCE = path.resolve(import.meta.dirname, '../../data/reference');
const list = readReferenceTokenList(REFERENCE)!;

describe('GET /v1/assets after importing the real blocks 17173049-17173050', () => {
  const api = useApi({
    seed: async (store) => {
      await importEtl({ store, paths: [SAMPLE], tokenList: list });
    },
  });

  it("gives each known token's symbol and decimals with where they came from", async () => {
    const res = await api.app.inject({
      url: '/v1/assets?chain=ethereum',
      headers: api.as('viewer'),
    });
    expect(res.statusCode).toBe(200);
    const { assets } = res.json<{
      assets: {
        asset: string;
        symbol: string | null;
        decimals: number | null;
        source: string | null;
      }[];
    }>();
    const tokens = assets.filter((a) => a.asset !== 'native');
    expect(tokens.length).toBeGreaterThan(0);
    for (const a of tokens)
      expect(a).toEqual({
        chain: 'ethereum',
        asset: a.asset,
        symbol: list.get('ethereum', a.asset)!.symbol,
        decimals: list.get('ethereum', a.asset)!.decimals,
        source: 'token-list',
      });
    expect(assets.find((a) => a.asset === 'native')).toMatchObject({ symbol: 'ETH', source: null });
  });
});
