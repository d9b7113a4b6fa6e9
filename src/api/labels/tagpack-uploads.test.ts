import { describe, expect, it } from 'vitest';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import {
  deleteUploadLabels,
  LABELS_PER_CHUNK,
  privateUploadLabels,
  putUploadLabels,
  TAGPACK_UPLOAD_KIND,
  type TagpackUploadBody,
  type UploadedLabel,
} from './tagpack-uploads.ts';

// Bybit's reserve wallet (GraphSense's exchange-wallets-bybit pack); the entity numbers the labels.
const BYBIT = '0x1db92e2eebc8e0c075a02bea49a2935bcd2dfcf4';
const UPLOAD = '4a1d6f0e-9a9b-4c55-9e0f-2f3c1a9d7b10';

const label = (i: number): UploadedLabel => ({
  chain: 'ethereum',
  address: BYBIT,
  entity: `entity ${i}`,
  category: 'exchange',
  actor: i % 2 === 0 ? 'bybit' : null,
  country: null,
  source: 'https://blog.bybit.com/',
  confidence: 50,
  validFrom: null,
  validTo: i === 0 ? '2024-01-31' : null,
});

const uploadBody = (labelChunks: number): TagpackUploadBody => ({
  visibility: 'private',
  name: 'bybit.yaml',
  title: 'Bybit reserve wallets',
  listDate: null,
  sha256: 'a'.repeat(64),
  uploadedBy: 'key-1',
  labelsRead: 0,
  labelsWritten: 0,
  importId: null,
  retired: null,
  labelChunks,
});

describe('private upload labels', () => {
  const ctx = useTempStore();

  it('stores a large upload in documents of bounded size that count only with the upload, in order', async () => {
    const labels = Array.from({ length: 2 * LABELS_PER_CHUNK + 7 }, (_, i) => label(i));
    const chunks = await putUploadLabels(ctx.store, 'acme', UPLOAD, labels);
    expect(chunks).toBe(3);
    // Without the upload's own document nothing reads them (a write cut short).
    expect(await privateUploadLabels(ctx.store, 'acme')).toEqual([]);

    await ctx.store.putDocument({
      kind: TAGPACK_UPLOAD_KIND,
      id: UPLOAD,
      org: 'acme',
      body: uploadBody(chunks),
    });
    const [found, ...more] = await privateUploadLabels(ctx.store, 'acme');
    expect(more).toEqual([]);
    expect(found!.upload.id).toBe(UPLOAD);
    expect(found!.labels).toEqual(labels);
    expect(await privateUploadLabels(ctx.store, 'globex')).toEqual([]);

    await ctx.store.deleteDocument(TAGPACK_UPLOAD_KIND, UPLOAD);
    await deleteUploadLabels(ctx.store, UPLOAD, chunks);
    expect(await ctx.store.listDocuments({ kind: 'tagpack_upload_labels' })).toEqual([]);
  });
});
