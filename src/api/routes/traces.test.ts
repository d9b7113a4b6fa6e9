import { beforeAll, describe, expect, it } from 'vitest';
import { useApi } from '../../../test/helpers/api.ts';
import { parseSseEvents } from '../../../test/helpers/sse.ts';
import {
  ETH,
  labelSimulatedDeposit,
  seedSimulatedTheft,
  SIM,
  simTransfers,
} from '../../../test/helpers/simulated-theft.ts';
import type { Store } from '../../store/store.ts';
import { type TraceStoreParameters, traceStore } from '../../trace/trace-store.ts';
import type { TraceResult } from '../../trace/types.ts';
import type { TraceValuation } from '../../trace/value-trace.ts';
import { createApiKey } from '../auth/api-keys.ts';
import { startServer } from '../server.ts';
import type { TraceJob } from '../traces/trace-jobs.ts';

const { victim, thief, mule1, mule2, deposit } = SIM;
const move = simTransfers('api-trace-test');
const txHash = move.txHash;
const THEFT_TX = txHash(1);

/** The simulator's theft (seedSimulatedTheft), with this file's transaction hashes. */
const seed = (store: Store) => seedSimulatedTheft(store, move);

const sseEvents = (body: string) => parseSseEvents<TraceJob>(body);

describe('trace jobs', () => {
  const api = useApi({ seed });
  const start = async (payload: object, role: 'investigator' | 'admin' = 'investigator') => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: api.as(role),
      payload,
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.headers.location).toBe(`/v1/traces/${res.json().id}`);
    return res.json() as TraceJob;
  };

  it('runs a haircut trace to the exchange deposit and reports where the money is', async () => {
    const job = await start({ seeds: [THEFT_TX], chain: 'anvil', policy: 'haircut', maxHops: 5 });
    expect(job.state).toBe('queued');
    await api.app.chaintrail.traces.idle();
    const status = await api.app.inject({ url: `/v1/traces/${job.id}`, headers: api.as('viewer') });
    expect(status.json()).toMatchObject({ state: 'done', progress: 1, error: null });
    const res = await api.app.inject({
      url: `/v1/traces/${job.id}/result`,
      headers: api.as('viewer'),
    });
    const result = res.json();
    const where = Object.fromEntries(
      result.endpoints.map((e: { address: string; category: string; amount: string }) => [
        e.address,
        [e.category, e.amount],
      ]),
    );
    expect(where).toEqual({
      [deposit]: ['deposit_wallet', String(60n * ETH)],
      [mule2]: ['unspent', String(40n * ETH)],
    });
    expect(result.summary.traced + result.summary.untraced).toBeCloseTo(1, 9);
    const csv = await api.app.inject({
      url: `/v1/traces/${job.id}/result?format=csv`,
      headers: api.as('viewer'),
    });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body).toContain(mule1);
    const graphml = await api.app.inject({
      url: `/v1/traces/${job.id}/result?format=graphml`,
      headers: api.as('viewer'),
    });
    expect(graphml.body).toMatch(/^<\?xml/);
    expect(graphml.body).toContain('<graphml');
  });

  it('streams progress over SSE and ends with done', async () => {
    const job = await start({ seeds: [THEFT_TX], chain: 'anvil' });
    const res = await api.app.inject({
      url: `/v1/traces/${job.id}/events`,
      headers: api.as('viewer'),
    });
    expect(res.headers['content-type']).toMatch(/text\/event-stream/);
    const events = sseEvents(res.body);
    expect(events.at(-1)!.event).toBe('done');
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data.progress);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(1);
  });

  it('cancels a queued job and one that is running, and tells a job that is not done', async () => {
    const traces = api.app.chaintrail.traces;
    const parameters = {
      seeds: [{ kind: 'tx' as const, chain: 'anvil', txHash: THEFT_TX }],
      direction: 'forward' as const,
      policy: 'poison' as const,
    };
    const running = traces.create({ parameters, org: 'acme', createdBy: 'test' });
    const queued = traces.create({ parameters, org: 'acme', createdBy: 'test' });
    // Cancel the first as soon as it has started: it stops before its next step.
    traces.subscribe(running.id, (job) => {
      if (job.phase === 'index') void traces.cancel(running.id, 'acme');
    });
    const res = await api.app.inject({
      method: 'DELETE',
      url: `/v1/traces/${queued.id}`,
      headers: api.as('investigator'),
    });
    expect(res.json().state).toBe('cancelled');
    await traces.idle();
    expect((await traces.get(running.id, 'acme'))!.state).toBe('cancelled');
    const result = await api.app.inject({
      url: `/v1/traces/${running.id}/result`,
      headers: api.as('viewer'),
    });
    expect(result.statusCode).toBe(409);
    expect(result.json().error.code).toBe('TRACE_NOT_DONE');
  });

  it('fails a job with a clear reason when its seed is not in the data', async () => {
    const job = await start({ seeds: [txHash(99)], chain: 'anvil' });
    await api.app.chaintrail.traces.idle();
    const status = (
      await api.app.inject({ url: `/v1/traces/${job.id}`, headers: api.as('viewer') })
    ).json() as TraceJob;
    expect(status.state).toBe('failed');
    expect(status.error!.message).toMatch(/not|no /i);
  });

  it("hides one organisation's traces from another", async () => {
    const job = await start({ seeds: [THEFT_TX], chain: 'anvil' });
    await api.app.chaintrail.traces.idle();
    const { createApiKey } = await import('../auth/api-keys.ts');
    const { key } = await createApiKey({ store: api.store, role: 'admin', org: 'other' });
    await api.app.chaintrail.keys.reload();
    const res = await api.app.inject({
      url: `/v1/traces/${job.id}`,
      headers: { 'x-api-key': key },
    });
    expect(res.statusCode).toBe(404);
    const list = await api.app.inject({ url: '/v1/traces', headers: { 'x-api-key': key } });
    expect(list.json().traces).toEqual([]);
  });

  it('keeps finished jobs across a restart of the app (stored), and streams live over a socket', async () => {
    const server = await startServer({ app: api.app, port: 0 });
    try {
      const created = await fetch(`${server.url}/v1/traces`, {
        method: 'POST',
        headers: { ...api.as('investigator'), 'content-type': 'application/json' },
        body: JSON.stringify({ seeds: [THEFT_TX], chain: 'anvil' }),
      });
      const job = (await created.json()) as TraceJob;
      const stream = await fetch(`${server.url}/v1/traces/${job.id}/events`, {
        headers: api.as('viewer'),
      });
      const events = sseEvents(await stream.text());
      expect(events.at(-1)!.event).toBe('done');
      const doc = await api.store.getDocument('trace', job.id);
      expect((doc!.body as { job: TraceJob }).job.state).toBe('done');
    } finally {
      await server.close();
    }
  });
});

/**
 * Holds every trace job at its start while closed; an open gate lets them run the real trace
 * engine. So a test knows which job runs and which wait, without timing anything.
 */
function createGate() {
  let open = () => {};
  let opened = Promise.resolve();
  return {
    runTrace: async (parameters: TraceStoreParameters) => {
      await opened;
      return traceStore(parameters);
    },
    close() {
      opened = new Promise((resolve) => (open = resolve));
    },
    open: () => open(),
  };
}

/** The API of a test with a gate on its jobs, and an investigator key of a second organisation. */
function useGatedApi(app: { traceJobsPerKey?: number; traceJobsPerOrg?: number } = {}) {
  const gate = createGate();
  const api = useApi({ seed, app: { ...app, runTrace: gate.runTrace } });
  const globex = { 'x-api-key': '' };
  beforeAll(async () => {
    globex['x-api-key'] = (
      await createApiKey({ store: api.store, role: 'investigator', org: 'globex' })
    ).key;
    await api.app.chaintrail.keys.reload();
  });
  const post = (headers: { 'x-api-key': string }) =>
    api.app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers,
      payload: { seeds: [THEFT_TX], chain: 'anvil', maxHops: 1 },
    });
  const start = async (headers: { 'x-api-key': string }) => {
    const res = await post(headers);
    expect(res.statusCode, res.body).toBe(202);
    return res.json() as TraceJob;
  };
  /** Jobs of the key's organisation queued or running, as the API lists them. */
  const pending = async (headers: { 'x-api-key': string }) =>
    (
      await api.app
        .inject({ url: '/v1/traces', headers })
        .then((r) => r.json().traces as TraceJob[])
    ).filter((j) => j.state === 'queued' || j.state === 'running').length;
  return { api, gate, globex, post, start, pending };
}

describe('trace jobs of several organisations', () => {
  const { api, gate, globex, start } = useGatedApi();

  it("runs another organisation's job right after the one running, before the rest of the first's queue", async () => {
    const traces = api.app.chaintrail.traces;
    gate.close();
    const acme = api.as('investigator');
    const first = await start(acme);
    // The first job has started (it waits at the gate): what follows queues behind it.
    await new Promise<void>((resolve) => {
      traces.subscribe(first.id, (j) => j.state !== 'queued' && resolve());
      void traces.get(first.id, 'acme').then((j) => j!.state !== 'queued' && resolve());
    });
    expect((await traces.get(first.id, 'acme'))!.state).toBe('running');
    const queued = [];
    for (let i = 0; i < 5; i++) queued.push(await start(acme));
    const other = await start(globex);
    const started: string[] = [];
    for (const job of [...queued, other])
      traces.subscribe(job.id, (j) => {
        if (j.state === 'running' && !started.includes(j.id)) started.push(j.id);
      });
    gate.open();
    await traces.idle();
    expect(started).toEqual([other.id, ...queued.map((j) => j.id)]);
    const states = await Promise.all(
      [first, ...queued].map(async (j) => (await traces.get(j.id, 'acme'))!.state),
    );
    expect(states).toEqual(Array(6).fill('done'));
  });
});

describe('trace job caps per key and per organisation', () => {
  const { api, gate, globex, post, start, pending } = useGatedApi({
    traceJobsPerKey: 2,
    traceJobsPerOrg: 3,
  });

  it('refuses a job over the cap of its key, then of its organisation (429 TRACE_QUEUE_FULL), until one is cancelled', async () => {
    gate.close();
    const investigator = api.as('investigator');
    const admin = api.as('admin');
    const [, second] = [await start(investigator), await start(investigator)];
    expect(await pending(investigator)).toBe(2);

    const overKey = await post(investigator);
    expect(overKey.statusCode).toBe(429);
    expect(overKey.json().error.code).toBe('TRACE_QUEUE_FULL');
    expect(overKey.json().error.message).toMatch(
      /API key has 2 trace jobs queued or running, the most it may have is 2/,
    );
    expect(Number(overKey.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await pending(investigator)).toBe(2);

    // Another key of the organisation has its own two, but the organisation only three.
    await start(admin);
    const overOrg = await post(admin);
    expect(overOrg.statusCode).toBe(429);
    expect(overOrg.json().error.code).toBe('TRACE_QUEUE_FULL');
    expect(overOrg.json().error.message).toMatch(
      /organisation has 3 trace jobs queued or running, the most it may have is 3/,
    );
    expect(await pending(admin)).toBe(3);
    expect((await api.app.inject({ url: '/healthz' })).statusCode).toBe(200);

    // A cancelled job frees its place at once.
    const cancelled = await api.app.inject({
      method: 'DELETE',
      url: `/v1/traces/${second!.id}`,
      headers: investigator,
    });
    expect(cancelled.json().state).toBe('cancelled');
    expect(await pending(investigator)).toBe(2);
    await start(investigator);
    expect(await pending(investigator)).toBe(3);
    expect((await post(investigator)).statusCode).toBe(429);

    gate.open();
    await api.app.chaintrail.traces.idle();
    // Finished jobs free theirs too.
    expect(await pending(investigator)).toBe(0);
    await start(investigator);
    await api.app.chaintrail.traces.idle();
  });

  it("accepts another organisation's job while the first's queue is full", async () => {
    gate.close();
    const investigator = api.as('investigator');
    await start(investigator);
    await start(investigator);
    await start(api.as('admin'));
    expect((await post(investigator)).statusCode).toBe(429);
    const other = await start(globex);
    expect(await pending(globex)).toBe(1);
    expect(await pending(investigator)).toBe(3);
    gate.open();
    await api.app.chaintrail.traces.idle();
    expect((await api.app.chaintrail.traces.get(other.id, 'globex'))!.state).toBe('done');
  });
});

describe('trace valuation in USD', () => {
  // Prices are test data, written through the store as `import prices` writes them.
  const SOURCE = 'test prices';
  const day = (time: number) => new Date(time * 1000).toISOString().slice(0, 10);
  /** One block a day: the theft's four transfers are on four UTC days. */
  const daily = simTransfers('api-valuation-test', { secondsPerBlock: 86_400 });
  /** The same moves 100 days later, when no price is stored. */
  const later = simTransfers('api-valuation-later', { secondsPerBlock: 86_400 });
  const at = (n: number, m = daily) => m(n, victim, thief, 0n).blockTime!;
  const P: Record<number, number> = { 1: 2000, 2: 2100, 4: 2400 };
  const api = useApi({
    seed: async (store) => {
      const moves = (m: typeof daily, offset: number) => [
        m(1 + offset, victim, thief, 100n * ETH),
        m(2 + offset, thief, mule1, 60n * ETH),
        m(3 + offset, thief, mule2, 40n * ETH),
        m(4 + offset, mule1, deposit, 60n * ETH),
      ];
      await store.write(async (w) => {
        await w.appendTransfers([...moves(daily, 0), ...moves(later, 100)]);
        await w.putPrices(
          Object.entries(P).map(([n, usd]) => ({
            chain: 'anvil',
            asset: 'native',
            day: day(at(Number(n))),
            usd,
            source: SOURCE,
          })),
        );
      });
      await labelSimulatedDeposit(store);
    },
  });
  const traceOf = async (seed: string) => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: api.as('investigator'),
      payload: { seeds: [seed], chain: 'anvil', maxHops: 5 },
    });
    expect(res.statusCode, res.body).toBe(202);
    await api.app.chaintrail.traces.idle();
    const id = res.json().id as string;
    const result = await api.app.inject({
      url: `/v1/traces/${id}/result`,
      headers: api.as('viewer'),
    });
    return { id, result: result.json() as TraceResult };
  };
  const valuationOf = (id: string, headers = api.as('viewer')) =>
    api.app.inject({ url: `/v1/traces/${id}/valuation`, headers });

  it("values the stolen, freezable and each endpoint's amount at the prices of their days, reconciling with the result's edges", async () => {
    const { id, result } = await traceOf(daily.txHash(1));
    const res = await valuationOf(id);
    expect(res.statusCode, res.body).toBe(200);
    const v = res.json() as TraceValuation;
    const priceOn = (time: number) => {
      // The nearest earlier price within 3 days: block 3's day has none, block 2's stands for it.
      const n = [4, 2, 1].find((b) => at(b) <= time)!;
      return P[n]!;
    };
    const whole = (raw: string) => Number(raw) / 1e18;
    const hop1 = result.edges.filter((e) => e.hop === 1);
    expect(hop1.length).toBeGreaterThan(0);
    expect(v.stolen).toEqual({
      usd: hop1.reduce((s, e) => s + whole(e.tainted) * priceOn(e.time), 0),
      pricedShare: 1,
    });
    expect(v.endpoints).toHaveLength(result.endpoints.length);
    const usdOf = (address: string) => {
      const i = result.endpoints.findIndex((e) => e.address === address);
      const into = result.edges.filter((e) => e.to === `anvil:${address}`);
      expect(into).toHaveLength(1);
      expect(v.endpoints[i]!.usd).toBe(whole(result.endpoints[i]!.amount) * priceOn(into[0]!.time));
      return v.endpoints[i]!.usd!;
    };
    // 60 ETH at the deposit on block 4's day; 40 ETH still at mule 2 since block 3's day.
    expect(usdOf(deposit)).toBe(60 * P[4]!);
    expect(usdOf(mule2)).toBe(40 * P[2]!);
    // The seed transaction moved 100 ETH on block 1's day.
    expect(v.stolen.usd).toBe(100 * P[1]!);
    expect(v.freezable).toEqual({ usd: 60 * P[4]!, pricedShare: 1 });
    expect(v.sources).toEqual([
      {
        chain: 'anvil',
        asset: 'native',
        source: SOURCE,
        from: day(at(1)),
        to: day(at(4)),
        days: 3,
      },
    ]);
    expect(v.unpriced).toEqual([]);
    expect(v.currency).toBe('USD');
  });

  it('gives nulls and names the asset when no price is near the transfers; another organisation gets 404; a trace not done 409', async () => {
    const { id, result } = await traceOf(later.txHash(101));
    const v = (await valuationOf(id)).json() as TraceValuation;
    expect(v).toEqual({
      currency: 'USD',
      stolen: { usd: null, pricedShare: 0 },
      freezable: { usd: null, pricedShare: 0 },
      endpoints: result.endpoints.map(() => ({ usd: null })),
      sources: [],
      unpriced: [{ chain: 'anvil', asset: 'native' }],
    });

    const { key } = await createApiKey({ store: api.store, role: 'admin', org: 'other' });
    await api.app.chaintrail.keys.reload();
    const other = await valuationOf(id, { 'x-api-key': key });
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('NOT_FOUND');

    const traces = api.app.chaintrail.traces;
    const job = traces.create({
      parameters: {
        seeds: [{ kind: 'tx', chain: 'anvil', txHash: daily.txHash(1) }],
        direction: 'forward',
        policy: 'haircut',
      },
      org: 'acme',
      createdBy: 'test',
    });
    await traces.cancel(job.id, 'acme');
    const notDone = await valuationOf(job.id);
    expect(notDone.statusCode).toBe(409);
    expect(notDone.json().error.code).toBe('TRACE_NOT_DONE');
    await traces.idle();
  });
});
