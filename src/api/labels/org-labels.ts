import { randomUUID } from 'node:crypto';
import { ConflictError } from '../../errors/base.ts';
import { normalizeAddress } from '../../model/address.ts';
import { getChain } from '../../model/chains.ts';
import { parseCategory } from '../../labels/taxonomy.ts';
import type { ViaCluster } from '../../cluster/via-cluster.ts';
import type { Label, StoredDocument, Store } from '../../store/store.ts';
import {
  type CaseFindingsBody,
  caseFindingDocuments,
  type LabelFinding,
  marksOf,
  roleOf,
  roleText,
} from './finding-labels.ts';
import {
  privateUploadLabels,
  type TagpackUploadBody,
  type UploadLabels,
} from './tagpack-uploads.ts';

/**
 * Ids of labels a private TagPack upload added (`<upload id>.<n>`), and of labels a case's findings
 * made (`<case id>.<n>`).
 */
const UPLOADED_LABEL_ID = /^[^.]+\.\d+$/;
/**
 * Ids of private labels (a UUID), and of those a private TagPack upload added (`<upload id>.<n>`) or
 * a case's findings made (`<case id>.<n>`): for route parameters.
 */
export const PRIVATE_LABEL_ID_PATTERN =
  '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(\\.[1-9][0-9]{0,6})?$';

/** The store document kind of private labels. */
export const PRIVATE_LABEL_KIND = 'private_label';
/** `visibility` of labels every organisation sees. */
export const PUBLIC_VISIBILITY = 'public';

/** A label as the API shows it: `visibility` is `public` or the organisation owning it. */
export type ApiLabel = Omit<
  Label,
  'importId' | 'actor' | 'country' | 'sanctionList' | 'programs' | 'validFrom' | 'validTo'
> & {
  actor: string | null;
  country: string | null;
  sanctionList: string | null;
  programs: string[];
  validFrom: string | null;
  validTo: string | null;
  visibility: string;
  /** Set on a label a case's findings made: the case, the address's role and who marked it. */
  finding?: LabelFinding;
  /**
   * Set on another address's label reached through this address's cluster (src/cluster/via-cluster.ts):
   * its confidence is halved (at most 50) and its source says `via cluster of <address>`.
   */
  viaCluster?: ViaCluster;
};

/** The TagPack upload a private label came from. */
export type PrivateLabelUpload = { id: string; name: string; title: string | null };

/**
 * An organisation's own label of an address: only keys of that organisation see it. Added one by
 * one (`upload` and `finding` null), by a private TagPack upload (id `<upload id>.<n>`), or by
 * marking a case's findings (id `<case id>.<n>`).
 */
export type PrivateLabel = Omit<ApiLabel, 'finding'> & {
  id: string;
  note: string | null;
  /** The API key that created it. */
  createdBy: string;
  createdAt: string;
  upload: PrivateLabelUpload | null;
  /** The case finding it stands for (removed by unmarking it in the case). */
  finding: LabelFinding | null;
};

/** Input of {@link createPrivateLabel}: chain, address and category as given; they are checked. */
export type CreatePrivateLabelParameters = {
  org: string;
  createdBy: string;
  chain: string;
  address: string;
  category: string;
  entity?: string | null | undefined;
  note?: string | null | undefined;
};

/** What a private label's document holds (its id, org and time are the document's). */
type PrivateLabelBody = {
  chain: string;
  address: string;
  category: string;
  entity: string | null;
  note: string | null;
  createdBy: string;
};

/** One organisation's private labels, newest first, and by chain and address. */
type OrgLabels = { all: PrivateLabel[]; byAddress: Map<string, PrivateLabel[]> };

/** An organisation's private labels, found by chain and canonical address. */
export type PrivateLabelIndex = {
  /** How many labels the organisation has. */
  readonly size: number;
  /** Every label, newest first. */
  readonly all: readonly PrivateLabel[];
  of(chain: string, address: string): readonly PrivateLabel[];
};

/** A cache entry: the load, and its labels once it has resolved (read then without an await). */
type CacheEntry = {
  load: Promise<OrgLabels>;
  index: PrivateLabelIndex | null;
  /** The organisation's private-label generation when the load started (null: none written yet). */
  generation: string | null;
  /** When the generation was last compared with the store's (ms since 1970). */
  checkedAt: number;
  /** The check (and reload) under way, which callers meanwhile wait for. */
  checking: Promise<CacheEntry> | null;
};

/**
 * How long a cached organisation's labels are used before they are checked against the store:
 * another `serve` process sharing it may have changed them (its write changes the organisation's
 * generation document). One point read per organisation and second at most, which the request
 * that finds the cache older waits for: a label added on one server counts on the others within
 * about a second, however long they were idle.
 */
export const PRIVATE_LABELS_CHECK_MS = 1000;

/** The document whose body changes with every write of an organisation's private labels. */
const generationId = (org: string) => `private-labels:${org}`;
const GENERATION_KIND = 'generation';

async function readGeneration(store: Store, org: string): Promise<string | null> {
  return ((await store.getDocument(GENERATION_KIND, generationId(org)))?.body as string) ?? null;
}

/**
 * Private labels per store and organisation, loaded on first use. Every write of private labels
 * (one by one here, or a private TagPack upload) drops the organisation's entry and changes its
 * generation document ({@link forgetPrivateLabels}), so the cache is never stale within the process,
 * and other `serve` processes sharing the store read the labels again within about a second
 * ({@link PRIVATE_LABELS_CHECK_MS}). Screening a batch then costs Map lookups, not a document query
 * per address.
 */
const caches = new WeakMap<Store, Map<string, CacheEntry>>();

const addressKey = (chain: string, address: string) => `${chain}\u0000${address}`;

const NO_LABELS: readonly PrivateLabel[] = Object.freeze([]);

function fromDocument(doc: StoredDocument): PrivateLabel {
  const body = doc.body as PrivateLabelBody;
  return {
    id: doc.id,
    chain: body.chain,
    address: body.address,
    entity: body.entity,
    category: body.category,
    actor: null,
    country: null,
    // Points back at the label, as a public label's source points at its list.
    source: `private-label:${doc.id}`,
    confidence: null,
    sanctionList: null,
    programs: [],
    validFrom: null,
    validTo: null,
    visibility: doc.org ?? PUBLIC_VISIBILITY,
    note: body.note,
    createdBy: body.createdBy,
    createdAt: doc.createdAt,
    upload: null,
    finding: null,
  };
}

/** The labels a private upload added, as private labels of its organisation. */
function fromUpload({ upload: doc, labels }: UploadLabels): PrivateLabel[] {
  const body = doc.body as TagpackUploadBody;
  const upload: PrivateLabelUpload = { id: doc.id, name: body.name, title: body.title };
  return labels.map((l, i) => ({
    id: `${doc.id}.${i + 1}`,
    ...l,
    sanctionList: null,
    programs: [],
    visibility: doc.org ?? PUBLIC_VISIBILITY,
    note: null,
    createdBy: body.uploadedBy,
    createdAt: doc.createdAt,
    upload,
    finding: null,
  }));
}

/**
 * The labels a case's findings made: one per marked address, the case's name as entity, the case as
 * source, and the investigator who marked it as author.
 */
function fromFindings(doc: StoredDocument): PrivateLabel[] {
  const body = doc.body as CaseFindingsBody;
  return body.entries.map((e) => ({
    id: `${doc.id}.${e.n}`,
    chain: e.chain,
    address: e.address,
    entity: body.caseName,
    category: e.category,
    actor: null,
    country: null,
    source: `case:${doc.id}`,
    confidence: null,
    sanctionList: null,
    programs: [],
    validFrom: null,
    validTo: null,
    visibility: doc.org ?? PUBLIC_VISIBILITY,
    note: `In case "${body.caseName}": ${roleText(roleOf(e))}`,
    createdBy: e.markedBy,
    createdAt: e.markedAt,
    upload: null,
    finding: {
      case: { id: doc.id, name: body.caseName },
      role: roleOf(e),
      marks: marksOf(e),
      traceId: e.traceId,
      author: e.author,
    },
  }));
}

async function loadOrgLabels(store: Store, org: string): Promise<OrgLabels> {
  const [own, uploads, findings] = await Promise.all([
    store.listDocuments({ kind: PRIVATE_LABEL_KIND, org }),
    privateUploadLabels(store, org),
    caseFindingDocuments(store, org),
  ]);
  // Newest first, a pack's labels in its order (the sort is stable; the times are ISO 8601).
  const all = [
    ...own.map(fromDocument),
    ...uploads.flatMap(fromUpload),
    ...findings.flatMap(fromFindings),
  ].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  const byAddress = new Map<string, PrivateLabel[]>();
  for (const label of all) {
    const key = addressKey(label.chain, label.address);
    const list = byAddress.get(key);
    if (list) list.push(label);
    else byAddress.set(key, [label]);
  }
  return { all, byAddress };
}

function loadEntry(store: Store, org: string, perOrg: Map<string, CacheEntry>): CacheEntry {
  const created: CacheEntry = {
    load: Promise.resolve({ all: [], byAddress: new Map() }),
    index: null,
    generation: null,
    checkedAt: Date.now(),
    checking: null,
  };
  // The generation first: a write landing while the labels are read is seen at the next check.
  created.load = readGeneration(store, org).then((generation) => {
    created.generation = generation;
    return loadOrgLabels(store, org);
  });
  perOrg.set(org, created);
  created.load.then(
    (labels) => {
      created.index = indexOf(labels);
    },
    // A failed load must not stay cached: the next request tries again.
    () => {
      if (perOrg.get(org) === created) perOrg.delete(org);
    },
  );
  return created;
}

/**
 * The organisation's entry, checked against the store when its last check is older than
 * {@link PRIVATE_LABELS_CHECK_MS}: the entry itself when it is fresh, else a promise of the entry to
 * use (the same, or one read again after another process changed the labels). Callers at the same
 * time share one check and at most one reload.
 */
function cacheEntry(store: Store, org: string): CacheEntry | Promise<CacheEntry> {
  let perOrg = caches.get(store);
  if (!perOrg) caches.set(store, (perOrg = new Map()));
  const entry = perOrg.get(org);
  if (!entry) return loadEntry(store, org, perOrg);
  if (entry.index === null || Date.now() - entry.checkedAt <= PRIVATE_LABELS_CHECK_MS) return entry;
  const map = perOrg;
  entry.checking ??= (async () => {
    const generation = await readGeneration(store, org);
    if (generation === entry.generation || map.get(org) !== entry) {
      entry.checkedAt = Date.now();
      return map.get(org) ?? entry;
    }
    const next = loadEntry(store, org, map);
    await next.load;
    return next;
  })().finally(() => (entry.checking = null));
  return entry.checking;
}

async function orgLabels(store: Store, org: string): Promise<OrgLabels> {
  return (await cacheEntry(store, org)).load;
}

function indexOf(labels: OrgLabels): PrivateLabelIndex {
  return {
    size: labels.all.length,
    all: labels.all,
    of: (chain, address) =>
      labels.all.length === 0
        ? NO_LABELS
        : (labels.byAddress.get(addressKey(chain, address)) ?? NO_LABELS),
  };
}

/**
 * The private labels of `org` by address: at once when they are loaded, so that screening, which
 * needs them on every request, spends no await on them; a promise the first time.
 *
 * @example
 * const found = privateLabelIndex(store, 'acme');
 * const index = found instanceof Promise ? await found : found;
 * index.of('ethereum', '0x098b716b8aaf21512996dc57eb0615e2383e2f96'); // the labels acme gave it
 */
export function privateLabelIndex(
  store: Store,
  org: string,
): PrivateLabelIndex | Promise<PrivateLabelIndex> {
  const found = cacheEntry(store, org);
  if (!(found instanceof Promise)) return found.index ?? found.load.then(indexOf);
  return found.then((entry) => entry.index ?? entry.load.then(indexOf));
}

/**
 * Drops the cached private labels of `org`, here and (by a new generation) in every process sharing
 * the store: every write of its private labels calls it.
 *
 * @example
 * forgetPrivateLabels(store, 'acme');
 */
export async function forgetPrivateLabels(store: Store, org: string): Promise<void> {
  caches.get(store)?.delete(org);
  // Tells the other processes sharing the store. Never throws (it runs in `finally` blocks, after
  // a write that may itself have failed): if it fails, they keep their cache until the next write.
  await store
    .putDocument({ kind: GENERATION_KIND, id: generationId(org), org, body: randomUUID() })
    .catch(() => undefined);
}

/**
 * The private labels of `org`, newest first.
 *
 * @example
 * const labels = await listPrivateLabels(store, 'acme');
 * labels[0]?.visibility; // 'acme'
 */
export async function listPrivateLabels(
  store: Store,
  org: string,
): Promise<readonly PrivateLabel[]> {
  return (await orgLabels(store, org)).all;
}

/**
 * The private labels of `org` on one address (canonical form).
 *
 * @example
 * await privateLabelsOf(store, 'acme', 'ethereum', '0x098b716b8aaf21512996dc57eb0615e2383e2f96');
 */
export async function privateLabelsOf(
  store: Store,
  org: string,
  chain: string,
  address: string,
): Promise<readonly PrivateLabel[]> {
  return (await orgLabels(store, org)).byAddress.get(addressKey(chain, address)) ?? [];
}

/**
 * Stores a private label of `org`. The chain, address (any accepted form; stored canonical) and
 * category (one of src/labels/taxonomy.ts) are checked, each failure a 400 naming it; a label equal
 * to one the organisation already has (same address, category and entity) is a 409.
 *
 * @example
 * const label = await createPrivateLabel(store, {
 *   org: 'acme', createdBy: key.id, chain: 'ethereum',
 *   address: '0x098B716B8Aaf21512996dC57EB0615e2383E2f96', category: 'theft', entity: 'Ronin exploiter',
 * });
 */
export async function createPrivateLabel(
  store: Store,
  parameters: CreatePrivateLabelParameters,
): Promise<PrivateLabel> {
  const chain = getChain(parameters.chain).key;
  const address = normalizeAddress(chain, parameters.address);
  const category = parseCategory(parameters.category);
  const entity = parameters.entity?.trim() || null;
  const note = parameters.note?.trim() || null;
  const existing = await privateLabelsOf(store, parameters.org, chain, address);
  const same = existing.find((l) => l.category === category && l.entity === entity);
  if (same)
    throw new ConflictError(`The organisation already has this label (${same.id})`, {
      code: 'PRIVATE_LABEL_EXISTS',
    });
  const body: PrivateLabelBody = {
    chain,
    address,
    category,
    entity,
    note,
    createdBy: parameters.createdBy,
  };
  try {
    const doc = await store.putDocument({
      kind: PRIVATE_LABEL_KIND,
      id: randomUUID(),
      org: parameters.org,
      body,
    });
    return fromDocument(doc);
  } finally {
    await forgetPrivateLabels(store, parameters.org);
  }
}

/**
 * Removes a private label of `org`; null when `org` has no label of that id (another organisation's
 * label is as absent as a missing one). A label a TagPack upload added is a 409 naming the upload:
 * an upload's labels are removed together, with the upload.
 *
 * @example
 * await deletePrivateLabel(store, 'acme', id); // the removed label, or null
 */
export async function deletePrivateLabel(
  store: Store,
  org: string,
  id: string,
): Promise<PrivateLabel | null> {
  if (UPLOADED_LABEL_ID.test(id)) {
    const label = (await listPrivateLabels(store, org)).find((l) => l.id === id);
    if (!label) return null;
    if (label.finding)
      throw new ConflictError(`Label ${id} marks a finding of case ${label.finding.case.id}`, {
        code: 'PRIVATE_LABEL_FROM_CASE',
        details: `Unmark it in the case: DELETE /v1/cases/${label.finding.case.id}/findings?address=${label.chain}:${label.address}.`,
      });
    throw new ConflictError(`Label ${id} came with TagPack upload ${label.upload!.id}`, {
      code: 'PRIVATE_LABEL_FROM_UPLOAD',
      details: `Its labels go together: DELETE /v1/labels/tagpacks/${label.upload!.id}.`,
    });
  }
  const doc = await store.getDocument(PRIVATE_LABEL_KIND, id);
  if (!doc || doc.org !== org) return null;
  try {
    await store.deleteDocument(PRIVATE_LABEL_KIND, id);
  } finally {
    await forgetPrivateLabels(store, org);
  }
  return fromDocument(doc);
}

/**
 * A stored (public) label as the API shows it.
 *
 * @example
 * (await store.getLabels('ethereum', address)).map((l) => toApiLabel(l));
 */
export function toApiLabel(l: Label): ApiLabel {
  return {
    chain: l.chain,
    address: l.address,
    entity: l.entity,
    category: l.category,
    actor: l.actor ?? null,
    country: l.country ?? null,
    source: l.source,
    confidence: l.confidence,
    sanctionList: l.sanctionList ?? null,
    programs: [...(l.programs ?? [])],
    validFrom: l.validFrom ?? null,
    validTo: l.validTo ?? null,
    visibility: PUBLIC_VISIBILITY,
  };
}

/**
 * A private label in the shape of a public one (without its id, note, author and time).
 *
 * @example
 * privateAsApiLabel(label).visibility; // 'acme'
 */
export function privateAsApiLabel(l: PrivateLabel): ApiLabel {
  const {
    id: _id,
    note: _note,
    createdBy: _by,
    createdAt: _at,
    upload: _upload,
    finding,
    ...label
  } = l;
  return finding ? { ...label, finding } : label;
}

/**
 * The labels of an address as `org` sees them: its own private labels first (newest first,
 * `visibility` = the organisation), then public ones. Other organisations' private labels never
 * appear.
 *
 * @example
 * await effectiveLabels(store, 'acme', 'ethereum', '0x098b716b8aaf21512996dc57eb0615e2383e2f96');
 * // [{ category: 'theft', visibility: 'acme', … }, { category: 'sanctioned', visibility: 'public', … }]
 */
export async function effectiveLabels(
  store: Store,
  org: string,
  chain: string,
  address: string,
): Promise<ApiLabel[]> {
  const [own, shared] = await Promise.all([
    privateLabelsOf(store, org, chain, address),
    store.getLabels(chain, address),
  ]);
  return [...own.map(privateAsApiLabel), ...shared.map(toApiLabel)];
}
