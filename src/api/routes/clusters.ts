import { type Static, Type } from 'typebox';
import { DEFAULT_CLUSTER_PAGE, MAX_CLUSTER_PAGE } from '../../cluster/describe-cluster.ts';
import type { ApiApp } from '../app.ts';
import { describeOrgCluster } from '../clusters/describe-org-cluster.ts';
import type { ApiContext } from '../context.ts';
import { jsonSafe } from '../json.ts';
import { AddressParam, ChainParam, LabelSchema, withErrors } from '../schemas.ts';

const Params = Type.Object({ chain: ChainParam, address: AddressParam });
const Query = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_CLUSTER_PAGE, default: DEFAULT_CLUSTER_PAGE }),
    ),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000, default: 0 })),
  },
  { additionalProperties: false },
);

const BlockNumber = Type.String({ pattern: '^[0-9]+$', description: 'A block number' });

const OwnerLabelSchema = Type.Object({
  category: Type.String(),
  entity: Type.Union([Type.String(), Type.Null()]),
  address: Type.String(),
});

const ClusterSchema = Type.Object(
  {
    chain: Type.String(),
    address: Type.String({ description: 'The address asked about, canonical' }),
    id: Type.String({
      description:
        "The cluster's id: its first-clustered address (the address itself when it is in no cluster)",
    }),
    size: Type.Integer({ description: 'Addresses in the cluster (1: in none)' }),
    built: Type.Union(
      [
        Type.Object({
          blockNumber: BlockNumber,
          clusters: Type.Integer(),
          addresses: Type.Integer(),
        }),
        Type.Null(),
      ],
      {
        description:
          "The chain's cluster build the answer comes from: its last block and totals; null before the first build (the address is then alone)",
      },
    ),
    tip: Type.Union([BlockNumber, Type.Null()], {
      description:
        "The chain's last stored block with UTXO transfers: what a build would reach. Above built.blockNumber, newer transactions are not clustered yet",
    }),
    note: Type.Union([Type.String(), Type.Null()], {
      description:
        'What the answer leaves out, in plain words (no build yet, or blocks stored after it) and the command that fixes it; null when the build reaches the tip',
    }),
    addresses: Type.Array(Type.String(), {
      description: "A page of the cluster's addresses, first clustered first",
    }),
    limit: Type.Integer(),
    offset: Type.Integer(),
    labels: Type.Array(LabelSchema, {
      description:
        "The address's labels (the organisation's private ones first), then those of the cluster's other addresses, with viaCluster set",
    }),
    links: Type.Array(
      Type.Object({
        txHash: Type.String(),
        blockNumber: BlockNumber,
        address: Type.String({ description: 'Its first input address' }),
        joined: Type.Integer({ description: 'Clusters it joined into one' }),
        inputs: Type.Integer({ description: 'Distinct input addresses' }),
      }),
      { description: 'A page of the transactions that joined the cluster, oldest first' },
    ),
    linksTotal: Type.Integer(),
    refusals: Type.Array(
      Type.Object({
        txHash: Type.String(),
        blockNumber: BlockNumber,
        sides: Type.Array(
          Type.Object({
            address: Type.String(),
            clusterId: Type.String(),
            labels: Type.Array(OwnerLabelSchema),
          }),
          { minItems: 2, maxItems: 2 },
        ),
      }),
      {
        description:
          "Merges refused: the transaction's inputs were in this cluster and one whose public labels name another owner",
      },
    ),
  },
  { description: 'The cluster of an address by the multi-input heuristic' },
);

/**
 * `GET /v1/clusters/{chain}/{address}`: the address's cluster (src/cluster): id, size, addresses and
 * the transactions that joined them (paged), labels direct and via the cluster, refused merges, and
 * how far the build goes. A chain without a build answers 200 with the address alone, `built: null`
 * and a note, never a build: see describeClusterSoFar for why a GET does not build.
 */
export function registerClusterRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/v1/clusters/:chain/:address',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['addresses'],
        summary:
          "An address's cluster (multi-input heuristic): addresses, the transactions that joined them, labels direct and via the cluster, refused merges",
        params: Params,
        querystring: Query,
        response: withErrors({ 200: ClusterSchema }),
      },
    },
    async (request) => {
      const { chain, address } = request.params as Static<typeof Params>;
      const q = request.query as Static<typeof Query>;
      const found = await describeOrgCluster({
        store: ctx.store,
        org: request.apiKey!.org,
        chain,
        address,
        limit: q.limit,
        offset: q.offset,
      });
      ctx.audit.recordRead(request, 'cluster.read', `${found.chain}:${found.address}`);
      return jsonSafe(found) as Static<typeof ClusterSchema>;
    },
  );
}
