import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useApi } from '../../test/helpers/api.ts';
import { etlBitcoinTransfers } from '../../test/helpers/bitcoin-etl-transfers.ts';
import { ETL_TOKEN_TRANSFERS } from '../../test/helpers/etl-transfers.ts';
import { buildClusters } from '../cluster/build-clusters.ts';
import type { Alert } from './alerts/types.ts';
import { createApiKey } from './auth/api-keys.ts';
import { ROLES, type Role } from './auth/roles.ts';

// Issue 16's acceptance matrix: organisation A (`acme`, the fixture's keys) owns one of everything;
// organisation B (`globex`) tries every route with a key of every role, and A's answers stay the same.

// Two real mainnet token transfers (ethereum-etl's test resources, block 483920).
const [T0, T1] = ETL_TOKEN_TRANSFERS as [
  (typeof ETL_TOKEN_TRANSFERS)[number],
  (typeof ETL_TOKEN_TRANSFERS)[number],
];
const PACKS = path.resolve('test/fixtures/tagpacks/packs');
const pack = (name: string) => fs.readFileSync(path.join(PACKS, name), 'utf8');
// Real GraphSense TagPacks (test/fixtures/tagpacks/PROVENANCE.md). No reference labels are loaded:
// the shipped GraphSense selection holds the Ronin and Bybit tags, and a public upload of labels the
// store already has writes none, which would leave nothing of A's public upload to protect.
const BYBIT_PACK = pack('exchange-wallets-bybit.yaml');
const RONIN_PACK = pack('ronin_bridge.yaml');
const PLUS_TOKEN_PACK = pack('plustoken.yaml');
// A Bybit reserve wallet (A's private upload); the Ronin exploiter's original address and exploiter
// 4 (A's public upload); a Plus Token scam address (B's admin publishes that pack).
const BYBIT_ETH = '0x1Db92e2EeBC8E0c075a02BeA49a2935BcD2dFCF4';
const RONIN_EXPLOITER = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96';
const RONIN_EXPLOITER_4 = '0x29fC9B71492ec63696Cf9cd56e9832A42B0dCED0';
const PLUS_TOKEN = '3ETAVt2scYBFkBFksuNDk1i5tDLQ2c4zWR';
// The two inputs of bitcoin-etl's 7940cdde… (block 50001), one cluster: A labels the second
// privately, so A's cluster of the first shows the label and B's does not.
const CLUSTER_A = '1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae';
const CLUSTER_B = '1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m9';
// A labels T0's recipient privately; B labels it too, and T1's recipient an exchange.
const A_LABELLED = T0.to!;
const B_LABELLED = T1.to!;
/** What A screens, before and after B's attempts: each kind of label, and addresses B labels. */
const SCREENED = [
  RONIN_EXPLOITER,
  A_LABELLED,
  B_LABELLED,
  BYBIT_ETH,
  RONIN_EXPLOITER_4,
  PLUS_TOKEN,
  T0.from!,
];

const A_ORG = 'acme';
const B_ORG = 'globex';

type Headers = { 'x-api-key': string };
type Request = Omit<InjectOptions, 'headers'> & { url: string };

/** What A owns, by id: filled as A creates it through the API. */
type Owned = {
  case: string;
  note: string;
  trace: string;
  privateLabel: string;
  /** A label of A's private TagPack upload: `<upload id>.1`. */
  uploadLabel: string;
  privateUpload: string;
  publicUpload: string;
  /** Watchlist with a webhook (its alert went to the dead-letter list) and one without. */
  watchlist: string;
  quietWatchlist: string;
  alert: string;
  deadLetter: string;
  /** A key of the fixture (A's viewer), and one A's admin created through the API. */
  key: string;
  madeKey: string;
  investigatorKey: string;
};

/**
 * Routes whose path names one thing an organisation owns. B's keys of every role get 404 (not
 * found: its existence is not told) or 403 (role), whatever the body; the requests use A's ids and
 * bodies that would succeed for A (the case's current version, valid text).
 */
const ORG_OWNED_BY_ID: Record<string, (ids: Owned) => Request[]> = {
  'GET /v1/cases/:id': (ids) => [{ method: 'GET', url: `/v1/cases/${ids.case}` }],
  'PUT /v1/cases/:id': (ids) => [
    {
      method: 'PUT',
      url: `/v1/cases/${ids.case}`,
      payload: {
        version: 1,
        name: 'overwritten by B',
        seeds: [],
        notes: [{ id: ids.note, text: 'B rewrote this' }],
      },
    },
  ],
  'POST /v1/cases/:id/notes': (ids) => [
    { method: 'POST', url: `/v1/cases/${ids.case}/notes`, payload: { text: 'B was here' } },
  ],
  'GET /v1/cases/:id/audit': (ids) => [{ method: 'GET', url: `/v1/cases/${ids.case}/audit` }],
  'DELETE /v1/cases/:id': (ids) => [{ method: 'DELETE', url: `/v1/cases/${ids.case}` }],
  'POST /v1/cases/:id/findings': (ids) => [
    { method: 'POST', url: `/v1/cases/${ids.case}/findings`, payload: { mark: 'seeds' } },
    { method: 'POST', url: `/v1/cases/${ids.case}/findings`, payload: { mark: 'paths' } },
    {
      method: 'POST',
      url: `/v1/cases/${ids.case}/findings`,
      payload: { mark: 'selection', addresses: [{ chain: 'ethereum', address: T0.to }] },
    },
  ],
  'GET /v1/cases/:id/findings': (ids) => [{ method: 'GET', url: `/v1/cases/${ids.case}/findings` }],
  'DELETE /v1/cases/:id/findings': (ids) => [
    { method: 'DELETE', url: `/v1/cases/${ids.case}/findings?mark=seeds` },
    { method: 'DELETE', url: `/v1/cases/${ids.case}/findings` },
  ],
  'POST /v1/cases/:id/watchlist': (ids) =>
    (['still-held', 'freeze-deposits'] as const).map((what) => ({
      method: 'POST' as const,
      url: `/v1/cases/${ids.case}/watchlist`,
      payload: { what },
    })),
  'GET /v1/cases/:id/report': (ids) =>
    ['html', 'pdf'].map((format) => ({
      method: 'GET' as const,
      url: `/v1/cases/${ids.case}/report?format=${format}`,
    })),
  'GET /v1/traces/:id': (ids) => [{ method: 'GET', url: `/v1/traces/${ids.trace}` }],
  'GET /v1/traces/:id/result': (ids) =>
    ['json', 'csv', 'graphml'].map((format) => ({
      method: 'GET' as const,
      url: `/v1/traces/${ids.trace}/result?format=${format}`,
    })),
  'GET /v1/traces/:id/valuation': (ids) => [
    { method: 'GET', url: `/v1/traces/${ids.trace}/valuation` },
  ],
  'GET /v1/traces/:id/events': (ids) => [{ method: 'GET', url: `/v1/traces/${ids.trace}/events` }],
  'DELETE /v1/traces/:id': (ids) => [{ method: 'DELETE', url: `/v1/traces/${ids.trace}` }],
  'DELETE /v1/labels/private/:id': (ids) => [
    { method: 'DELETE', url: `/v1/labels/private/${ids.privateLabel}` },
    { method: 'DELETE', url: `/v1/labels/private/${ids.uploadLabel}` },
  ],
  'DELETE /v1/labels/tagpacks/:id': (ids) => [
    { method: 'DELETE', url: `/v1/labels/tagpacks/${ids.privateUpload}` },
    // A's public upload: every organisation's screening counts it, only A's admin retires it.
    { method: 'DELETE', url: `/v1/labels/tagpacks/${ids.publicUpload}` },
  ],
  'GET /v1/watchlists/:id': (ids) =>
    [ids.watchlist, ids.quietWatchlist].map((id) => ({
      method: 'GET' as const,
      url: `/v1/watchlists/${id}`,
    })),
  'POST /v1/watchlists/:id/addresses': (ids) =>
    [ids.watchlist, ids.quietWatchlist].map((id) => ({
      method: 'POST' as const,
      url: `/v1/watchlists/${id}/addresses`,
      payload: { addresses: [{ chain: 'ethereum', address: T1.to }] },
    })),
  'DELETE /v1/watchlists/:id': (ids) =>
    [ids.watchlist, ids.quietWatchlist].map((id) => ({
      method: 'DELETE' as const,
      url: `/v1/watchlists/${id}`,
    })),
  'POST /v1/alerts/:id/ack': (ids) => [{ method: 'POST', url: `/v1/alerts/${ids.alert}/ack` }],
  'POST /v1/alerts/dead-letters/:id/retry': (ids) => [
    { method: 'POST', url: `/v1/alerts/dead-letters/${ids.deadLetter}/retry` },
  ],
  'DELETE /v1/keys/:id': (ids) =>
    [ids.key, ids.madeKey].map((id) => ({ method: 'DELETE' as const, url: `/v1/keys/${id}` })),
};

/**
 * Routes whose path names shared data: chain data and public labels every organisation may read.
 * The caller's own private labels join the answer; another organisation's never do. B reads them
 * for A's privately labelled address.
 */
const SHARED_READ: Record<string, (address: string) => Request> = {
  'GET /v1/address/:address': (a) => ({ method: 'GET', url: `/v1/address/${a}` }),
  'GET /api/v1/address/:address': (a) => ({ method: 'GET', url: `/api/v1/address/${a}` }),
  'GET /v1/addresses/:chain/:address': (a) => ({
    method: 'GET',
    url: `/v1/addresses/ethereum/${a}`,
  }),
  'GET /v1/addresses/:chain/:address/labels': (a) => ({
    method: 'GET',
    url: `/v1/addresses/ethereum/${a}/labels`,
  }),
  'GET /v1/addresses/:chain/:address/risk': (a) => ({
    method: 'GET',
    url: `/v1/addresses/ethereum/${a}/risk?hops=1`,
  }),
  'GET /v1/addresses/:chain/:address/counterparties': (a) => ({
    method: 'GET',
    url: `/v1/addresses/ethereum/${a}/counterparties?direction=in`,
  }),
  'GET /v1/addresses/:chain/:address/transfers': (a) => ({
    method: 'GET',
    url: `/v1/addresses/ethereum/${a}/transfers`,
  }),
  // The cluster of a Bitcoin address whose cluster A labelled privately (whatever address is asked).
  'GET /v1/clusters/:chain/:address': () => ({
    method: 'GET',
    url: `/v1/clusters/bitcoin/${CLUSTER_A}`,
  }),
  'GET /v1/transactions/:chain/:hash': () => ({
    method: 'GET',
    url: `/v1/transactions/ethereum/${T0.txHash}`,
  }),
};

/** A request of B; `refused` when it names A's things or publishes (then 4xx, never 2xx). */
type BRequest = Request & {
  refused?: boolean;
  /** The error code a key allowed the route gets. */
  code?: string;
  /** Roles that do not send it (B's admin publishing is allowed by design: its own test). */
  skip?: readonly Role[];
  /** The status each role the route allows gets (the others get 403). */
  status?: Partial<Record<Role, number>>;
};

/**
 * Routes without an id in their path that read or write the caller's own organisation (or screen
 * with its labels). B calls each with its own data and with A's ids in the query or body; what it
 * gets back names nothing of A, and what it writes is its own.
 */
const OWN_ORG_COLLECTION: Record<string, (ids: Owned) => BRequest[]> = {
  'POST /v1/traces': () => [
    {
      method: 'POST',
      url: '/v1/traces',
      payload: { seeds: [T0.txHash] },
      status: { investigator: 202, admin: 202 },
    },
  ],
  'GET /v1/traces': () => [{ method: 'GET', url: '/v1/traces' }],
  'GET /v1/labels': () =>
    [A_LABELLED, BYBIT_ETH, 'acme', 'bybit'].map((q) => ({
      method: 'GET' as const,
      url: `/v1/labels?q=${encodeURIComponent(q)}`,
    })),
  'POST /v1/labels/private': () =>
    [A_LABELLED, B_LABELLED, RONIN_EXPLOITER, BYBIT_ETH, RONIN_EXPLOITER_4, PLUS_TOKEN].map(
      (address) => ({
        method: 'POST' as const,
        url: '/v1/labels/private',
        payload: {
          chain: PLUS_TOKEN === address ? 'bitcoin' : 'ethereum',
          address,
          category: 'exchange',
          entity: 'globex says exchange',
        },
      }),
    ),
  'GET /v1/labels/private': () => [{ method: 'GET', url: '/v1/labels/private' }],
  'POST /v1/labels/tagpacks': () => [
    // The same bytes as A's private upload and A's public one, as B's own private labels.
    // Not "already imported" for B's investigator: A's upload of these bytes is A's alone (B's admin
    // then gets 200: its own investigator's upload came first).
    {
      method: 'POST',
      url: '/v1/labels/tagpacks',
      payload: { yaml: BYBIT_PACK, name: 'bybit.yaml' },
      status: { investigator: 201, admin: 200 },
    },
    {
      method: 'POST',
      url: '/v1/labels/tagpacks',
      payload: { yaml: RONIN_PACK, name: 'ronin.yaml' },
    },
    {
      method: 'POST',
      url: '/v1/labels/tagpacks?visibility=public',
      payload: { yaml: PLUS_TOKEN_PACK, name: 'plustoken.yaml' },
      refused: true,
      code: 'TAGPACK_PUBLISH_NOT_ALLOWED',
      skip: ['admin'],
    },
  ],
  // After B's labels exist: screening with them must not touch the results A gets (the screener
  // shares result objects between organisations).
  'POST /v1/screen': () =>
    [0, 2].map((hops) => ({
      method: 'POST' as const,
      url: '/v1/screen',
      payload: { addresses: SCREENED, hops },
    })),
  'GET /v1/labels/tagpacks': () => [{ method: 'GET', url: '/v1/labels/tagpacks' }],
  'POST /v1/cases': (ids) => [
    {
      method: 'POST',
      url: '/v1/cases',
      payload: {
        name: 'globex case',
        seeds: [A_LABELLED],
        annotations: { [A_LABELLED]: 'globex annotation' },
        notes: [{ text: 'globex note' }],
      },
      status: { investigator: 201, admin: 201 },
    },
    // A case may refer to its own organisation's traces only.
    {
      method: 'POST',
      url: '/v1/cases',
      payload: { name: 'globex case on acme trace', traceIds: [ids.trace] },
      refused: true,
      code: 'CASE_UNKNOWN_TRACE',
    },
  ],
  'GET /v1/cases': () => [{ method: 'GET', url: '/v1/cases' }],
  'POST /v1/watchlists': (ids) => [
    {
      method: 'POST',
      url: '/v1/watchlists',
      payload: {
        name: 'globex watch',
        addresses: [
          { chain: 'ethereum', address: T0.from! },
          { chain: 'ethereum', address: T1.from! },
        ],
      },
      status: { investigator: 201, admin: 201 },
    },
    // Watching A's trace's addresses: A's trace is not found.
    {
      method: 'POST',
      url: '/v1/watchlists',
      payload: { name: 'globex watch on acme trace', traceId: ids.trace },
      refused: true,
      code: 'NOT_FOUND',
    },
  ],
  'GET /v1/watchlists': () => [{ method: 'GET', url: '/v1/watchlists' }],
  'GET /v1/alerts': (ids) => [
    { method: 'GET', url: '/v1/alerts' },
    { method: 'GET', url: `/v1/alerts?watchlist=${ids.watchlist}` },
  ],
  'GET /v1/alerts/stream': (ids) => [
    // Replays every alert of the caller's organisation since 2000, then closes after 1 s.
    { method: 'GET', url: '/v1/alerts/stream?since=2000-01-01T00:00:00Z&maxSeconds=1' },
    {
      method: 'GET',
      url: `/v1/alerts/stream?since=2000-01-01T00:00:00Z&maxSeconds=1&watchlist=${ids.watchlist}`,
    },
  ],
  'GET /v1/alerts/dead-letters': () => [{ method: 'GET', url: '/v1/alerts/dead-letters' }],
  'POST /v1/keys': () => [
    {
      method: 'POST',
      url: '/v1/keys',
      payload: { role: 'viewer', name: 'globex viewer' },
      status: { admin: 201 },
    },
    {
      method: 'POST',
      url: '/v1/keys',
      payload: { role: 'admin', org: A_ORG, name: 'globex in acme' },
      refused: true,
      code: 'OTHER_ORGANISATION',
    },
  ],
  'GET /v1/keys': () => [{ method: 'GET', url: '/v1/keys' }],
  'GET /v1/audit': (ids) => [
    { method: 'GET', url: '/v1/audit?limit=10000' },
    { method: 'GET', url: `/v1/audit?target=${ids.case}` },
    { method: 'GET', url: `/v1/audit?actor=${ids.investigatorKey}` },
  ],
};

/**
 * Routes that hold no organisation's data: liveness, process metrics (counts per route template,
 * never an id or organisation), the caller's own key, and asset metadata from chain data.
 */
const NO_ORG_DATA = [
  'GET /healthz',
  'GET /metrics',
  'GET /v1/me',
  'GET /v1/assets',
  // Whether this server follows a chain for alerts: the same for every organisation.
  'GET /v1/alerts/following',
];

/** Every route is in exactly one class; a route with a path parameter in one of the first two. */
const CLASSES = {
  'org-owned by id': Object.keys(ORG_OWNED_BY_ID),
  'shared read': Object.keys(SHARED_READ),
  'own-org collection': Object.keys(OWN_ORG_COLLECTION),
  'no organisation data': NO_ORG_DATA,
};

/**
 * Fields that differ between two identical answers. A's answers hold none: ids, versions and times
 * are stored ones (firedAt, createdAt, updatedAt), not the clock of the request, and errors (which
 * carry a requestId) are not among them. Kept explicit so that a new volatile field fails loudly.
 */
const VOLATILE_FIELDS = new Set(['requestId']);

function normalise(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  return JSON.stringify(parsed, (key, value: unknown) =>
    VOLATILE_FIELDS.has(key) ? undefined : value,
  );
}

/** The label set every answer names (its version, the lists loaded): public, changed by a publish. */
const LABEL_SET_FIELDS = new Set(['labelSet', 'labelSetId']);

function withoutLabelSet(normalised: string): string {
  if (!normalised.startsWith('{')) return normalised;
  return JSON.stringify(JSON.parse(normalised), (key, value: unknown) =>
    LABEL_SET_FIELDS.has(key) ? undefined : value,
  );
}

describe('organisations are isolated from each other', () => {
  const api = useApi({
    // A's watchlist webhook receiver runs on this machine.
    app: { allowPrivateWebhooks: true },
    seed: async (store) => {
      await store.write(async (w) => {
        await w.appendTransfers(ETL_TOKEN_TRANSFERS);
        await w.appendTransfers(etlBitcoinTransfers());
      });
      await buildClusters({ store, chain: 'bitcoin' });
    },
  });
  const b = {} as Record<Role, Headers>;
  const ids = {} as Owned;
  /** A's answers before B did anything, by name. */
  const before = new Map<string, string>();
  let refuser: Server | null = null;

  const as = (role: Role) => api.as(role);
  const send = (request: Request, headers: Headers) =>
    api.app.inject({ ...request, headers } as InjectOptions);
  const created = async (request: Request, headers: Headers) => {
    const res = await send(request, headers);
    expect(res.statusCode, `${request.method} ${request.url}: ${res.body}`).toBeLessThan(300);
    return res.json<Record<string, unknown>>();
  };

  /** What A sees: screening, its trace, its alerts, and the rest of what it owns. */
  const aViews = (): Record<string, [Request, Role]> => ({
    screen: [{ method: 'POST', url: '/v1/screen', payload: { addresses: SCREENED } }, 'screener'],
    'screen with hops': [
      { method: 'POST', url: '/v1/screen', payload: { addresses: SCREENED, hops: 2 } },
      'screener',
    ],
    risk: [{ method: 'GET', url: `/v1/addresses/ethereum/${T0.from}/risk?hops=1` }, 'screener'],
    'trace result': [{ method: 'GET', url: `/v1/traces/${ids.trace}/result` }, 'viewer'],
    'trace result csv': [
      { method: 'GET', url: `/v1/traces/${ids.trace}/result?format=csv` },
      'viewer',
    ],
    'trace valuation': [{ method: 'GET', url: `/v1/traces/${ids.trace}/valuation` }, 'viewer'],
    trace: [{ method: 'GET', url: `/v1/traces/${ids.trace}` }, 'viewer'],
    traces: [{ method: 'GET', url: '/v1/traces' }, 'viewer'],
    alerts: [{ method: 'GET', url: '/v1/alerts' }, 'viewer'],
    'dead letters': [{ method: 'GET', url: '/v1/alerts/dead-letters' }, 'viewer'],
    case: [{ method: 'GET', url: `/v1/cases/${ids.case}` }, 'viewer'],
    'case findings': [{ method: 'GET', url: `/v1/cases/${ids.case}/findings` }, 'viewer'],
    'risk of a case seed': [
      { method: 'GET', url: `/v1/addresses/ethereum/${T0.from}/risk?hops=1` },
      'screener',
    ],
    cases: [{ method: 'GET', url: '/v1/cases' }, 'viewer'],
    watchlists: [{ method: 'GET', url: '/v1/watchlists' }, 'viewer'],
    'private labels': [{ method: 'GET', url: '/v1/labels/private' }, 'viewer'],
    uploads: [{ method: 'GET', url: '/v1/labels/tagpacks' }, 'viewer'],
    'labels of A-labelled': [
      { method: 'GET', url: `/v1/addresses/ethereum/${A_LABELLED}/labels` },
      'viewer',
    ],
    'labels of B-labelled': [
      { method: 'GET', url: `/v1/addresses/ethereum/${B_LABELLED}/labels` },
      'viewer',
    ],
    'label search': [{ method: 'GET', url: '/v1/labels?q=ronin' }, 'viewer'],
    keys: [{ method: 'GET', url: '/v1/keys' }, 'admin'],
  });
  const snapshot = async () => {
    const answers = new Map<string, string>();
    for (const [name, [request, role]] of Object.entries(aViews())) {
      const res = await send(request, as(role));
      expect(res.statusCode, `${name}: ${res.body}`).toBe(200);
      answers.set(name, normalise(res.body));
    }
    return answers;
  };
  const changedViews = (now: Map<string, string>, seen = (body: string) => body) =>
    [...before.keys()].filter((name) => seen(before.get(name)!) !== seen(now.get(name)!));

  /** Strings of A's that no answer to B may hold: its organisation's name and every id. */
  const secrets = () => [A_ORG, ...Object.values(ids)];
  /** An error may repeat what B sent (an id in its URL or body): that tells B nothing new. */
  const expectNothingOfA = (body: string, what: string, sent: Request) => {
    const echoed = `${sent.url} ${JSON.stringify(sent.payload ?? null)}`;
    for (const secret of secrets())
      if (!echoed.includes(secret))
        expect(body.includes(secret), `${what} names ${secret}`).toBe(false);
  };

  beforeAll(async () => {
    for (const role of ROLES)
      b[role] = { 'x-api-key': (await createApiKey({ store: api.store, role, org: B_ORG })).key };
    await api.app.chaintrail.keys.reload();

    // A's trace of T0, run to the end.
    ids.trace = String(
      (
        await created(
          { method: 'POST', url: '/v1/traces', payload: { seeds: [T0.txHash] } },
          as('investigator'),
        )
      ).id,
    );
    await api.app.chaintrail.traces.idle();
    // A case with a note, graph state, annotations and the trace.
    const acmeCase = await created(
      {
        method: 'POST',
        url: '/v1/cases',
        payload: {
          name: 'acme case',
          description: 'acme description',
          seeds: [T0.from],
          graph: { nodes: [{ id: T0.from, x: 0, y: 0 }] },
          annotations: { [T0.from!]: 'acme annotation' },
          notes: [{ text: 'acme note' }],
          traceIds: [ids.trace],
        },
      },
      as('investigator'),
    );
    ids.case = String(acmeCase.id);
    ids.note = (acmeCase.notes as { id: string }[])[0]!.id;
    // A marks its case's seed: a private label of A's (theft, the case as its source).
    await created(
      { method: 'POST', url: `/v1/cases/${ids.case}/findings`, payload: { mark: 'seeds' } },
      as('investigator'),
    );
    ids.privateLabel = String(
      (
        await created(
          {
            method: 'POST',
            url: '/v1/labels/private',
            payload: {
              chain: 'ethereum',
              address: A_LABELLED,
              category: 'theft',
              entity: 'acme private entity',
              note: 'acme label note',
            },
          },
          as('investigator'),
        )
      ).id,
    );
    // A private label of a clustered Bitcoin address (its entity is the one B must never see).
    await created(
      {
        method: 'POST',
        url: '/v1/labels/private',
        payload: {
          chain: 'bitcoin',
          address: CLUSTER_B,
          category: 'theft',
          entity: 'acme private entity',
        },
      },
      as('investigator'),
    );
    ids.privateUpload = String(
      (
        await created(
          {
            method: 'POST',
            url: '/v1/labels/tagpacks',
            payload: { yaml: BYBIT_PACK, name: 'acme-bybit.yaml' },
          },
          as('investigator'),
        )
      ).id,
    );
    ids.uploadLabel = `${ids.privateUpload}.1`;
    ids.publicUpload = String(
      (
        await created(
          {
            method: 'POST',
            url: '/v1/labels/tagpacks',
            // A published pack's name and title are public: every label set lists the import
            // (`upload:<name>`), so it names no organisation.
            payload: { yaml: RONIN_PACK, name: 'ronin_bridge.yaml', visibility: 'public' },
          },
          as('admin'),
        )
      ).id,
    );
    // Watchlists: T0's sender with a webhook that answers 410 (a permanent refusal: the delivery
    // goes to the dead-letter list at once), and T1's sender without one (alerted later).
    refuser = createServer((_req, res) => res.writeHead(410).end());
    await new Promise<void>((r) => refuser!.listen(0, '127.0.0.1', r));
    const { port } = refuser.address() as { port: number };
    ids.watchlist = String(
      (
        await created(
          {
            method: 'POST',
            url: '/v1/watchlists',
            payload: {
              name: 'acme watch',
              addresses: [{ chain: 'ethereum', address: T0.from }],
              webhook: { url: `http://127.0.0.1:${port}/hook`, secret: 'acme-webhook-secret-0123' },
            },
          },
          as('investigator'),
        )
      ).id,
    );
    ids.quietWatchlist = String(
      (
        await created(
          {
            method: 'POST',
            url: '/v1/watchlists',
            payload: {
              name: 'acme quiet watch',
              addresses: [{ chain: 'ethereum', address: T1.from }],
            },
          },
          as('investigator'),
        )
      ).id,
    );
    // What the chain follower does with a new block: T0 fires A's alert.
    const [alert] = await api.app.chaintrail.alerts.evaluate([T0]);
    await api.app.chaintrail.alerts.idle();
    ids.alert = alert!.id;
    ids.deadLetter = alert!.id;
    ids.madeKey = String(
      (
        (
          await created(
            { method: 'POST', url: '/v1/keys', payload: { role: 'viewer', name: 'acme made' } },
            as('admin'),
          )
        ).record as { id: string }
      ).id,
    );
    ids.key = api.app.chaintrail.keys.verify(api.keys.viewer)!.id;
    ids.investigatorKey = api.app.chaintrail.keys.verify(api.keys.investigator)!.id;

    for (const [name, body] of await snapshot()) before.set(name, body);
  });
  afterAll(async () => {
    refuser?.closeAllConnections();
    await new Promise((r) => (refuser ? refuser.close(r) : r(undefined)));
  });

  it('classifies every route: owned by id, shared read, own-org collection or no organisation data', () => {
    const classified = Object.values(CLASSES).flat();
    // No route in two classes.
    expect(new Set(classified).size).toBe(classified.length);
    const routes = api.app.apiRoutes.map((r) => `${r.method} ${r.url}`);
    expect([...classified].sort()).toEqual([...routes].sort());
    // A new route with a path parameter must say whose thing it names.
    for (const route of routes.filter((r) => r.includes('/:')))
      expect(
        route in ORG_OWNED_BY_ID || route in SHARED_READ,
        `${route} has a path parameter: add it to ORG_OWNED_BY_ID or SHARED_READ`,
      ).toBe(true);
  });

  it("answers 404 or 403 to every key of B, every role, on every route naming A's things", async () => {
    const seen: Record<number, number> = {};
    for (const [route, requests] of Object.entries(ORG_OWNED_BY_ID))
      for (const request of requests(ids))
        for (const role of ROLES) {
          const res = await send(request, b[role]);
          const name = `${route} ${request.url} as B's ${role}: ${res.body}`;
          expect([403, 404], name).toContain(res.statusCode);
          expectNothingOfA(res.body, name, request);
          seen[res.statusCode] = (seen[res.statusCode] ?? 0) + 1;
        }
    // The ids are real: A's own keys read each of them (a report is an investigator's export).
    for (const [route, requests] of Object.entries(ORG_OWNED_BY_ID))
      for (const request of requests(ids).filter((r) => r.method === 'GET')) {
        const role = route === 'GET /v1/cases/:id/report' ? 'investigator' : 'viewer';
        const res = await send(request, as(role));
        expect(res.statusCode, `${route} as A's ${role}: ${res.body}`).toBe(200);
      }
    // Both kinds of refusal occurred: the role (viewer, screener on writes) and the organisation.
    expect(Object.keys(seen).sort()).toEqual(['403', '404']);
  });

  it('shows B nothing of A on shared reads of an address A labelled privately', async () => {
    for (const [route, request] of Object.entries(SHARED_READ))
      for (const role of ROLES) {
        const res = await send(request(A_LABELLED), b[role]);
        const name = `${route} as B's ${role}`;
        expect(res.statusCode, `${name}: ${res.body}`).toBeLessThan(500);
        if (res.statusCode === 403) continue;
        expect(res.statusCode, `${name}: ${res.body}`).toBe(200);
        expectNothingOfA(res.body, name, request(A_LABELLED));
        expect(res.body, name).not.toContain('acme private entity');
      }
    // Nor of A's case finding: B's screening of A's marked seed is the public one.
    for (const role of ['viewer', 'screener'] as const) {
      const url =
        role === 'viewer'
          ? `/v1/addresses/ethereum/${T0.from}/labels`
          : `/v1/addresses/ethereum/${T0.from}/risk?hops=1`;
      const res = await send({ method: 'GET', url }, b[role]);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).not.toContain('acme case');
      expect(res.body).not.toContain('theft');
      const mine = await send({ method: 'GET', url }, as(role));
      expect(mine.body).toContain('acme case');
    }
    // A sees its label there (so the check above could fail).
    const own = await send(
      SHARED_READ['GET /v1/addresses/:chain/:address/labels']!(A_LABELLED),
      as('viewer'),
    );
    expect(own.json().labels[0]).toMatchObject({
      visibility: A_ORG,
      entity: 'acme private entity',
    });
    // And its private label through the cluster of CLUSTER_A.
    const cluster = await send(SHARED_READ['GET /v1/clusters/:chain/:address']!(''), as('viewer'));
    expect(cluster.json().labels).toEqual([
      expect.objectContaining({
        visibility: A_ORG,
        entity: 'acme private entity',
        viaCluster: expect.objectContaining({ address: CLUSTER_B }),
      }),
    ]);
  });

  it("lets B's keys of every role use their own collections, which name nothing of A; what names A's things is refused", async () => {
    for (const [route, requests] of Object.entries(OWN_ORG_COLLECTION))
      for (const request of requests(ids)) {
        const roles = ROLES.filter((r) => !request.skip?.includes(r));
        // Reads run side by side (the alert streams each stay open 1 s); writes one after another.
        const answers =
          request.method === 'GET'
            ? await Promise.all(roles.map((role) => send(request, b[role])))
            : [];
        if (request.method !== 'GET')
          for (const role of roles) answers.push(await send(request, b[role]));
        answers.forEach((res, i) => {
          const name = `${route} ${request.url} as B's ${roles[i]}: ${res.body.slice(0, 300)}`;
          expect(res.statusCode, name).toBeLessThan(500);
          if (request.refused) expect(res.statusCode, name).toBeGreaterThanOrEqual(400);
          const expected = request.status?.[roles[i]!];
          if (request.status) expect(res.statusCode, name).toBe(expected ?? 403);
          // A role the route does not allow is FORBIDDEN; a role it allows gets the route's refusal.
          const code = res.statusCode >= 400 ? res.json().error.code : null;
          if (request.code && code !== 'FORBIDDEN') expect(code, name).toBe(request.code);
          expectNothingOfA(res.body, name, request);
        });
      }
    // A search for the address both labelled privately: each organisation finds its own label only.
    const search = { method: 'GET' as const, url: `/v1/labels?q=${A_LABELLED}` };
    const found = async (headers: Headers) =>
      (await send(search, headers)).json<{ labels: { visibility: string }[] }>().labels;
    expect((await found(b.viewer)).map((l) => l.visibility)).toEqual([B_ORG]);
    expect((await found(as('viewer'))).map((l) => l.visibility)).toEqual([A_ORG]);
  });

  it("leaves A's screenings, trace, alerts and everything else it owns byte-identical after all of B's attempts", async () => {
    // B reads every shared route again with its own labels in place (they join shared results).
    for (const address of SCREENED.filter((a) => a.startsWith('0x')))
      for (const request of Object.values(SHARED_READ))
        for (const role of ROLES)
          expect((await send(request(address), b[role])).statusCode).toBeLessThan(500);
    // B's traces run too before A looks again.
    await api.app.chaintrail.traces.idle();
    await api.app.chaintrail.alerts.idle();
    const after = await snapshot();
    expect(changedViews(after)).toEqual([]);
    // A trace A starts now, with B's labels on the addresses it reaches, ends as A's first did.
    const again = String(
      (
        await created(
          { method: 'POST', url: '/v1/traces', payload: { seeds: [T0.txHash] } },
          as('investigator'),
        )
      ).id,
    );
    await api.app.chaintrail.traces.idle();
    const result = await send({ method: 'GET', url: `/v1/traces/${again}/result` }, as('viewer'));
    expect(result.statusCode).toBe(200);
    expect(normalise(result.body)).toBe(before.get('trace result'));
    expect(JSON.parse(result.body).endpoints).toMatchObject([
      { address: A_LABELLED.toLowerCase(), category: 'unspent' },
    ]);
    // A's own new trace joins A's list of traces: the baseline of the tests after this takes it.
    const traces = await send({ method: 'GET', url: '/v1/traces' }, as('viewer'));
    before.set('traces', normalise(traces.body));
    // B's attempts did something: B's own labels, traces, cases, watchlists and keys exist.
    const bScreen = await send(
      { method: 'POST', url: '/v1/screen', payload: { addresses: [A_LABELLED] } },
      b.screener,
    );
    expect(bScreen.json().results[0].labels).toMatchObject([
      { visibility: B_ORG, category: 'exchange' },
    ]);
    const aScreen = JSON.parse(after.get('screen')!);
    const aLabelled = aScreen.results.find(
      (r: { address: string }) => r.address === A_LABELLED.toLowerCase(),
    );
    expect(aLabelled.labels).toMatchObject([{ visibility: A_ORG, category: 'theft' }]);
    for (const [url, field] of [
      ['/v1/traces', 'traces'],
      ['/v1/cases', 'cases'],
      ['/v1/watchlists', 'watchlists'],
      ['/v1/labels/tagpacks', 'uploads'],
    ] as const)
      expect(
        (await send({ method: 'GET', url }, b.viewer)).json()[field].length,
        url,
      ).toBeGreaterThan(0);
  });

  it("changes A's screening only where B's admin publishes, never lets B retire A's public upload, and is back when B retires its own", async () => {
    const published = await send(
      {
        method: 'POST',
        url: '/v1/labels/tagpacks',
        payload: { yaml: PLUS_TOKEN_PACK, name: 'plustoken.yaml', visibility: 'public' },
      },
      b.admin,
    );
    expect(published.statusCode, published.body).toBe(201);
    expect(published.json()).toMatchObject({ visibility: 'public', screenerReloaded: true });
    // Publishing is public by design: every answer naming the label set names B's import now, A's
    // screening of the published address counts its label, and nothing else of A's changes.
    const during = await snapshot();
    const labelSetId = (answers: Map<string, string>) =>
      JSON.parse(answers.get('screen')!).labelSetId;
    expect(labelSetId(during)).not.toBe(labelSetId(before));
    const changed = changedViews(during, withoutLabelSet);
    expect(changed).toEqual(['screen', 'screen with hops']);
    for (const view of changed) {
      const was = JSON.parse(withoutLabelSet(before.get(view)!));
      const now = JSON.parse(withoutLabelSet(during.get(view)!));
      const differs = was.results
        .map((r: { input: string }, i: number) =>
          JSON.stringify(r) === JSON.stringify(now.results[i]) ? null : r.input,
        )
        .filter(Boolean);
      expect(differs, view).toEqual([PLUS_TOKEN]);
      const plus = now.results.find((r: { input: string }) => r.input === PLUS_TOKEN);
      expect(plus.labels, view).toMatchObject([{ category: 'scam', entity: 'Plus Token Scam' }]);
    }
    // The same bytes as A's public upload: already imported, and not B's to retire.
    const same = await send(
      {
        method: 'POST',
        url: '/v1/labels/tagpacks',
        payload: { yaml: RONIN_PACK, name: 'ronin.yaml', visibility: 'public' },
      },
      b.admin,
    );
    expect(same.statusCode, same.body).toBe(200);
    expect(same.json()).toMatchObject({ alreadyImported: true, id: null, labelsWritten: 0 });
    const retireA = await send(
      { method: 'DELETE', url: `/v1/labels/tagpacks/${ids.publicUpload}` },
      b.admin,
    );
    expect(retireA.statusCode).toBe(404);
    // B retires its own: A's answers are what they were before B did anything.
    const retired = await send(
      { method: 'DELETE', url: `/v1/labels/tagpacks/${published.json().id}` },
      b.admin,
    );
    expect(retired.statusCode, retired.body).toBe(200);
    expect(changedViews(await snapshot())).toEqual([]);
  });

  it("fires A's alert from A's labels only: B's label on the recipient makes B's alert, not A's, a service alert", async () => {
    const fired = await api.app.chaintrail.alerts.evaluate([T1]);
    await api.app.chaintrail.alerts.idle();
    const ofA = fired.filter((a: Alert) => a.org === A_ORG);
    const ofB = fired.filter((a: Alert) => a.org === B_ORG);
    expect(fired).toHaveLength(ofA.length + ofB.length);
    expect(ofA).toMatchObject([
      { kind: 'funds_moved', service: null, watchlistId: ids.quietWatchlist },
    ]);
    // B's investigator and admin each made a watchlist of T1's sender.
    expect(ofB.length).toBeGreaterThan(0);
    for (const alert of ofB)
      expect(alert).toMatchObject({
        kind: 'service_reached',
        service: { category: 'exchange', entity: 'globex says exchange' },
      });
    const listed = async (headers: Headers) =>
      (await send({ method: 'GET', url: '/v1/alerts' }, headers))
        .json<{ alerts: Alert[] }>()
        .alerts.map((a) => a.id)
        .sort();
    expect(await listed(b.viewer)).toEqual(ofB.map((a) => a.id).sort());
    expect(await listed(as('viewer'))).toEqual([ids.alert, ofA[0]!.id].sort());
  });

  it('still answers /healthz at the end', async () => {
    const res = await api.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('ok');
  });
});
