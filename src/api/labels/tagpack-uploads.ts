import type { StoredDocument, AppStore } from '../../store/store.ts';

/** The store document kind of TagPack uploads (one per upload, of the uploading organisation). */
export const TAGPACK_UPLOAD_KIND = 'tagpack_upload';
/** The store document kind of a private upload's labels, {@link LABELS_PER_CHUNK} a document. */
export const TAGPACK_LABELS_KIND = 'tagpack_upload_labels';
/**
 * Labels per document of a private upload. DuckDB needs about 12 times a document's JSON while it
 * stores it: the 281,621 tags of a pack at the 20 MB bound as one document (31 MB of JSON arrays)
 * took the process 386 MB over its base; 10,000 labels (1.1 MB) take 18 MB.
 */
export const LABELS_PER_CHUNK = 10_000;

/**
 * Who sees an upload's labels: `private`, the uploading organisation only (the default); `public`,
 * every organisation (published by an admin).
 */
export type TagpackVisibility = 'private' | 'public';

/** A label of a private upload, as its document keeps it (chain and address canonical). */
export type UploadedLabel = {
  chain: string;
  address: string;
  entity: string | null;
  category: string;
  actor: string | null;
  country: string | null;
  /** The tag's source (a URL or document reference). */
  source: string;
  confidence: number | null;
  validFrom: string | null;
  validTo: string | null;
};

/** When and by whom a public upload's labels were removed. */
export type TagpackRetirement = { at: string; by: string; labelsRemoved: number };

/** What an upload's document holds (its id, organisation and time are the document's). */
export type TagpackUploadBody = {
  visibility: TagpackVisibility;
  /** The file name given (or the default). */
  name: string;
  /** The pack's title. */
  title: string | null;
  listDate: string | null;
  sha256: string;
  /** The API key that uploaded it. */
  uploadedBy: string;
  labelsRead: number;
  labelsWritten: number;
  /** A public upload's label import; null for a private one. */
  importId: number | null;
  /** A public upload once retired; null while its labels count. */
  retired: TagpackRetirement | null;
  /**
   * How many {@link TAGPACK_LABELS_KIND} documents hold a private upload's labels (ids
   * `<upload id>:<k>`); 0 for a public one, whose labels the store holds.
   */
  labelChunks: number;
};

/** An upload as the API shows it. */
export type TagpackUpload = Omit<TagpackUploadBody, 'labelChunks' | 'retired'> & {
  id: string;
  org: string;
  uploadedAt: string;
  retiredAt: string | null;
  retiredBy: string | null;
};

/**
 * An upload's document as the API shows it.
 *
 * @example
 * toTagpackUpload(await store.getDocument(TAGPACK_UPLOAD_KIND, id)).visibility; // 'private'
 */
export function toTagpackUpload(doc: StoredDocument): TagpackUpload {
  const { labelChunks: _chunks, retired, ...body } = doc.body as TagpackUploadBody;
  return {
    id: doc.id,
    org: doc.org ?? '',
    ...body,
    uploadedAt: doc.createdAt,
    retiredAt: retired?.at ?? null,
    retiredBy: retired?.by ?? null,
  };
}

/**
 * The upload documents of `org`, newest first.
 *
 * @example
 * const docs = await tagpackUploadDocuments(store, 'acme');
 */
export function tagpackUploadDocuments(store: AppStore, org: string): Promise<StoredDocument[]> {
  return store.listDocuments({ kind: TAGPACK_UPLOAD_KIND, org });
}

/**
 * The upload `id` of `org`, or null (another organisation's upload is as absent as a missing one).
 *
 * @example
 * const doc = await tagpackUploadDocument(store, 'acme', id);
 */
export async function tagpackUploadDocument(
  store: AppStore,
  org: string,
  id: string,
): Promise<StoredDocument | null> {
  const doc = await store.getDocument(TAGPACK_UPLOAD_KIND, id);
  return doc && doc.org === org ? doc : null;
}

/** A label as a chunk document keeps it: the fields of {@link UploadedLabel} in their order. */
type LabelRow = [
  chain: string,
  address: string,
  entity: string | null,
  category: string,
  actor: string | null,
  country: string | null,
  source: string,
  confidence: number | null,
  validFrom: string | null,
  validTo: string | null,
];

/** One document of a private upload's labels. */
type LabelChunkBody = { upload: string; chunk: number; labels: LabelRow[] };

const chunkId = (upload: string, chunk: number) => `${upload}:${chunk}`;

/**
 * Stores the labels of private upload `upload` of `org`, {@link LABELS_PER_CHUNK} a document, and
 * returns how many documents. They count only once the upload's own document exists (written
 * after them): a write that fails half-way leaves documents nothing reads, which it then removes.
 *
 * @example
 * const labelChunks = await putUploadLabels(store, 'acme', id, labels);
 */
export async function putUploadLabels(
  store: AppStore,
  org: string,
  upload: string,
  labels: readonly UploadedLabel[],
): Promise<number> {
  const chunks = Math.ceil(labels.length / LABELS_PER_CHUNK);
  try {
    for (let chunk = 0; chunk < chunks; chunk++) {
      const rows = labels
        .slice(chunk * LABELS_PER_CHUNK, (chunk + 1) * LABELS_PER_CHUNK)
        .map((l): LabelRow => [
          l.chain,
          l.address,
          l.entity,
          l.category,
          l.actor,
          l.country,
          l.source,
          l.confidence,
          l.validFrom,
          l.validTo,
        ]);
      const body: LabelChunkBody = { upload, chunk, labels: rows };
      await store.putDocument({ kind: TAGPACK_LABELS_KIND, id: chunkId(upload, chunk), org, body });
    }
  } catch (error) {
    await deleteUploadLabels(store, upload, chunks).catch(() => undefined);
    throw error;
  }
  return chunks;
}

/**
 * Removes the label documents of an upload (after its own document: from then on nothing reads them).
 *
 * @example
 * await deleteUploadLabels(store, id, body.labelChunks);
 */
export async function deleteUploadLabels(
  store: AppStore,
  upload: string,
  chunks: number,
): Promise<void> {
  for (let chunk = 0; chunk < chunks; chunk++)
    await store.deleteDocument(TAGPACK_LABELS_KIND, chunkId(upload, chunk));
}

/** The labels of one private upload of an organisation, in the pack's order. */
export type UploadLabels = { upload: StoredDocument; labels: UploadedLabel[] };

/**
 * The labels of every private upload of `org` (newest upload first), read from its label documents;
 * documents of no stored upload (a write or a removal cut short) are left out.
 *
 * @example
 * for (const { upload, labels } of await privateUploadLabels(store, 'acme')) console.log(upload.id, labels.length);
 */
export async function privateUploadLabels(store: AppStore, org: string): Promise<UploadLabels[]> {
  const [uploads, chunks] = await Promise.all([
    tagpackUploadDocuments(store, org),
    store.listDocuments({ kind: TAGPACK_LABELS_KIND, org }),
  ]);
  const rowsOf = new Map<string, LabelRow[][]>();
  for (const doc of chunks) {
    const body = doc.body as LabelChunkBody;
    let list = rowsOf.get(body.upload);
    if (!list) rowsOf.set(body.upload, (list = []));
    list[body.chunk] = body.labels;
  }
  const found: UploadLabels[] = [];
  for (const upload of uploads) {
    const body = upload.body as TagpackUploadBody;
    if (body.visibility !== 'private') continue;
    const labels: UploadedLabel[] = [];
    for (const rows of rowsOf.get(upload.id) ?? [])
      for (const r of rows ?? [])
        labels.push({
          chain: r[0],
          address: r[1],
          entity: r[2],
          category: r[3],
          actor: r[4],
          country: r[5],
          source: r[6],
          confidence: r[7],
          validFrom: r[8],
          validTo: r[9],
        });
    found.push({ upload, labels });
  }
  return found;
}
