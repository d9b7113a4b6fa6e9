import fs from 'node:fs';
import path from 'node:path';
import { knownContracts } from '../../chains/evm/known-contracts.ts';
import { UserError } from '../../errors/base.ts';
import { type Asset, nativeAsset } from '../../model/asset.ts';
import { getChain } from '../../model/chains.ts';
import type { ChainEvent } from '../../model/events.ts';
import type { Transfer } from '../../model/transfer.ts';
import type { Block, Store, StoreWriter } from '../../store/store.ts';
import { readCsv } from '../csv/read-csv.ts';
import { readLines } from '../csv/read-lines.ts';
import { createRejects, type ImportRunOptions, reasonOf } from '../import-session.ts';
import {
  type EtlRow,
  mapBlockRow,
  mapLogRow,
  mapReceiptRow,
  mapTokenRow,
  mapTokenTransferRow,
  mapTraceRow,
  mapTransactionRow,
  parseEtlJsonLine,
} from './map-rows.ts';

/** Rows buffered before each append to the store. */
const APPEND_BATCH_ROWS = 16_384;

/**
 * ethereum-etl export kinds, in import order: blocks first (their times fill transfers that carry
 * none), receipts before transactions (failed transactions move no value).
 */
export const ETL_KINDS = [
  'blocks',
  'tokens',
  'receipts',
  'transactions',
  'traces',
  'token_transfers',
  'logs',
] as const;
/** An ethereum-etl export chaintrail reads. */
export type EtlKind = (typeof ETL_KINDS)[number];

/** Export kinds chaintrail reads nothing from. */
const IGNORED_KINDS = ['contracts', 'geth_traces'];

/** One export file found by {@link importEtl}, with its kind and format. */
export type EtlFile = { path: string; kind: EtlKind; format: 'csv' | 'json' };

/** Input of {@link importEtl}. */
export type ImportEtlParameters = ImportRunOptions & {
  store: Store;
  /** Export directories (searched recursively) or files. */
  paths: readonly string[];
  chain?: string | undefined;
  onWarning?: (message: string) => void;
};

/** What {@link importEtl} read and stored. */
export type ImportEtlReturnType = {
  files: EtlFile[];
  rows: number;
  blocks: number;
  transfersWritten: number;
  transfersDuplicate: number;
  eventsWritten: number;
  eventsDuplicate: number;
  rejected: number;
  rejectsPath: string | null;
};

/**
 * What an ethereum-etl file holds, from its name: `blocks.csv`, `expected_token_transfers.json`,
 * `logs_00000000_00099999.csv`, or any file under a folder named after the kind.
 *
 * @example
 * classifyEtlFile('out/token_transfers.csv'); // { kind: 'token_transfers', format: 'csv' }
 */
export function classifyEtlFile(
  file: string,
): { kind: EtlKind | null; format: 'csv' | 'json' } | null {
  const ext = path.extname(file).toLowerCase();
  const format = ext === '.csv' ? 'csv' : ext === '.json' || ext === '.jsonl' ? 'json' : null;
  if (!format) return null;
  const base = path
    .basename(file, ext)
    .toLowerCase()
    .replace(/^expected_/, '');
  const parent = path.basename(path.dirname(file)).toLowerCase();
  const match = (kind: string) =>
    base === kind || base.startsWith(`${kind}_`) || base.endsWith(`_${kind}`) || parent === kind;
  // token_transfers before transactions/traces: the longer name must win.
  for (const kind of [
    'token_transfers',
    'tokens',
    'transactions',
    'receipts',
    'traces',
    'blocks',
    'logs',
  ] as const) {
    if (match(kind)) return { kind, format };
  }
  if (IGNORED_KINDS.some(match)) return { kind: null, format };
  return null;
}

function discover(paths: readonly string[], warn: (m: string) => void): EtlFile[] {
  const found: EtlFile[] = [];
  const visit = (p: string, explicit: boolean) => {
    if (!fs.existsSync(p))
      throw new UserError(`No such file or directory: ${p}`, { code: 'FILE_NOT_FOUND' });
    if (fs.statSync(p).isDirectory()) {
      for (const entry of fs.readdirSync(p).sort()) visit(path.join(p, entry), false);
      return;
    }
    const c = classifyEtlFile(p);
    if (c?.kind) found.push({ path: p, kind: c.kind, format: c.format });
    else if (explicit && !c) {
      throw new UserError(`Cannot tell which ethereum-etl export ${p} is`, {
        code: 'UNKNOWN_ETL_FILE',
        details: `Name files after their export: ${ETL_KINDS.join(', ')} (.csv or .json lines).`,
      });
    } else if (c && !c.kind) warn(`skipping ${p}: chaintrail does not import this export kind`);
  };
  for (const p of paths) visit(path.resolve(p), true);
  if (found.length === 0) {
    throw new UserError(`No ethereum-etl exports found in ${paths.join(', ')}`, {
      code: 'NO_INPUT',
      details: `Expected files named after their export: ${ETL_KINDS.join(', ')} (.csv or .json lines).`,
    });
  }
  return found.sort(
    (a, b) => ETL_KINDS.indexOf(a.kind) - ETL_KINDS.indexOf(b.kind) || a.path.localeCompare(b.path),
  );
}

/** Rows of one export file as objects, with the 1-based line each starts on. */
async function* readRows(
  file: EtlFile,
  onBytes: (n: number) => void,
): AsyncGenerator<{ row: EtlRow | null; line: number; raw: string[]; error?: unknown }[]> {
  let header: string[] | null = null;
  if (file.format === 'csv') {
    for await (const records of readCsv({ path: file.path, onBytes })) {
      const out: { row: EtlRow | null; line: number; raw: string[]; error?: unknown }[] = [];
      for (const r of records) {
        if (header === null) {
          header = r.fields.map((h) => h.trim());
          continue;
        }
        if (r.fields.length !== header.length) {
          out.push({
            row: null,
            line: r.line,
            raw: r.fields,
            error: new UserError(`expected ${header.length} fields, found ${r.fields.length}`, {
              code: 'INVALID_ROW',
            }),
          });
          continue;
        }
        const row: Record<string, string> = {};
        for (let i = 0; i < header.length; i++) row[header[i]!] = r.fields[i]!;
        out.push({ row, line: r.line, raw: r.fields });
      }
      if (out.length) yield out;
    }
    return;
  }
  for await (const lines of readLines({ path: file.path, onBytes })) {
    yield lines.map(({ text, line }) => {
      try {
        return { row: parseEtlJsonLine(text), line, raw: [text] };
      } catch (error) {
        return { row: null, line, raw: [text], error };
      }
    });
  }
}

/**
 * Imports ethereum-etl exports (CSV or JSON lines) as one atomic write: native transfers from
 * transactions (failed ones move no value), internal transfers from traces, token transfers and
 * typed events (swaps, wraps, THORChain deposits) from logs, and block times from blocks.
 *
 * @example
 * const result = await importEtl({ store, paths: ['./export'] });
 * console.log(result.transfersWritten);
 */
export async function importEtl(parameters: ImportEtlParameters): Promise<ImportEtlReturnType> {
  const chain = getChain(parameters.chain ?? 'ethereum');
  if (chain.family !== 'evm')
    throw new UserError(`ethereum-etl exports are EVM data; ${chain.key} is not an EVM chain`, {
      code: 'BAD_USAGE',
    });
  const warn = parameters.onWarning ?? (() => undefined);
  const files = discover(parameters.paths, warn);
  const totalBytes = files.reduce((s, f) => s + fs.statSync(f.path).size, 0);
  const rejects = createRejects(parameters);
  const decodeContext = knownContracts(chain.key);
  const failed = new Set<string>();
  const hasReceipts = files.some((f) => f.kind === 'receipts');
  let warnedNoStatus = false;
  let rows = 0;
  let blocks = 0;
  let doneBytes = 0;
  const assets: Asset[] = [];
  const txContext = {
    failedTx: (hash: string) => (failed.has(hash) ? true : hasReceipts ? false : undefined),
  };

  try {
    const summary = await parameters.store.write(async (writer: StoreWriter) => {
      let transfers: Transfer[] = [];
      let events: ChainEvent[] = [];
      let blockBatch: Block[] = [];
      const flush = async (force: boolean) => {
        if (force || transfers.length >= APPEND_BATCH_ROWS) {
          await writer.appendTransfers(transfers);
          transfers = [];
        }
        if (force || events.length >= APPEND_BATCH_ROWS) {
          await writer.appendEvents(events);
          events = [];
        }
        if (force || blockBatch.length >= APPEND_BATCH_ROWS) {
          await writer.putBlocks(blockBatch);
          blockBatch = [];
        }
      };
      for (const file of files) {
        const display = path.relative(process.cwd(), file.path) || file.path;
        const onBytes = (n: number) =>
          parameters.onProgress?.({
            file: display,
            rows,
            rejected: rejects.count,
            bytesRead: doneBytes + n,
            totalBytes,
          });
        let fileRows = 0;
        const rejectedBefore = rejects.count;
        for await (const batch of readRows(file, onBytes)) {
          for (const { row, line, raw, error } of batch) {
            rows++;
            fileRows++;
            if (row === null) {
              rejects.reject(display, line, reasonOf(error), raw, error);
              continue;
            }
            try {
              switch (file.kind) {
                case 'blocks':
                  blockBatch.push(mapBlockRow(row, chain.key));
                  blocks++;
                  break;
                case 'tokens':
                  assets.push(mapTokenRow(row, chain.key));
                  break;
                case 'receipts': {
                  const r = mapReceiptRow(row, chain.key);
                  if (r.status === 0) failed.add(r.txHash);
                  break;
                }
                case 'transactions': {
                  if (
                    !hasReceipts &&
                    !warnedNoStatus &&
                    (row.receipt_status === undefined || row.receipt_status === '')
                  ) {
                    warnedNoStatus = true;
                    warn(
                      `${display} has no receipt status and no receipts export was given: failed transactions cannot be told apart and count as successful`,
                    );
                  }
                  const t = mapTransactionRow(row, chain.key, txContext);
                  if (t) transfers.push(t);
                  break;
                }
                case 'traces': {
                  const t = mapTraceRow(row, chain.key);
                  if (t) transfers.push(t);
                  break;
                }
                case 'token_transfers':
                  transfers.push(mapTokenTransferRow(row, chain.key));
                  break;
                case 'logs': {
                  const d = mapLogRow(row, chain.key, decodeContext);
                  if (d.transfer) transfers.push(d.transfer);
                  if (d.event) events.push(d.event);
                  break;
                }
              }
            } catch (e) {
              rejects.reject(display, line, reasonOf(e), raw, e);
            }
          }
          await flush(false);
        }
        doneBytes += fs.statSync(file.path).size;
        await writer.recordImport({
          kind: `etl-${file.kind}`,
          source: file.path,
          rows: fileRows,
          rejected: rejects.count - rejectedBefore,
          sha256: null,
        });
      }
      await flush(true);
      await writer.putAssets([nativeAsset(chain), ...assets]);
    });
    return {
      files,
      rows,
      blocks,
      transfersWritten: summary.transfersWritten,
      transfersDuplicate: summary.transfersDuplicate,
      eventsWritten: summary.eventsWritten,
      eventsDuplicate: summary.eventsDuplicate,
      rejected: rejects.count,
      rejectsPath: rejects.path,
    };
  } finally {
    rejects.close();
  }
}
