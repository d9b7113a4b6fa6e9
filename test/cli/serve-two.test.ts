import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Anvil, startAnvil } from '../../src/chains/evm/anvil.ts';
import type { Alert } from '../../src/api/alerts/types.ts';
import { SIMULATOR_ANVIL_ARGS, type SimulateReturnType } from '../../src/simulate/simulate.ts';
import { startTestReceiver, type TestReceiver } from '../../src/api/alerts/test-receiver.ts';
import { clickHouseUnavailable, useClickHouseCluster } from '../helpers/clickhouse-cluster.ts';
import { createRpc, sendExploiterFunds, simulateRoninTheft } from '../helpers/exploiter-funds.ts';
import { runCli } from '../helpers/run-cli.ts';
import { createClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.ts';
import { claimToken } from '../../src/store/claim-version.ts';
import { parseSseEvents } from '../helpers/sse.ts';

// Two real `chaintrail serve` processes on one ClickHouse cluster store, as a deployment behind a
// load balancer runs them: what one serves, the other serves too (issue 19, item 5).
const BIN = path.resolve(import.meta.dirname, '../../bin/chaintrail.js');
const START_TIMEOUT_MS = 60_000;
/** A key made on one server works on the other within the key reload interval (5 s) and this margin. */
const KEY_PROPAGATION_MS = 15_000;
const SECRET = 'two-servers-webhook-secret-0123';

type Server = { url: string; child: ChildProcess; stderr: () => string };

async function startServe(args: string[]): Promise<Server> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--json', ...args], {
    env: { ...process.env, CHAINTRAIL_LOG_LEVEL: process.env.SERVE_LOG ?? 'warn' },
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`serve did not start: ${stderr}`)),
      START_TIMEOUT_MS,
    );
    child.once('close', () => reject(new Error(`serve exited: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
  });
  return { url, child, stderr: () => stderr };
}

async function stopServe(server: Server | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null) return;
  const closed = new Promise((resolve) => server.child.once('close', resolve));
  server.child.kill('SIGTERM');
  await closed;
}

/** Polls `check` until it returns a value, or fails naming `what` after `timeoutMs`. */
async function eventually<T>(
  what: string | (() => string),
  timeoutMs: number,
  check: () => Promise<T | null>,
) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    const value = await check().catch((error: unknown) => ((last = error), null));
    if (value !== null) return value;
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${typeof what === 'string' ? what : what()} (last: ${JSON.stringify(String(last))})`,
      );
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const missing = clickHouseUnavailable();

describe.skipIf(missing !== null)(
  `two chaintrail serve processes on one 2-shard ClickHouse cluster${missing ? `: NOT RUN, ${missing}` : ''}`,
  () => {
    const ch = useClickHouseCluster({ shards: 2 });
    let anvil: Anvil;
    let sim: SimulateReturnType;
    let receiver: TestReceiver;
    let a: Server;
    let b: Server;
    let db: string;
    let admin: string;

    beforeAll(async () => {
      anvil = await startAnvil({ args: SIMULATOR_ANVIL_ARGS });
      sim = await simulateRoninTheft(anvil.url);
      receiver = await startTestReceiver({ secret: SECRET });
      db = ch.cluster.storeUrl('ct_two_servers');
      const created = await runCli([
        'keys',
        'create',
        '--role',
        'admin',
        '--org',
        'acme',
        '--db',
        db,
        '--json',
      ]);
      expect(created.code, created.stderr).toBe(0);
      admin = (JSON.parse(created.stdout) as { key: string }).key;
      // Both follow the chain, as each server of a deployment that fires alerts does.
      const follow = [
        '--db',
        db,
        '--follow',
        '--rpc',
        anvil.url,
        '--poll-ms',
        '200',
        '--allow-private-webhooks',
      ];
      [a, b] = await Promise.all([startServe(follow), startServe(follow)]);
    }, 180_000);

    afterAll(async () => {
      await Promise.all([stopServe(a), stopServe(b)]);
      await receiver?.close();
      await anvil?.stop();
    });

    const call = async (
      server: Server,
      key: string,
      method: string,
      url: string,
      body?: unknown,
    ) => {
      const res = await fetch(`${server.url}${url}`, {
        method,
        headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      // Bodies of many shapes, read as the assertions need them.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return { status: res.status, json: text ? (JSON.parse(text) as Record<string, any>) : null };
    };
    const lastBlock = async (server: Server) => {
      const res = await call(server, admin, 'GET', '/v1/alerts/following');
      const chain = (res.json!.chains as { lastBlock: string | null }[])[0];
      return chain?.lastBlock ? BigInt(chain.lastBlock) : null;
    };

    it('loads the reference labels once when two processes open a new database at once; neither goes on without them', async () => {
      const fresh = ch.cluster.storeUrl('ct_two_new');
      const runs = await Promise.all([0, 1].map(() => runCli(['stats', '--json', '--db', fresh])));
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
      expect(runs.filter((r) => /loaded [\d,]+ reference labels/.test(r.stderr))).toHaveLength(1);
      // Each saw every label: the one that waited counts what the loader wrote.
      const labels = runs.map((r) => (JSON.parse(r.stdout) as { labels: number }).labels);
      expect(labels[0]).toBeGreaterThan(0);
      expect(labels[1]).toBe(labels[0]);
      const imports = await runCli(['labels', 'imports', '--json', '--db', fresh]);
      const once = await runCli(['labels', 'imports', '--json', '--db', db]);
      expect((JSON.parse(imports.stdout) as unknown[]).length).toBe(
        (JSON.parse(once.stdout) as unknown[]).length,
      );
    });

    it('takes over loading the reference labels from a process that claimed it and died', async () => {
      const fresh = ch.cluster.storeUrl('ct_two_dead');
      const store = await createClickHouseStore({ location: fresh });
      try {
        // A process claimed the load ten minutes ago and never finished it.
        const dead = claimToken(Date.now() - 10 * 60_000);
        expect((await store.claim('reference-labels', dead)).won).toBe(true);
      } finally {
        await store.close();
      }
      const run = await runCli(['stats', '--json', '--db', fresh]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/loaded [\d,]+ reference labels/);
      expect((JSON.parse(run.stdout) as { labels: number }).labels).toBeGreaterThan(0);
    });

    it('serves on each server the keys made on either: a key made through one works on the other, a key revoked on one stops on the other', async () => {
      const made = await call(a, admin, 'POST', '/v1/keys', {
        role: 'investigator',
        name: 'analyst',
      });
      expect(made.status, JSON.stringify(made.json)).toBe(201);
      const key = made.json!.key as string;
      await eventually('the new key on the other server', KEY_PROPAGATION_MS, async () =>
        (await call(b, key, 'GET', '/v1/cases')).status === 200 ? true : null,
      );
      expect((await call(b, admin, 'DELETE', `/v1/keys/${made.json!.record.id}`)).status).toBe(200);
      await eventually('the revocation on the first server', KEY_PROPAGATION_MS, async () =>
        (await call(a, key, 'GET', '/v1/cases')).status === 401 ? true : null,
      );
    });

    it('shares cases with their versions: of two changes based on one version, one on each server, one lands and the other is refused with 409', async () => {
      const created = await call(a, admin, 'POST', '/v1/cases', { name: 'Ronin', seeds: [] });
      expect(created.status, JSON.stringify(created.json)).toBe(201);
      const id = created.json!.id as string;
      expect((await call(b, admin, 'GET', `/v1/cases/${id}`)).json).toMatchObject({
        id,
        version: 1,
      });
      for (let round = 1; round <= 5; round++) {
        const [fromA, fromB] = await Promise.all([
          call(a, admin, 'PUT', `/v1/cases/${id}`, {
            version: round,
            name: `A ${round}`,
            seeds: [],
          }),
          call(b, admin, 'PUT', `/v1/cases/${id}`, {
            version: round,
            name: `B ${round}`,
            seeds: [],
          }),
        ]);
        expect([fromA.status, fromB.status].sort()).toEqual([200, 409]);
        const winner = fromA.status === 200 ? fromA : fromB;
        expect(winner.json).toMatchObject({ version: round + 1 });
        // Both servers read the winner's change.
        for (const server of [a, b])
          expect((await call(server, admin, 'GET', `/v1/cases/${id}`)).json).toMatchObject({
            version: round + 1,
            name: winner.json!.name,
          });
      }
      // Notes from both at once: each lands, none overwrites another.
      const notes = await Promise.all(
        [a, b, a, b].map((server, i) =>
          call(server, admin, 'POST', `/v1/cases/${id}/notes`, { text: `n${i}` }),
        ),
      );
      expect(notes.map((n) => n.status)).toEqual([201, 201, 201, 201]);
      const final = (await call(b, admin, 'GET', `/v1/cases/${id}`)).json!;
      expect((final.notes as { text: string }[]).map((n) => n.text).sort()).toEqual([
        'n0',
        'n1',
        'n2',
        'n3',
      ]);
      expect(final.version).toBe(10);
    });

    it("screens with an organisation's private labels on every server: a label added or removed on one counts on the other within seconds", async () => {
      // A real mainnet address of the ethereum-etl fixtures, with no public label.
      const address = '0x1b63142628311395ceafeea5667e7c9026c862ca';
      const risk = async (server: Server) =>
        (await call(server, admin, 'POST', '/v1/screen', { addresses: [address] })).json!.results[0]
          .riskLevel as string;
      expect(await risk(a)).toBe('low');
      expect(await risk(b)).toBe('low');
      const added = await call(a, admin, 'POST', '/v1/labels/private', {
        chain: 'ethereum',
        address,
        category: 'scam',
        entity: 'Fake giveaway (two servers)',
      });
      expect(added.status, JSON.stringify(added.json)).toBe(201);
      expect(await risk(a)).toBe('high');
      await eventually('the label on the other server', 10_000, async () =>
        (await risk(b)) === 'high' ? true : null,
      );
      const removed = await call(b, admin, 'DELETE', `/v1/labels/private/${added.json!.id}`);
      expect(removed.status).toBe(200);
      await eventually('the removal on the first server', 10_000, async () =>
        (await risk(a)) === 'low' ? true : null,
      );
    });

    it("fires a watchlist alert once, whichever server follows first: one webhook delivery, the same alert on both, and both servers' streams get it", async () => {
      const truth = sim.truths[0]!;
      const exploiter = truth.attackerAddresses.find((x) => x.role === 'exploiter')!.address;
      const deposit = sim.entities.find((e) => e.category === 'deposit_wallet')!;
      // The simulated history stored. A server whose follow loop started after the other had
      // stored it continues from the stored checkpoint and reports no batch until a new block.
      await eventually('a follower to store the simulated history', 60_000, async () => {
        const at = await Promise.all([a, b].map(lastBlock));
        return at.some((n) => (n ?? -1n) >= sim.lastBlock) ? true : null;
      });
      const made = await call(a, admin, 'POST', '/v1/watchlists', {
        name: 'Ronin exploiter',
        addresses: [{ chain: 'anvil', address: exploiter }],
        webhook: { url: receiver.url, secret: SECRET },
      });
      expect(made.status, JSON.stringify(made.json)).toBe(201);
      expect((await call(b, admin, 'GET', `/v1/watchlists/${made.json!.id}`)).status).toBe(200);
      // A stream on each server, open (its first bytes read) before the funds move.
      const streams = await Promise.all(
        [a, b].map(async (server) => {
          const res = await fetch(`${server.url}/v1/alerts/stream?maxEvents=1`, {
            headers: { 'x-api-key': admin },
          });
          expect(res.status).toBe(200);
          const reader = res.body!.getReader();
          let text = new TextDecoder().decode((await reader.read()).value);
          // In an object: an async function returning the promise itself would wait for it.
          const rest = (async () => {
            for (;;) {
              const { done, value } = await reader.read();
              if (done) return text;
              text += new TextDecoder().decode(value);
            }
          })();
          return { rest };
        }),
      );
      const { hash, receipt } = await sendExploiterFunds({
        rpc: createRpc(anvil.url),
        sim,
        to: deposit.address,
      });
      const block = BigInt(receipt.blockNumber);
      await receiver.waitFor(
        (d) => (JSON.parse(d.body) as { alert: Alert }).alert.txHash === hash,
        30_000,
      );
      // Both servers have evaluated the block: whatever either was going to fire, it has.
      for (const server of [a, b])
        await eventually('the block on both followers', 30_000, async () =>
          ((await lastBlock(server)) ?? -1n) >= block ? true : null,
        );
      const lists = await Promise.all([a, b].map((s) => call(s, admin, 'GET', '/v1/alerts')));
      const alerts = lists.map((l) => (l.json!.alerts as Alert[]).filter((x) => x.txHash === hash));
      expect(alerts[0]).toHaveLength(1);
      expect(alerts[1]!.map((x) => x.id)).toEqual(alerts[0]!.map((x) => x.id));
      await eventually('the delivery recorded', 10_000, async () => {
        const got = await call(b, admin, 'GET', '/v1/alerts');
        const alert = (got.json!.alerts as Alert[]).find((x) => x.id === alerts[0]![0]!.id);
        return alert?.delivery.state === 'delivered' ? true : null;
      });
      expect(
        receiver.deliveries.filter(
          (d) => (JSON.parse(d.body) as { alert: Alert }).alert.txHash === hash,
        ),
      ).toHaveLength(1);
      for (const text of await Promise.all(streams.map((x) => x.rest))) {
        const events = parseSseEvents<Alert>(text).filter((e) => e.event === 'alert');
        expect(events.map((e) => e.data.id)).toEqual([alerts[0]![0]!.id]);
      }
      // Both servers wrote the audit log everyone reads.
      const audit = await call(b, admin, 'GET', '/v1/audit?action=watchlist.create');
      expect(JSON.stringify(audit.json)).toContain(made.json!.id as string);
    });
  },
);
