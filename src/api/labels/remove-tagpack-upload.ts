import type { Store } from '../../store/store.ts';
import { ConflictError, RefusedError } from '../../errors/base.ts';
import type { Role } from '../auth/roles.ts';
import { notFound } from '../errors.ts';
import { forgetPrivateLabels } from './org-labels.ts';
import { inTagpackQueue } from './tagpack-upload.ts';
import {
  deleteUploadLabels,
  TAGPACK_UPLOAD_KIND,
  type TagpackUpload,
  type TagpackUploadBody,
  tagpackUploadDocument,
  toTagpackUpload,
} from './tagpack-uploads.ts';

/** Input of {@link removeTagpackUpload}. */
export type RemoveTagpackUploadParameters = {
  store: Store;
  /** The organisation of the key asking: only its own uploads are found. */
  org: string;
  /** The role of the key asking: a public upload needs `admin`. */
  role: Role;
  /** The upload's id. */
  id: string;
  /** The API key's id (kept with a retirement). */
  removedBy: string;
};

/** The upload as it was removed (a private one) or as it is now (a retired public one). */
export type RemoveTagpackUploadReturnType = TagpackUpload & {
  /**
   * Labels no longer shown: a private upload's own; a public upload's that left the store (one
   * another import also carries stays, as that import's, and is not counted).
   */
  labelsRemoved: number;
};

async function remove(
  parameters: RemoveTagpackUploadParameters,
): Promise<RemoveTagpackUploadReturnType> {
  const { store, org, id } = parameters;
  const doc = await tagpackUploadDocument(store, org, id);
  if (!doc) throw notFound('TagPack upload', id);
  const body = doc.body as TagpackUploadBody;
  if (body.visibility === 'private') {
    try {
      // Its labels stop counting with this statement; their documents go after.
      await store.deleteDocument(TAGPACK_UPLOAD_KIND, id);
    } finally {
      await forgetPrivateLabels(store, org);
    }
    await deleteUploadLabels(store, id, body.labelChunks);
    return { ...toTagpackUpload(doc), labelsRemoved: body.labelsWritten };
  }
  if (parameters.role !== 'admin')
    throw new RefusedError('Only an admin may retire a public TagPack upload', {
      code: 'TAGPACK_RETIRE_NOT_ALLOWED',
      details: 'An admin of the organisation that published it.',
    });
  if (body.retired)
    throw new ConflictError(`TagPack upload ${id} was retired on ${body.retired.at}`, {
      code: 'TAGPACK_ALREADY_RETIRED',
    });
  // The import goes with its labels, but for those another import carries, which stay as that
  // import's (an import already gone removes nothing, so a retry after a failure below completes
  // the retirement).
  const summary = await store.write((w) => w.removeLabelImport(body.importId!));
  const retired = {
    at: new Date().toISOString(),
    by: parameters.removedBy,
    labelsRemoved: summary.labelsRemoved,
  };
  const stored = await store.putDocument({
    kind: TAGPACK_UPLOAD_KIND,
    id,
    org: doc.org,
    body: { ...body, retired } satisfies TagpackUploadBody,
  });
  return { ...toTagpackUpload(stored), labelsRemoved: summary.labelsRemoved };
}

/**
 * Removes a TagPack upload of `org`. A private upload's document goes, and with it its labels (an
 * investigator may). A public upload is retired (an admin of the organisation that published it
 * may): its label import and every label it holds leave the store, except those another import
 * (another organisation's public upload of the same tags, an official list) also carries, which
 * stay as that import's; its record stays, marked retired. Another organisation's upload is a 404,
 * as a missing one; official lists imported by the operator have no upload and cannot be removed
 * this way. The caller rebuilds the screener after a retirement.
 *
 * @example
 * const removed = await removeTagpackUpload({ store, org: 'acme', role: 'admin', id, removedBy: key.id });
 * removed.retiredAt; // set for a public upload
 */
export function removeTagpackUpload(
  parameters: RemoveTagpackUploadParameters,
): Promise<RemoveTagpackUploadReturnType> {
  return inTagpackQueue(parameters.store, parameters.org, () => remove(parameters));
}
