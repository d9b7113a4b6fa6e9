import { describe, expect, it } from 'vitest';
import { useApi } from '../../../test/helpers/api.ts';
import { createFollowStatus } from './follow-status.ts';

describe('whether the server follows a chain for alerts', () => {
  const follow = createFollowStatus();
  const api = useApi({ app: { follow } });
  const following = async () => {
    const res = await api.app.inject({ url: '/v1/alerts/following', headers: api.as('viewer') });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('says so when no chain is followed (no alert can fire), and which chain and block when one is', async () => {
    expect(await following()).toEqual({ following: false, chains: [] });
    // As `chaintrail serve --follow --rpc <url>` without --chain: the chain is known at the first batch.
    const followed = follow.start(null);
    expect(await following()).toMatchObject({
      following: true,
      chains: [{ chain: null, lastBlock: null, lastBatchAt: null }],
    });
    followed.batch('anvil', 1234n);
    expect(await following()).toMatchObject({
      following: true,
      chains: [{ chain: 'anvil', lastBlock: '1234' }],
    });
    followed.stop();
    expect(await following()).toEqual({ following: false, chains: [] });
  });

  it('is open to every role that reads alerts, not to a screening key', async () => {
    const screener = await api.app.inject({
      url: '/v1/alerts/following',
      headers: api.as('screener'),
    });
    expect(screener.statusCode).toBe(403);
  });
});
