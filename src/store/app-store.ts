import { UserError } from '../errors/base.ts';

/**
 * Application state of the API: documents (API keys' records, cases, watchlists, alerts and their
 * delivery state) and the audit log of who screened, traced, exported or changed what.
 *
 * This is state, not chain data: documents are replaced whole by kind and id, never rolled back by a
 * reorg, and must be shared by every `serve` process of a deployment. A backend must guarantee that a
 * document is stored whole or not at all (one statement), that a read after a write sees it (cases
 * build optimistic versions on that: read, compare the version in the body, put), and that audit
 * entries are appended, never changed, and listed newest first with their ids increasing.
 */
export interface AppStore {
  /**
   * Stores a document of the API's own state (an API key's record, a case, a watchlist, an alert),
   * replacing the one of the same kind and id. One statement: it is stored whole or not at all.
   */
  putDocument(document: StoredDocumentInput): Promise<StoredDocument>;
  /** One document, or null. */
  getDocument(kind: string, id: string): Promise<StoredDocument | null>;
  /** Documents of one kind, newest first (by creation, then id). */
  listDocuments(filter: DocumentFilter): Promise<StoredDocument[]>;
  /** Removes a document; false when there was none. */
  deleteDocument(kind: string, id: string): Promise<boolean>;
  /** Appends entries to the audit log (who screened, traced, exported or changed what), in one statement. */
  appendAudit(entries: readonly AuditEntryInput[]): Promise<void>;
  /** Audit entries matching a filter, newest first. */
  listAudit(filter?: AuditFilter): Promise<AuditEntry[]>;
  /**
   * Claims `name` for `token` once and for all: of every claim of one name, from any process of the
   * deployment, exactly one wins, and every other is told the winner's token. This is the one
   * compare-and-set the API's shared state builds on (a case's next version, an alert fired once);
   * a backend must make it atomic across processes, not only within one. A claim lasts until
   * {@link AppStore.pruneClaims} forgets it.
   */
  claim(name: string, token: string): Promise<ClaimResult>;
  /** Forgets the claims made more than `olderThanSeconds` ago; returns how many. */
  pruneClaims(olderThanSeconds: number): Promise<number>;
}

/** What {@link AppStore.claim} found: whether this call won, and the token that holds the name. */
export type ClaimResult = { won: boolean; holder: string };

/** A claim token: letters, digits and `_` (a backend may keep it in an identifier), at most 64. */
export const CLAIM_TOKEN = /^[A-Za-z0-9_]{1,64}$/;

/** Refuses a token that is not {@link CLAIM_TOKEN} (a caller's bug, not a user's input). */
export function assertClaimToken(token: string): void {
  if (!CLAIM_TOKEN.test(token))
    throw new TypeError(
      `A claim token is 1-64 letters, digits or _ (got ${JSON.stringify(token)})`,
    );
}

/** A document to store: its body is any JSON value. */
export type StoredDocumentInput = {
  /** What it is, e.g. `api_key`, `case`, `watchlist`, `alert`. */
  kind: string;
  id: string;
  /** The organisation it belongs to; null for the whole installation. */
  org: string | null;
  body: unknown;
};

/** A stored document with its times (ISO 8601, UTC). */
export type StoredDocument = StoredDocumentInput & { createdAt: string; updatedAt: string };

/** Filters of {@link AppStore.listDocuments}. */
export type DocumentFilter = {
  kind: string;
  org?: string | null;
  limit?: number;
  offset?: number;
};

/** What one audit entry records. */
export type AuditEntryInput = {
  /** The API key (its id, never the secret) or `cli`. */
  actor: string;
  /** The key's name and role when it acted (null: `cli`, anonymous, or a key without a name). */
  actorName?: string | null;
  actorRole?: string | null;
  org: string | null;
  /** E.g. `screen`, `trace.create`, `case.update`, `key.create`. */
  action: string;
  /** What it acted on: addresses, a trace or case id. */
  target: string | null;
  /** More about it (JSON). */
  detail?: unknown;
  requestId?: string | null;
  /** When it happened (ISO 8601); default: when it is stored. */
  time?: string;
};

/** An audit entry as stored. */
export type AuditEntry = Omit<AuditEntryInput, 'time' | 'actorName' | 'actorRole'> & {
  id: number;
  time: string;
  actorName: string | null;
  actorRole: string | null;
};

/** Filters of {@link AppStore.listAudit}; all optional. */
export type AuditFilter = {
  org?: string | null;
  actor?: string;
  action?: string;
  target?: string;
  limit?: number;
};

/**
 * When an audit entry happened, in milliseconds since 1970: its `time` (ISO 8601), else now; a time
 * that is not one is a UserError naming it, whatever the backend.
 *
 * @example
 * auditTimeMs({ time: '2026-01-02T03:04:05.678Z' }); // 1767323045678
 */
export function auditTimeMs(entry: Pick<AuditEntryInput, 'time'>): number {
  const ms = entry.time === undefined ? Date.now() : Date.parse(entry.time);
  if (Number.isNaN(ms))
    throw new UserError(`Invalid audit time "${entry.time}"`, { code: 'BAD_AUDIT_ENTRY' });
  return ms;
}

/** An audit entry's columns as both backends store them (snake case; `detail` as JSON text). */
export function auditColumns(e: AuditEntryInput) {
  return {
    actor: e.actor,
    actor_name: e.actorName ?? null,
    actor_role: e.actorRole ?? null,
    org: e.org,
    action: e.action,
    target: e.target,
    detail: e.detail === undefined ? null : JSON.stringify(e.detail),
    request_id: e.requestId ?? null,
  };
}

/** An audit entry from its stored columns ({@link auditColumns}) and its time (ISO 8601). */
export function auditEntryOf(r: Record<string, unknown>, time: string): AuditEntry {
  return {
    id: Number(r.id),
    time,
    actor: String(r.actor),
    actorName: (r.actor_name as string | null) ?? null,
    actorRole: (r.actor_role as string | null) ?? null,
    org: (r.org as string | null) ?? null,
    action: String(r.action),
    target: (r.target as string | null) ?? null,
    detail: r.detail === null || r.detail === undefined ? null : JSON.parse(String(r.detail)),
    requestId: (r.request_id as string | null) ?? null,
  };
}
