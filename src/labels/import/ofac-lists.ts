import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../errors/base.ts';
import type { Label } from '../../store/store.ts';
import type { LabelImportOptions, LabelSource } from '../importer.ts';
import { CONFIDENCE } from '../taxonomy.ts';
import { OFAC_SANCTIONS_LIST_URL, OFAC_SDN_LIST, resolveOfacAddress } from './ofac-assets.ts';
import { parseListDate } from './list-date.ts';
import { assertInput } from './read-input.ts';

/** `sanctioned_addresses_<ASSET>.txt`, the per-asset files of 0xB10C's extraction tool. */
const LIST_FILE = /^sanctioned_addresses_([A-Za-z0-9]+)\.txt$/;

/**
 * Reads a folder of per-asset OFAC address lists, `sanctioned_addresses_<ASSET>.txt` with one address
 * per line in its original case: the format of 0xB10C/ofac-sanctioned-digital-currency-addresses (and
 * its brave-intl fork), extracted nightly from the SDN list.
 *
 * The files name neither the entity nor the list's date, so labels have no entity and the date must
 * be given (`listDate`, the SDN list's publication date). The lists are complete, so the import
 * closes labels of addresses the SDN list no longer has. An address that cannot be read is skipped
 * with a warning naming file and line: the rest of an official list is still worth having.
 *
 * @example
 * const source = await importOfacLists('lists/', { listDate: '2025-11-19' });
 */
export async function importOfacLists(
  folder: string,
  options: LabelImportOptions,
): Promise<LabelSource> {
  assertInput(folder, 'folder');
  if (options.listDate === undefined)
    throw new UserError('ofac-lists needs --list-date YYYY-MM-DD: the lists carry no date', {
      code: 'BAD_USAGE',
    });
  const listDate = parseListDate(options.listDate);
  const files = fs
    .readdirSync(folder)
    .map((name) => ({ name, asset: LIST_FILE.exec(name)?.[1]?.toUpperCase() }))
    .filter((f): f is { name: string; asset: string } => f.asset !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
  if (files.length === 0)
    throw new UserError(`${folder}: no sanctioned_addresses_<ASSET>.txt files`, {
      code: 'FILE_NOT_FOUND',
    });
  const totalBytes = files.reduce((sum, f) => sum + fs.statSync(path.join(folder, f.name)).size, 0);
  const warnings: string[] = [];
  return {
    format: 'ofac-lists',
    listName: OFAC_SDN_LIST,
    listDate,
    closes: OFAC_SDN_LIST,
    warnings,
    async *batches() {
      let bytesRead = 0;
      for (const f of files) {
        const file = path.join(folder, f.name);
        const display = path.relative(process.cwd(), file) || file;
        // One asset's list is at most a few thousand lines (517 XBT addresses in November 2025).
        const text = fs.readFileSync(file, 'utf8');
        const batch: Label[] = [];
        text.split('\n').forEach((raw, i) => {
          const line = raw.trim();
          if (line === '') return;
          const resolved = resolveOfacAddress(f.asset, line);
          if (resolved.chain === null) {
            warnings.push(`${display}:${i + 1}: skipped: ${resolved.reason}`);
            return;
          }
          if (resolved.warning) warnings.push(`${display}:${i + 1}: ${resolved.warning}`);
          batch.push({
            chain: resolved.chain,
            address: resolved.address,
            entity: options.entity ?? null,
            category: 'sanctioned',
            source: options.source ?? OFAC_SANCTIONS_LIST_URL,
            confidence: options.confidence ?? CONFIDENCE.authority_data,
            sanctionList: OFAC_SDN_LIST,
            programs: [],
            validFrom: null,
            validTo: null,
          });
        });
        bytesRead += Buffer.byteLength(text);
        options.onProgress?.(bytesRead, totalBytes);
        if (batch.length > 0) yield batch;
      }
    },
  };
}
