import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse';
import { UserError } from '../../errors/base.ts';
import { getChain } from '../../model/chains.ts';
import type { Label } from '../../store/store.ts';
import type { LabelImportOptions, LabelSource } from '../importer.ts';
import { CONFIDENCE } from '../taxonomy.ts';
import { parseListDate } from './list-date.ts';
import { OFAC_SDN_LIST, resolveOfacAddress } from './ofac-assets.ts';
import { ofacProfileSource } from './ofac-xml.ts';
import { assertInput } from './read-input.ts';

/** SDN.CSV columns: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks. */
const SDN_COLUMNS = 12;
const COLUMN = { id: 0, name: 1, programs: 3, remarks: 11 } as const;
/** OFAC's null marker in the legacy delimited files. */
const NULL_MARKER = '-0-';
/** The DOS end-of-file character OFAC still appends as the last line. */
const DOS_EOF = '\u001a';
/** Programs in one cell: `SDGT] [SYRIA`. */
const PROGRAM_SEPARATOR = '] [';
/** `Digital Currency Address - XBT 1abc…` followed by `;`, `.`, a space or the end of the (maybe cut) remarks. */
const ADDRESS_MENTION = /Digital Currency Address - ([A-Za-z0-9]+) ([^\s;.]+)([;.\s]|$)/g;

/** Why SDN.CSV is incomplete (SOURCES.md §1 of the shared data measured it). */
const TRUNCATION_WARNING =
  'SDN.CSV truncates long Remarks (the rest is in SDN_COMMENTS.CSV, not read here), so addresses of ' +
  'long entries are missed: import the official sdn_advanced.xml (ofac-xml) for the complete list. ' +
  'This import closes no delisted labels.';

function cell(value: string | undefined): string | null {
  const v = (value ?? '').trim();
  return v === '' || v === NULL_MARKER ? null : v;
}

/**
 * Reads OFAC's legacy SDN.CSV (12 columns, no header, `-0- ` for null): every
 * `Digital Currency Address - <ASSET> <address>` mention in the Remarks column becomes a `sanctioned`
 * label like {@link importOfacXml}'s, with the SDN name as entity and the Program column's programs.
 *
 * The file truncates long Remarks, so it misses addresses (in a May 2024 copy, 106 of Hydra Market's
 * 117): a warning says so, rows whose remarks were cut are counted, and the list is treated as
 * incomplete (`closes: null`). A cut address at the end of a remark is skipped unless its chain's
 * codec proves it whole. The file has no date; `listDate` may give it.
 *
 * @example
 * const source = await importOfacCsv('sdn.csv', { listDate: '2024-05-03' });
 */
export async function importOfacCsv(
  file: string,
  options: LabelImportOptions,
): Promise<LabelSource> {
  const totalBytes = assertInput(file);
  const display = path.relative(process.cwd(), file) || file;
  const warnings: string[] = [TRUNCATION_WARNING];
  return {
    format: 'ofac-csv',
    listName: OFAC_SDN_LIST,
    listDate: options.listDate === undefined ? null : parseListDate(options.listDate),
    closes: null,
    warnings,
    async *batches() {
      const input = fs.createReadStream(file);
      input.on('data', () => options.onProgress?.(input.bytesRead, totalBytes));
      const parser = input.pipe(
        parse({ info: true, relax_column_count: true, skip_empty_lines: true, bom: true }),
      );
      input.on('error', (error) => parser.destroy(error));
      let cut = 0;
      const cutExamples: string[] = [];
      try {
        for await (const row of parser as AsyncIterable<{
          record: string[];
          info: { lines: number };
        }>) {
          const { record, info } = row;
          const where = `${display}:${info.lines}`;
          if (record.length === 1 && record[0]!.trim() === DOS_EOF) continue;
          if (record.length !== SDN_COLUMNS)
            throw new UserError(
              `${where}: expected ${SDN_COLUMNS} columns (SDN.CSV), found ${record.length}`,
              { code: 'OFAC_CSV_INVALID', details: 'Nothing was imported.' },
            );
          const remarks = cell(record[COLUMN.remarks]);
          if (remarks === null || !remarks.includes('Digital Currency Address')) continue;
          const id = cell(record[COLUMN.id]);
          if (id === null || !/^\d+$/.test(id))
            throw new UserError(`${where}: ent_num "${record[COLUMN.id]}" is not a number`, {
              code: 'OFAC_CSV_INVALID',
              details: 'Nothing was imported.',
            });
          const name = cell(record[COLUMN.name]);
          const truncated = !remarks.endsWith('.');
          if (truncated) {
            cut++;
            if (cutExamples.length < 3) cutExamples.push(name ?? id);
          }
          const programs = (cell(record[COLUMN.programs]) ?? '')
            .split(PROGRAM_SEPARATOR)
            .map((p) => p.trim())
            .filter(Boolean)
            .sort();
          const batch: Label[] = [];
          for (const m of remarks.matchAll(ADDRESS_MENTION)) {
            const [, asset, address, end] = m as unknown as [string, string, string, string];
            const resolved = resolveOfacAddress(asset, address);
            // A mention ending the cut remarks may itself be cut: keep it only if a codec proves it whole.
            if (
              end === '' &&
              truncated &&
              (resolved.chain === null ||
                resolved.warning !== null ||
                !isCheckedChain(resolved.chain))
            ) {
              warnings.push(
                `${where}: ${name ?? id}: skipped ${asset} address "${address}", cut short by the truncated Remarks`,
              );
              continue;
            }
            if (resolved.chain === null) {
              warnings.push(`${where}: ${name ?? id}: skipped: ${resolved.reason}`);
              continue;
            }
            if (resolved.warning) warnings.push(`${where}: ${name ?? id}: ${resolved.warning}`);
            batch.push({
              chain: resolved.chain,
              address: resolved.address,
              entity: name,
              category: 'sanctioned',
              source: ofacProfileSource(id),
              confidence: options.confidence ?? CONFIDENCE.authority_data,
              sanctionList: OFAC_SDN_LIST,
              programs,
              validFrom: null,
              validTo: null,
            });
          }
          if (batch.length > 0) yield batch;
        }
      } catch (error) {
        if (error instanceof UserError) throw error;
        // csv-parse's CsvError carries the line it stopped at.
        const line = (error as { lines?: unknown }).lines;
        throw new UserError(
          `${display}${typeof line === 'number' ? `:${line}` : ''}: malformed CSV: ${error instanceof Error ? error.message : String(error)}`,
          { code: 'OFAC_CSV_INVALID', details: 'Nothing was imported.', cause: error },
        );
      } finally {
        input.destroy();
      }
      if (cut > 0)
        warnings.push(
          `${cut} entries with addresses have cut Remarks (no final period), e.g. ${cutExamples.join(', ')}`,
        );
    },
  };
}

/** Chains with a codec (checksums, fixed lengths), so a valid address there cannot be a cut one. */
function isCheckedChain(chain: string): boolean {
  return getChain(chain).family !== 'other';
}
