import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LineCounter, parseDocument, visit } from 'yaml';
import { LimitedError, RefusedError, UserError } from '../../errors/base.ts';
import { importTagpack } from '../../labels/import/tagpack.ts';
import type { LabelSource } from '../../labels/importer.ts';
import type { Label, Store } from '../../store/store.ts';
import { forgetPrivateLabels, listPrivateLabels } from './org-labels.ts';
import {
  deleteUploadLabels,
  putUploadLabels,
  TAGPACK_UPLOAD_KIND,
  type TagpackUploadBody,
  type TagpackVisibility,
  tagpackUploadDocuments,
  type UploadedLabel,
} from './tagpack-uploads.ts';

/** Largest TagPack accepted in one upload (the largest public packs are a few MB). */
export const MAX_TAGPACK_BYTES = 20 * 1024 * 1024;
/** Name of an upload that gives none; errors name it as they would name a file. */
export const DEFAULT_TAGPACK_NAME = 'tagpack.yaml';
/** A file name without folders, not starting with a dot (it names the temporary file). */
export const TAGPACK_NAME_PATTERN = '^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$';

/** Input of {@link uploadTagpack}. */
export type UploadTagpackParameters = {
  store: Store;
  /** The TagPack's text (YAML, or JSON, which is YAML too). */
  yaml: string;
  /** File name the errors and the import record use (default {@link DEFAULT_TAGPACK_NAME}). */
  name?: string | undefined;
  /** The uploading organisation: a private upload's labels are its own. */
  org: string;
  /** The uploading API key's id (provenance). */
  uploadedBy: string;
  /**
   * `private` (default): labels of `org` only; `public`: labels of every organisation. Whether the
   * key may publish is the caller's check.
   */
  visibility?: TagpackVisibility | undefined;
};

/** What {@link uploadTagpack} did. */
export type UploadTagpackReturnType = {
  /**
   * The upload (new, or the earlier one of the same bytes); null when the same bytes were published
   * by another organisation or imported by the operator.
   */
  id: string | null;
  visibility: TagpackVisibility;
  /** A public upload's label import (new, or the earlier one of the same bytes); null when private. */
  importId: number | null;
  name: string;
  /** The import record's source: `upload:<name>`. */
  source: string;
  listName: string | null;
  listDate: string | null;
  sha256: string;
  /**
   * True when these exact bytes were imported before (public: by anyone; private: by this
   * organisation, privately): nothing was written.
   */
  alreadyImported: boolean;
  labelsRead: number;
  labelsWritten: number;
  labelsDuplicate: number;
  warnings: string[];
};

/**
 * Uploads and removals of uploads of one store run one after another, so two of the same pack
 * cannot both import it, nor a removal race the upload it removes.
 */
const queues = new WeakMap<Store, Promise<unknown>>();

/**
 * Uploads or removals one organisation may have queued or running at once. They run one at a time for
 * the whole server, and a 20 MB pack took 65 s and 1.5 GB here: without a cap, one organisation's
 * queue of packs would hold every other's upload for as long as it liked, and their bodies in memory.
 * With one each, another organisation's upload waits for at most one of each other organisation's.
 */
export const TAGPACK_JOBS_PER_ORG = 1;
/** `Retry-After` of a refused upload: most packs take a second or less, a 20 MB one about a minute. */
const TAGPACK_RETRY_AFTER_MS = 5000;
const pendingByStore = new WeakMap<Store, Map<string, number>>();

/**
 * Runs `fn` after every upload or upload removal of `store` queued before it, and before those
 * queued after; refused (429 `TAGPACK_QUEUE_FULL`) when `org` already has
 * {@link TAGPACK_JOBS_PER_ORG} queued or running.
 *
 * @example
 * await inTagpackQueue(store, 'acme', () => store.write((w) => w.removeLabelImport(importId)));
 */
export function inTagpackQueue<T>(store: Store, org: string, fn: () => Promise<T>): Promise<T> {
  let pending = pendingByStore.get(store);
  if (!pending) pendingByStore.set(store, (pending = new Map()));
  const count = pending.get(org) ?? 0;
  if (count >= TAGPACK_JOBS_PER_ORG)
    throw new LimitedError(
      `Your organisation has ${count} TagPack upload or removal under way, the most it may have: send the next when it has been answered`,
      { code: 'TAGPACK_QUEUE_FULL', retryAfterMs: TAGPACK_RETRY_AFTER_MS },
    );
  pending.set(org, count + 1);
  const previous = queues.get(store) ?? Promise.resolve();
  const run = previous
    .catch(() => undefined)
    .then(fn)
    .finally(() => {
      const left = (pending.get(org) ?? 1) - 1;
      if (left > 0) pending.set(org, left);
      else pending.delete(org);
    });
  queues.set(store, run);
  return run;
}

/** Replaces the temporary folder in the importer's messages: the client knows its pack by name. */
function scrubber(dir: string): (text: string) => string {
  return (text) => text.split(`${dir}${path.sep}`).join('').split(dir).join('(the upload)');
}

/**
 * `!include` reads a file relative to the pack: from an upload it would read the server's files,
 * so an uploaded pack must be self-contained.
 */
function rejectIncludes(text: string, name: string): void {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  let line: number | null = null;
  let found = false;
  visit(document, {
    Node(_key, node) {
      if (!('tag' in node) || node.tag !== '!include') return undefined;
      found = true;
      line = node.range ? lineCounter.linePos(node.range[0]).line : null;
      return visit.BREAK;
    },
  });
  if (found)
    throw new UserError(`${name}:${line ?? '?'}: !include is not allowed in an uploaded TagPack`, {
      code: 'TAGPACK_INCLUDE_NOT_ALLOWED',
      details: 'Put the included header fields into the pack itself.',
    });
}

/**
 * Sanctions come only from the official lists' imports (`labels import ofac-xml`, run by the
 * operator): an uploaded pack that makes an address `sanctioned` (its context's `chaintrail`
 * category, list or programs) would make every organisation's screening answer "sanctioned,
 * severe" on one investigator's word. Thrown inside the write, so nothing of the pack is kept.
 */
function refuseSanctions(batch: readonly Label[], name: string): void {
  const forged = batch.find(
    (l) => l.category === 'sanctioned' || Boolean(l.sanctionList) || (l.programs?.length ?? 0) > 0,
  );
  if (forged)
    throw new RefusedError(
      `${name}: tag for ${forged.address} makes it a sanction; an uploaded TagPack may not create sanctions`,
      {
        code: 'TAGPACK_SANCTIONS_NOT_ALLOWED',
        details:
          'Sanctions come from the official lists only (`chaintrail labels import ofac-xml`); upload the pack without the sanctioned category, list and programs.',
      },
    );
}

/** What every upload reports, whatever became of it. */
type UploadBase = Pick<UploadTagpackReturnType, 'name' | 'source' | 'sha256' | 'visibility'>;

/** Same bytes as an earlier upload: nothing to do. */
function already(
  base: UploadBase,
  id: string | null,
  importId: number | null,
  earlier: { listName: string | null; listDate: string | null; at: string; what: string },
): UploadTagpackReturnType {
  return {
    ...base,
    id,
    importId,
    listName: earlier.listName,
    listDate: earlier.listDate,
    alreadyImported: true,
    labelsRead: 0,
    labelsWritten: 0,
    labelsDuplicate: 0,
    warnings: [`already imported on ${earlier.at.slice(0, 10)} (${earlier.what})`],
  };
}

/**
 * Reads the pack with the file importer, which reads files (line numbers, actors of a nearby folder):
 * it gets a folder of its own, removed after `use`. Its messages name the pack, never the folder.
 */
async function withPack<T>(
  yaml: string,
  name: string,
  use: (source: LabelSource, scrub: (text: string) => string) => Promise<T>,
): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'chaintrail-tagpack-'));
  const scrub = scrubber(dir);
  try {
    const file = path.join(dir, name);
    await fs.writeFile(file, yaml, 'utf8');
    let source: LabelSource;
    try {
      source = await importTagpack(file, {});
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      throw new UserError(scrub(error.shortMessage), {
        code: error.code,
        details: error.details === undefined ? undefined : scrub(error.details),
        cause: error,
      });
    }
    return await use(source, scrub);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Same address, category and entity: what makes a private label a repeat (as one by one). */
const privateKey = (l: Pick<Label, 'chain' | 'address' | 'category' | 'entity'>) =>
  `${l.chain}\u0000${l.address}\u0000${l.category}\u0000${l.entity ?? ''}`;

/**
 * A private upload: the pack's labels become one document of the organisation, which its screening,
 * address pages and label search read as its private labels. Labels equal to one the organisation
 * has (or repeated in the pack) are skipped, as the store skips public ones.
 */
async function uploadPrivate(
  parameters: UploadTagpackParameters,
  base: UploadBase,
): Promise<UploadTagpackReturnType> {
  const { store, org } = parameters;
  const earlier = (await tagpackUploadDocuments(store, org)).find((d) => {
    const body = d.body as TagpackUploadBody;
    return body.visibility === 'private' && body.sha256 === base.sha256;
  });
  if (earlier) {
    const body = earlier.body as TagpackUploadBody;
    return already(base, earlier.id, null, {
      listName: body.title,
      listDate: body.listDate,
      at: earlier.createdAt,
      what: `upload ${earlier.id}`,
    });
  }
  return withPack(parameters.yaml, base.name, async (source, scrub) => {
    const seen = new Set((await listPrivateLabels(store, org)).map(privateKey));
    const labels: UploadedLabel[] = [];
    let labelsRead = 0;
    for await (const batch of source.batches()) {
      labelsRead += batch.length;
      refuseSanctions(batch, base.name);
      for (const l of batch) {
        const key = privateKey(l);
        if (seen.has(key)) continue;
        seen.add(key);
        labels.push({
          chain: l.chain,
          address: l.address,
          entity: l.entity,
          category: l.category,
          actor: l.actor ?? null,
          country: l.country ?? null,
          source: l.source,
          confidence: l.confidence,
          validFrom: l.validFrom ?? null,
          validTo: l.validTo ?? null,
        });
      }
    }
    const id = randomUUID();
    const labelChunks = await putUploadLabels(store, org, id, labels);
    const body: TagpackUploadBody = {
      visibility: 'private',
      name: base.name,
      title: source.listName,
      listDate: source.listDate,
      sha256: base.sha256,
      uploadedBy: parameters.uploadedBy,
      labelsRead,
      labelsWritten: labels.length,
      importId: null,
      retired: null,
      labelChunks,
    };
    try {
      // The labels count from this one statement on, all together.
      await store.putDocument({ kind: TAGPACK_UPLOAD_KIND, id, org, body });
    } catch (error) {
      await deleteUploadLabels(store, id, labelChunks).catch(() => undefined);
      throw error;
    } finally {
      await forgetPrivateLabels(store, org);
    }
    return {
      ...base,
      id,
      importId: null,
      listName: source.listName,
      listDate: source.listDate,
      alreadyImported: false,
      labelsRead,
      labelsWritten: labels.length,
      labelsDuplicate: labelsRead - labels.length,
      warnings: source.warnings.map(scrub),
    };
  });
}

/**
 * A public upload: a label import every organisation's screening counts, as `chaintrail labels
 * import tagpack` makes, and the upload's record in its organisation (which may retire it).
 */
async function uploadPublic(
  parameters: UploadTagpackParameters,
  base: UploadBase,
): Promise<UploadTagpackReturnType> {
  const { store, org } = parameters;
  // Same bytes as an earlier import (an upload, or the same file through the CLI): nothing to do.
  const previous = (await store.listLabelImports()).find((i) => i.sha256 === base.sha256);
  if (previous) {
    const record = (await tagpackUploadDocuments(store, org)).find(
      (d) => (d.body as TagpackUploadBody).importId === previous.id,
    );
    return already(base, record?.id ?? null, previous.id, {
      ...previous,
      at: previous.importedAt,
      what: `import ${previous.id}`,
    });
  }
  return withPack(parameters.yaml, base.name, async (source, scrub) => {
    let labelsRead = 0;
    const summary = await store.write(async (writer) => {
      await writer.recordLabelImport({
        format: source.format,
        source: base.source,
        listName: source.listName,
        listDate: source.listDate,
        sha256: base.sha256,
      });
      for await (const batch of source.batches()) {
        labelsRead += batch.length;
        refuseSanctions(batch, base.name);
        await writer.addLabels(batch);
      }
    });
    const imported = (await store.listLabelImports()).find((i) => i.sha256 === base.sha256)!;
    const body: TagpackUploadBody = {
      visibility: 'public',
      name: base.name,
      title: source.listName,
      listDate: source.listDate,
      sha256: base.sha256,
      uploadedBy: parameters.uploadedBy,
      labelsRead,
      labelsWritten: summary.labelsWritten,
      importId: imported.id,
      retired: null,
      labelChunks: 0,
    };
    const id = randomUUID();
    try {
      await store.putDocument({ kind: TAGPACK_UPLOAD_KIND, id, org, body });
    } catch (error) {
      // Without its record nobody could retire the import: it goes too.
      await store.write((w) => w.removeLabelImport(imported.id));
      throw error;
    }
    return {
      ...base,
      id,
      importId: imported.id,
      listName: source.listName,
      listDate: source.listDate,
      alreadyImported: false,
      labelsRead,
      labelsWritten: summary.labelsWritten,
      labelsDuplicate: summary.labelsDuplicate,
      warnings: source.warnings.map(scrub),
    };
  });
}

async function upload(parameters: UploadTagpackParameters): Promise<UploadTagpackReturnType> {
  const name = parameters.name ?? DEFAULT_TAGPACK_NAME;
  if (!new RegExp(TAGPACK_NAME_PATTERN).test(name))
    throw new UserError(`Invalid TagPack name "${name}"`, {
      code: 'TAGPACK_BAD_NAME',
      details: 'A file name such as lazarus.yaml: letters, digits, ".", "_" and "-", no folders.',
    });
  rejectIncludes(parameters.yaml, name);
  const base: UploadBase = {
    name,
    source: `upload:${name}`,
    sha256: createHash('sha256').update(parameters.yaml, 'utf8').digest('hex'),
    visibility: parameters.visibility ?? 'private',
  };
  return base.visibility === 'public'
    ? uploadPublic(parameters, base)
    : uploadPrivate(parameters, base);
}

/**
 * Imports an uploaded GraphSense TagPack with the file importer (`chaintrail labels import tagpack`):
 * by default as private labels of the uploading organisation (one document; its screening, address
 * pages and label search show them, no other organisation sees them); with `visibility: 'public'`
 * as public labels (one atomic label import, source `upload:<name>`) and a record of the upload in
 * the organisation. Either way the same bytes are never imported twice, a malformed pack is a
 * UserError naming `<name>:<line>` and what is wrong, `!include` is refused, a pack that would create
 * a sanction is a 403, and nothing is written then. When another write holds the store the error is
 * retryable (`STORE_BUSY`).
 *
 * @example
 * const r = await uploadTagpack({ store, yaml: text, name: 'lazarus.yaml', org: 'acme', uploadedBy: key.id });
 * console.log(`${r.labelsWritten} private labels from ${r.listName}`);
 */
export function uploadTagpack(
  parameters: UploadTagpackParameters,
): Promise<UploadTagpackReturnType> {
  return inTagpackQueue(parameters.store, parameters.org, () => upload(parameters));
}
