import { describeOnClickHouseReleases } from '../../../test/helpers/clickhouse-releases.ts';
import { createHash } from 'node:crypto';
import { bech32 } from '@scure/base';
import { describe, expect, it } from 'vitest';
import type { Label, Store } from '../store.ts';
import { STATEMENT_LIST_CHARS } from './quote.ts';

/** Labels written and read in one list: their addresses, quoted, are longer than one statement. */
const MANY = 6_000;

/**
 * P2WSH addresses (62 characters, the longest Bitcoin form): valid encodings of seeded hashes no
 * one holds a key for (as test/helpers/random-addresses.ts makes), not real addresses.
 */
function p2wshAddresses(seed: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    bech32.encode('bc', [
      0,
      ...bech32.toWords(createHash('sha256').update(`${seed}:${i}`).digest()),
    ]),
  );
}

function describeLongLists(name: string, open: () => Promise<Store>) {
  it(`${name}: labels ${MANY.toLocaleString('en-US')} addresses in one write and again, each once, their list split to fit a statement`, async () => {
    const store = await open();
    try {
      const addresses = p2wshAddresses('ch-long-lists', MANY);
      expect(addresses[0]).toHaveLength(62);
      // Quoted and separated, as an `IN (…)` list: past what one statement may hold.
      expect(MANY * 66).toBeGreaterThan(STATEMENT_LIST_CHARS * 1.5);
      const labels: Label[] = addresses.map((address) => ({
        chain: 'bitcoin',
        address,
        entity: 'Constructed',
        category: 'exchange',
        source: 'test',
        confidence: 50,
      }));
      const list = (sha: string) =>
        store.write(async (w) => {
          await w.recordLabelImport({
            format: 'csv',
            source: `${sha}.csv`,
            listName: null,
            listDate: null,
            sha256: sha.repeat(64),
          });
          await w.addLabels(labels);
        });
      expect(await list('a')).toMatchObject({ labelsWritten: MANY, labelsDuplicate: 0 });
      expect(await list('b')).toMatchObject({ labelsWritten: 0, labelsDuplicate: MANY });
      expect((await store.listLabelImports()).map((i) => i.labels)).toEqual([MANY, 0]);
      // The second list carries every label: removing the first hands them all over.
      expect(await store.write(async (w) => w.removeLabelImport(1))).toMatchObject({
        labelsRemoved: 0,
      });
      expect((await store.listLabels({ chain: 'bitcoin', open: true })).length).toBe(MANY);
      expect((await store.getClusters('bitcoin', addresses)).size).toBe(0);
    } finally {
      await store.close();
    }
  }, 120_000);
}

describe('ClickHouse store: labels of long address lists', () => {
  describeOnClickHouseReleases('ch_labels', (release, open) =>
    describeLongLists(`on ${release}`, open),
  );
});
