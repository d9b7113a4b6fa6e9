import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LineCounter, parseDocument, visit } from 'yaml';
import { BaseError, RetryableError, UserError } from '../../errors/base.ts';
import { importTagpack } from '../../labels/import/tagpack.ts';
import type { LabelSource } from '../../labels/importer.ts';
import type { Label, Store, WriteSummary } from '../../store/store.ts';
import { HttpError } from '../errors.ts';

/** Largest TagPack accepted in one upload (the largest public packs are a few MB). */
export const MAX_TAGPACK_BYTES = 20 * 1024 * 1024;
/** Name of an upload that gives none; errors name it as they would name a file. */
export const DEFAULT_TAGPACK_NAME = 'tagpack.yaml';
/** A file name without folders, not starting with a dot (it names the temporary file). */
export const TAGPACK_NAME_PATTERN = '^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$';
/** How long a client should wait before retrying when another write holds the store. */
const STORE_BUSY_RETRY_MS = 2000;

/** Input of {@link uploadTagpack}. */
export type UploadTagpackParameters = {
  store: Store;
  /** The TagPack's text (YAML, or JSON, which is YAML too). */
  yaml: string;
  /** File name the errors and the import record use (default {@link DEFAULT_TAGPACK_NAME}). */
  name?: string | undefined;
};

/** What {@link uploadTagpack} did. */
export type UploadTagpackReturnType = {
  /** The label import (new, or the earlier one of the same bytes). */
  importId: number | null;
  name: string;
  /** The import record's source: `upload:<name>`. */
  source: string;
  listName: string | null;
  listDate: string | null;
  sha256: string;
  /** True when these exact bytes were imported before: nothing was written. */
  alreadyImported: boolean;
  labelsRead: number;
  labelsWritten: number;
  labelsDuplicate: number;
  warnings: string[];
};

/** Uploads of one store run one after another, so two of the same pack cannot both import it. */
const queues = new WeakMap<Store, Promise<unknown>>();

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
    throw new HttpError(
      403,
      `${name}: tag for ${forged.address} makes it a sanction; an uploaded TagPack may not create sanctions`,
      {
        code: 'TAGPACK_SANCTIONS_NOT_ALLOWED',
        details:
          'Sanctions come from the official lists only (`chaintrail labels import ofac-xml`); upload the pack without the sanctioned category, list and programs.',
      },
    );
}

async function upload(parameters: UploadTagpackParameters): Promise<UploadTagpackReturnType> {
  const { store, yaml } = parameters;
  const name = parameters.name ?? DEFAULT_TAGPACK_NAME;
  if (!new RegExp(TAGPACK_NAME_PATTERN).test(name))
    throw new UserError(`Invalid TagPack name "${name}"`, {
      code: 'TAGPACK_BAD_NAME',
      details: 'A file name such as lazarus.yaml: letters, digits, ".", "_" and "-", no folders.',
    });
  rejectIncludes(yaml, name);
  const sha256 = createHash('sha256').update(yaml, 'utf8').digest('hex');
  const base = { name, source: `upload:${name}`, sha256 };
  // Same bytes as an earlier import (an upload, or the same file through the CLI): nothing to do.
  const previous = (await store.listLabelImports()).find((i) => i.sha256 === sha256);
  if (previous)
    return {
      ...base,
      importId: previous.id,
      listName: previous.listName,
      listDate: previous.listDate,
      alreadyImported: true,
      labelsRead: 0,
      labelsWritten: 0,
      labelsDuplicate: 0,
      warnings: [`already imported on ${previous.importedAt.slice(0, 10)} (import ${previous.id})`],
    };

  // The importer reads files (line numbers, actors of a nearby folder): give it one of its own.
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
    let labelsRead = 0;
    let summary: WriteSummary;
    try {
      summary = await store.write(async (writer) => {
        await writer.recordLabelImport({
          format: source.format,
          source: base.source,
          listName: source.listName,
          listDate: source.listDate,
          sha256,
        });
        for await (const batch of source.batches()) {
          labelsRead += batch.length;
          refuseSanctions(batch, name);
          await writer.addLabels(batch);
        }
      });
    } catch (error) {
      if (error instanceof BaseError && error.code === 'STORE_BUSY')
        throw new RetryableError('The store is busy with another write; retry shortly', {
          code: 'STORE_BUSY',
          retryAfterMs: STORE_BUSY_RETRY_MS,
          cause: error,
        });
      throw error;
    }
    const imported = (await store.listLabelImports()).find((i) => i.sha256 === sha256);
    return {
      ...base,
      importId: imported?.id ?? null,
      listName: source.listName,
      listDate: source.listDate,
      alreadyImported: false,
      labelsRead,
      labelsWritten: summary.labelsWritten,
      labelsDuplicate: summary.labelsDuplicate,
      warnings: source.warnings.map(scrub),
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * Imports an uploaded GraphSense TagPack as public labels, as `chaintrail labels import tagpack`
 * would (same importer, one atomic write, the same bytes never imported twice), recorded with
 * source `upload:<name>`. A malformed pack is a UserError naming `<name>:<line>` and what is wrong,
 * and nothing is written; `!include` is refused. When another write holds the store the error is
 * retryable (`STORE_BUSY`).
 *
 * @example
 * const r = await uploadTagpack({ store, yaml: text, name: 'lazarus.yaml' });
 * console.log(`${r.labelsWritten} labels from ${r.listName}`);
 */
export function uploadTagpack(
  parameters: UploadTagpackParameters,
): Promise<UploadTagpackReturnType> {
  const previous = queues.get(parameters.store) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => upload(parameters));
  queues.set(parameters.store, run);
  return run;
}
