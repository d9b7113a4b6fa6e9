import { createHmac } from 'node:crypto';
import path from 'node:path';
import pino from 'pino';
import type { Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRpc,
  type Rpc,
  sendExploiterFunds,
  simulateRoninTheft,
} from '../../../test/helpers/exploiter-funds.ts';
import { makeTempDir } from '../../../test/helpers/temp-dir.ts';
import { type Anvil, startAnvil } from '../../chains/evm/anvil.ts';
import { SIMULATOR_ANVIL_ARGS, type SimulateReturnType } from '../../simulate/simulate.ts';
import { labelSimulatedServices } from '../../simulate/simulator-labels.ts';
import { createDuckDbStore } from '../../store/duckdb/duckdb-store.ts';
import type { Store } from '../../store/store.ts';
import { type ApiApp, buildApp } from '../app.ts';
import { createApiKey } from '../auth/api-keys.ts';
import { createFollower, type Follower, type FollowerBatch } from './follower.ts';
import { startTestReceiver, type TestReceiver } from './test-receiver.ts';
import type { Alert } from './types.ts';

const SECRET = 'e2e-webhook-secret-0123456789';
/** The done-when bound: the webhook must arrive within this long after the block. */
const ALERT_DEADLINE_MS = 5000;

describe('alerts end to end on anvil with the simulator', () => {
  let anvil: Anvil;
  let sim: SimulateReturnType;
  let dir: ReturnType<typeof makeTempDir>;
  let store: Store;
  let app: ApiApp;
  let receiver: TestReceiver;
  let follower: Follower | null = null;
  let rpc: Rpc;
  beforeAll(async () => {
    anvil = await startAnvil({ args: SIMULATOR_ANVIL_ARGS });
    rpc = createRpc(anvil.url);
    sim = await simulateRoninTheft(anvil.url);
    dir = makeTempDir('chaintrail-alerts-e2e-');
    store = await createDuckDbStore({ path: path.join(dir.path, 'db.duckdb') });
    // The simulator's exchanges, bridges and mixers, labelled as `chaintrail demo` does.
    await labelSimulatedServices(store, sim);
    app = await buildApp({
      store,
      logger: pino({ level: 'silent' }),
      // The receiver runs on this machine.
      allowPrivateWebhooks: true,
    });
    receiver = await startTestReceiver({ secret: SECRET });
  });

  afterAll(async () => {
    await follower?.stop();
    await app?.close();
    await store?.close();
    await receiver?.close();
    await anvil?.stop();
    dir?.cleanup();
  });

  it('a watched exploiter moves funds; the webhook receiver gets a correctly signed alert within 5 s of the block', async () => {
    // The simulator's truth names the exploiter; its key is the simulator's, so the test can move
    // its loot as the attacker would.
    const truth = sim.truths[0]!;
    const exploiter = truth.attackerAddresses.find((a) => a.role === 'exploiter')!.address;
    const deposit = sim.entities.find((e) => e.category === 'deposit_wallet')!;

    // The monitoring loop, caught up with the simulated history before the watch starts.
    let onBatch: (b: FollowerBatch) => void = () => undefined;
    follower = createFollower({
      store,
      alerts: app.chaintrail.alerts,
      logger: pino({ level: 'silent' }),
      rpcUrl: anvil.url,
      onBatch: (b) => onBatch(b),
    });
    const caughtUp = new Promise<void>((resolve, reject) => {
      onBatch = (b) => {
        if (b.toBlock >= sim.lastBlock) resolve();
      };
      follower!.done.then(() => reject(new Error('follower stopped early')), reject);
    });
    await caughtUp;

    // An investigator watches the exploiter through the API, with a signed webhook.
    const { key } = await createApiKey({ store, role: 'investigator', org: 'acme' });
    await app.chaintrail.keys.reload();
    const created = await app.inject({
      method: 'POST',
      url: '/v1/watchlists',
      headers: { 'x-api-key': key },
      payload: {
        name: 'Ronin exploiter',
        addresses: [{ chain: 'anvil', address: exploiter }],
        webhook: { url: receiver.url, secret: SECRET },
      },
    });
    expect(created.statusCode, created.body).toBe(201);

    // The exploiter sends what it has left to an exchange deposit address (a contract, as the
    // simulator's deposit wallets are), in a block stamped with the wall clock.
    const { hash, value, receipt } = await sendExploiterFunds({
      rpc,
      sim,
      to: deposit.address,
    });
    const minedSeenAt = Date.now();
    expect(BigInt(receipt.status)).toBe(1n);
    const block = await rpc<{ timestamp: Hex }>('eth_getBlockByNumber', [
      receipt.blockNumber,
      false,
    ]);
    const blockTimeMs = Number(BigInt(block.timestamp)) * 1000;

    const delivery = await receiver.waitFor(
      (d) => (JSON.parse(d.body) as { alert: Alert }).alert.txHash === hash,
      ALERT_DEADLINE_MS * 2,
    );
    const latencyMs = delivery.receivedAt - minedSeenAt;
    const sinceBlockTimestampMs = delivery.receivedAt - blockTimeMs;
    console.info(
      `webhook latency: ${latencyMs} ms after the receipt returned; ${sinceBlockTimestampMs} ms after the block timestamp (whole seconds)`,
    );

    // Correctly signed: the receiver's check, and the documented HMAC recomputed here.
    expect(delivery.verified).toBe(true);
    const header = String(delivery.headers['x-chaintrail-signature']);
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header)!;
    expect(createHmac('sha256', SECRET).update(`${t}.${delivery.body}`).digest('hex')).toBe(v1);

    const { type, alert } = JSON.parse(delivery.body) as { type: string; alert: Alert };
    expect(type).toBe('alert.fired');
    expect(alert).toMatchObject({
      kind: 'service_reached',
      chain: 'anvil',
      txHash: hash,
      blockNumber: String(BigInt(receipt.blockNumber)),
      from: exploiter,
      to: deposit.address,
      asset: 'native',
      amount: String(value),
      service: { category: 'deposit_wallet', entity: deposit.entity },
      watchlistName: 'Ronin exploiter',
    });
    expect(delivery.headers['x-chaintrail-delivery']).toBe(alert.id);
    expect(latencyMs).toBeLessThan(ALERT_DEADLINE_MS);
    // Block timestamps are whole seconds, so up to one more second can show against them.
    expect(sinceBlockTimestampMs).toBeLessThan(ALERT_DEADLINE_MS + 1000);

    // One alert (the gas the exploiter paid is not one), stored and marked delivered.
    await app.chaintrail.alerts.idle();
    const listed = await app.inject({ url: '/v1/alerts', headers: { 'x-api-key': key } });
    expect(listed.json().alerts.map((a: Alert) => [a.txHash, a.delivery.state])).toEqual([
      [hash, 'delivered'],
    ]);
    expect(receiver.deliveries).toHaveLength(1);
  });
});
