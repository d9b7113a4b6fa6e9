import { type Static, type TSchema, Type } from 'typebox';

/** The body of every error response. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable machine-readable code, e.g. VALIDATION_FAILED' }),
      message: Type.String(),
      details: Type.Optional(Type.String()),
      requestId: Type.String(),
    }),
  },
  { $id: 'ErrorResponse', description: 'An error: its code, message and the request id' },
);

const errorRef = Type.Unsafe<Static<typeof ErrorResponse>>({ $ref: 'ErrorResponse#' });

/**
 * The per-status responses of a route: its own success responses plus the errors every
 * authenticated route can give (400, 401, 403, 429, 500) and any extra ones (404, 409, 413, 503).
 *
 * @example
 * schema: { response: withErrors({ 200: Result }, [404]) }
 */
export function withErrors<T extends Record<number, TSchema>>(
  success: T,
  extra: readonly number[] = [],
): T & Record<number, TSchema> {
  const out: Record<number, TSchema> = { ...success };
  for (const status of [400, 401, 403, 429, 500, ...extra]) out[status] = errorRef;
  return out as T & Record<number, TSchema>;
}

/** A chain key as in `chaintrail stats` (e.g. `ethereum`, `bitcoin`, `anvil`). */
export const ChainParam = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
/** An address as given; normalised and checked per chain by the route. */
export const AddressParam = Type.String({ minLength: 1, maxLength: 128 });
/** A raw amount: a base-10 integer string (token amounts exceed 2^53). */
export const RawAmount = Type.String({ pattern: '^-?[0-9]+$' });
/** Paging of list routes. */
export const Paging = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
};

/** The case finding a private label stands for (src/api/labels/finding-labels.ts). */
export const LabelFindingSchema = Type.Object(
  {
    case: Type.Object({ id: Type.String(), name: Type.String() }),
    role: Type.String({
      description:
        'What the address was to the case: seed, endpoint, path (on the path) or selected',
    }),
    marks: Type.Array(Type.String(), { description: 'How it was marked: seeds, paths, selection' }),
    traceId: Type.Union([Type.String(), Type.Null()]),
    author: Type.String({ description: 'The name of the key that marked it' }),
  },
  {
    description: "Set on a label marking a case's finding: the case, and the address's role in it",
  },
);

/** Where a label reached through a cluster comes from (src/cluster/via-cluster.ts). */
export const ViaClusterSchema = Type.Object(
  {
    cluster: Type.String({ description: "The cluster's id: its first-clustered address" }),
    size: Type.Integer({ description: 'Addresses in the cluster' }),
    address: Type.String({ description: 'The address of the cluster that carries the label' }),
    provenance: Type.String({ description: '`via cluster of <address>`' }),
  },
  {
    description:
      "Set on another address's label reached through this address's cluster (multi-input heuristic): its confidence is halved, at most 50, and it is never a sanction",
  },
);

/** A label as the API shows it. */
export const LabelSchema = Type.Object({
  chain: Type.String(),
  address: Type.String(),
  entity: Type.Union([Type.String(), Type.Null()]),
  category: Type.String(),
  actor: Type.Union([Type.String(), Type.Null()]),
  country: Type.Union([Type.String(), Type.Null()]),
  source: Type.String(),
  confidence: Type.Union([Type.Number(), Type.Null()]),
  sanctionList: Type.Union([Type.String(), Type.Null()]),
  programs: Type.Array(Type.String()),
  validFrom: Type.Union([Type.String(), Type.Null()]),
  validTo: Type.Union([Type.String(), Type.Null()]),
  /** `public`, or the organisation whose private label it is. */
  visibility: Type.String(),
  finding: Type.Optional(LabelFindingSchema),
  viaCluster: Type.Optional(ViaClusterSchema),
});

/**
 * A JSON value of any shape (a screening or trace result); bigints are sent as decimal strings.
 */
export const AnyJson = Type.Unknown();
