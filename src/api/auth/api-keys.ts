import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { UserError } from '../../errors/base.ts';
import type { AppStore } from '../../store/store.ts';
import { isRole, type Role } from './roles.ts';

/** The store document kind of API key records. */
export const API_KEY_KIND = 'api_key';
/** Requests per minute a key may make unless created with its own limit. */
export const DEFAULT_KEY_RATE_LIMIT_PER_MINUTE = 6000;
/** Bytes of randomness in a key's secret part (256 bits). */
const SECRET_BYTES = 32;
/** Bytes of a key's public id. */
const ID_BYTES = 6;
const KEY_FORMAT = /^ct_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** What is stored of a key: never the key itself, only its SHA-256. */
export type ApiKeyRecord = {
  id: string;
  role: Role;
  /** The organisation whose cases, private labels and watchlists the key sees. */
  org: string;
  name: string | null;
  /** SHA-256 of the whole key, hex. Keys are 256-bit random, so a fast hash is enough. */
  sha256: string;
  rateLimitPerMinute: number;
  createdAt: string;
  revokedAt: string | null;
};

/** Input of {@link createApiKey}. */
export type CreateApiKeyParameters = {
  store: AppStore;
  role: Role;
  org?: string | undefined;
  name?: string | undefined;
  rateLimitPerMinute?: number | undefined;
};

/** The new key (shown once) and its stored record. */
export type CreateApiKeyReturnType = { key: string; record: ApiKeyRecord };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const ORG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Creates an API key: `ct_<id>_<secret>`. Only its SHA-256 is stored; the key itself is returned
 * once and cannot be recovered.
 *
 * @example
 * const { key } = await createApiKey({ store, role: 'screener', org: 'acme' });
 */
export async function createApiKey(
  parameters: CreateApiKeyParameters,
): Promise<CreateApiKeyReturnType> {
  const { store, role } = parameters;
  if (!isRole(role))
    throw new UserError(`Unknown role "${String(role)}"`, {
      code: 'INVALID_ROLE',
      details: 'Roles: viewer, screener, investigator, admin.',
    });
  const org = parameters.org ?? 'default';
  if (!ORG.test(org))
    throw new UserError(`Invalid organisation "${org}"`, {
      code: 'INVALID_ORGANISATION',
      details: 'Use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit.',
    });
  const limit = parameters.rateLimitPerMinute ?? DEFAULT_KEY_RATE_LIMIT_PER_MINUTE;
  if (!Number.isInteger(limit) || limit < 1)
    throw new UserError(`Invalid rate limit ${limit}`, {
      code: 'INVALID_RATE_LIMIT',
      details: 'Expected a whole number of requests per minute, at least 1.',
    });
  const id = randomBytes(ID_BYTES).toString('hex');
  const key = `ct_${id}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
  const record: ApiKeyRecord = {
    id,
    role,
    org,
    name: parameters.name ?? null,
    sha256: sha256(key),
    rateLimitPerMinute: limit,
    createdAt: new Date().toISOString(),
    revokedAt: null,
  };
  await store.putDocument({ kind: API_KEY_KIND, id, org, body: record });
  return { key, record };
}

/**
 * Every key record of the store (revoked ones included), newest first.
 *
 * @example
 * const keys = await listApiKeys(store);
 */
export async function listApiKeys(store: AppStore): Promise<ApiKeyRecord[]> {
  return (await store.listDocuments({ kind: API_KEY_KIND })).map((d) => d.body as ApiKeyRecord);
}

/**
 * Revokes a key: it stays listed, with `revokedAt`, and is refused from then on.
 *
 * @example
 * await revokeApiKey(store, 'a1b2c3d4e5f6');
 */
export async function revokeApiKey(store: AppStore, id: string): Promise<ApiKeyRecord | null> {
  const doc = await store.getDocument(API_KEY_KIND, id);
  if (!doc) return null;
  const record = doc.body as ApiKeyRecord;
  if (record.revokedAt) return record;
  const revoked = { ...record, revokedAt: new Date().toISOString() };
  await store.putDocument({ kind: API_KEY_KIND, id, org: doc.org, body: revoked });
  return revoked;
}

/** Checks presented keys against the stored records, kept in memory. */
export type KeyRing = {
  /** The record of a valid, unrevoked key, or null. Constant-time in the secret. */
  verify(key: string): ApiKeyRecord | null;
  /** Re-reads the records (after a key was created or revoked, here or by another process). */
  reload(): Promise<void>;
  readonly size: number;
};

/**
 * Loads the store's key records into a {@link KeyRing}.
 *
 * @example
 * const keys = await createKeyRing(store);
 * keys.verify(request.headers['x-api-key']);
 */
export async function createKeyRing(store: AppStore): Promise<KeyRing> {
  let byId = new Map<string, { record: ApiKeyRecord; hash: Buffer }>();
  // Keys already verified since the last reload: a client presents the same key on every request,
  // and a SHA-256 per request was a measurable share of a screening's cost. Cleared on reload, so a
  // revoked key stops working at once.
  let verified = new Map<string, ApiKeyRecord>();
  let loaded: string | null = null;
  const reload = async () => {
    const records = await listApiKeys(store);
    // Reloaded every few seconds when the store is shared (see ../shared/upkeep.ts): the cache of
    // verified keys is kept when no record changed.
    const fingerprint = JSON.stringify(records);
    if (fingerprint === loaded) return;
    const next = new Map<string, { record: ApiKeyRecord; hash: Buffer }>();
    for (const record of records)
      if (!record.revokedAt)
        next.set(record.id, { record, hash: Buffer.from(record.sha256, 'hex') });
    byId = next;
    verified = new Map();
    loaded = fingerprint;
  };
  await reload();
  return {
    verify(key) {
      const known = verified.get(key);
      if (known) return known;
      const m = KEY_FORMAT.exec(key);
      const entry = m ? byId.get(m[1]!) : undefined;
      if (!entry) return null;
      const presented = createHash('sha256').update(key).digest();
      if (!timingSafeEqual(presented, entry.hash)) return null;
      // Bounded: only valid keys are cached, and there are as many as the store holds.
      verified.set(key, entry.record);
      return entry.record;
    },
    reload,
    get size() {
      return byId.size;
    },
  };
}
