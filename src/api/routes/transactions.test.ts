import { beforeAll, describe, expect, it } from 'vitest';
import { useApi } from '../../../test/helpers/api.ts';
import type { Transfer } from '../../model/transfer.ts';
import { createApiKey } from '../auth/api-keys.ts';

// A real mainnet token transfer (ethereum-etl's test resources, as in cases.test.ts); the labels
// below are test labels, not attributions of these addresses.
const TX = '0x04cbcb236043d8fb7839e07bbc7f5eed692fb2ca55d897f1101eac3e3ad4fab8';
const FROM = '0x1b63142628311395ceafeea5667e7c9026c862ca';
const TO = '0xac4df82fe37ea2187bc8c011a23d743b4f39019a';
const TOKEN = '0xf4eced2f682ce333f96f2d8966c613ded8fc95dd';
const TRANSFERS: Transfer[] = [
  {
    chain: 'ethereum',
    blockNumber: 483920n,
    blockTime: 1447144575,
    txHash: TX,
    position: 'log:0',
    from: FROM,
    to: TO,
    asset: TOKEN,
    amount: 100000n,
    kind: 'token',
  },
];

type Names = Record<string, { entity: string | null; category: string; private: boolean }>;

describe('GET /v1/transactions/{chain}/{hash}: who is behind its addresses', () => {
  const api = useApi({
    seed: async (store) => {
      await store.write(async (w) => {
        await w.appendTransfers(TRANSFERS);
        await w.addLabels([
          {
            chain: 'ethereum',
            address: TO,
            entity: 'Test Exchange',
            category: 'exchange',
            source: 'test',
            confidence: 50,
          },
        ]);
      });
    },
  });
  let globex = '';
  beforeAll(async () => {
    globex = (await createApiKey({ store: api.store, role: 'viewer', org: 'globex' })).key;
    await api.app.chaintrail.keys.reload();
  });
  const names = async (key: Record<string, string>) => {
    const res = await api.app.inject({ url: `/v1/transactions/ethereum/${TX}`, headers: key });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ names: Names }>().names;
  };

  it("names public labels for everyone and an organisation's private label only for it", async () => {
    expect(await names(api.as('viewer'))).toEqual({
      [TO]: { entity: 'Test Exchange', category: 'exchange', private: false },
    });
    const marked = await api.app.inject({
      method: 'POST',
      url: '/v1/labels/private',
      payload: { chain: 'ethereum', address: FROM, category: 'theft', entity: 'Case 7 exploiter' },
      headers: api.as('investigator'),
    });
    expect(marked.statusCode, marked.body).toBe(201);
    expect((await names(api.as('viewer')))[FROM]).toEqual({
      entity: 'Case 7 exploiter',
      category: 'theft',
      private: true,
    });
    // Another organisation sees the public name only.
    expect(await names({ 'x-api-key': globex })).toEqual({
      [TO]: { entity: 'Test Exchange', category: 'exchange', private: false },
    });
  });
});
