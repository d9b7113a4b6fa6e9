import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import type { Label } from '../store.ts';

/** Labels in one write: failed with "Out of Memory" under the default 32 MB write budget before labels were counted in the merge budget. */
const LABELS = 100_000;

describe('DuckDB store: large label writes', () => {
  const ctx = useTempStore();

  it('writes 100,000 labels in one write under the default memory limits', async () => {
    // Synthetic addresses (SHA-256 of a counter): no claim is made about them.
    const labels: Label[] = [];
    for (let i = 0; i < LABELS; i++)
      labels.push({
        chain: 'ethereum',
        address: `0x${createHash('sha256').update(`label-write-memory-${i}`).digest('hex').slice(0, 40)}`,
        entity: 'synthetic',
        category: 'other',
        source: 'test',
        confidence: 5,
      });
    const summary = await ctx.store.write((w) => w.addLabels(labels));
    expect(summary).toMatchObject({ labelsWritten: LABELS, labelsDuplicate: 0 });
    expect((await ctx.store.listLabels({ category: 'other' })).length).toBe(LABELS);
  });
});
