import fs from 'node:fs';
import path from 'node:path';
import { knownContracts } from '../../chains/evm/known-contracts.ts';
import { UserError } from '../../errors/base.ts';
import { type Asset, nativeAsset } from '../../model/asset.ts';
import { getChain } from '../../model/chains.ts';
import type { ChainEvent } from '../../model/events.ts';
import { type TokenList, tokenListAssets } from '../../model/token-list.ts';
import type { Transfer } from '../../model/transfer.ts';
import type { Block, Store, StoreWriter } from '../../store/store.ts';
import { readCsv } from '../csv/read-csv.ts';
import { readLines } from '../csv/read-lines.ts';
import { createRejects, type ImportRunOptions, reasonOf } from '../import-session.ts';
import { createEtlFees, type EtlColumns, planEtlFees } from './etl-fees.ts';
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
  /**
   * Symbol and decimals for the tokens of the import that neither a `tokens` export nor earlier
   * imports or syncs describe (the shipped list, `data/reference/`); default none.
   */
  tokenList?: TokenList | undefined;
  onWarning?: (message: string) => void;
};

/** What {@link importEtl} read and stored. */
export type ImportEtlReturnType = {
  files: EtlFile[];
  rows: number;
  blocks: number;
  transfersWritten: number;
  transfersDuplicate: number;
  /** False when the store does not count duplicates (see WriteSummary.duplicatesCounted). */
  duplicatesCounted: boolean;
  eventsWritten: number;
  eventsDuplicate: number;
  /** Gas fee transfers built (tips and burns; stored once, like every transfer). */
  fees: number;
  /** Tokens given metadata by this import: from its `tokens` export, from the token list. */
  tokenMetadata: { fromExport: number; fromTokenList: number };
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

/** Bytes read at a time while looking for an export's first line. */
const PEEK_CHUNK_BYTES = 64 * 1024;
/** A first line longer than this is not looked at (a JSON line holds at most one transaction's input). */
const PEEK_MAX_BYTES = 16 * 1024 * 1024;

/** The first non-empty line of a file, read in chunks (null when there is none within the bound). */
function firstLine(file: string): string | null {
  const fd = fs.openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(PEEK_CHUNK_BYTES);
      const n = fs.readSync(fd, chunk, 0, PEEK_CHUNK_BYTES, null);
      const done = n === 0 || total + n >= PEEK_MAX_BYTES;
      chunks.push(chunk.subarray(0, n));
      total += n;
      // Only a chunk with a line break can complete a line: join the text then, not before.
      if (chunk.subarray(0, n).includes(0x0a) || done) {
        const lines = Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
        const complete = done ? lines : lines.slice(0, -1);
        const line = complete.find((l) => l.trim() !== '');
        if (line !== undefined) return line;
        if (done) return null;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The column names of an export file: its CSV header, or the keys of its first JSON line (null when empty). */
function peekColumns(file: EtlFile): string[] | null {
  const line = firstLine(file.path);
  if (line === null) return null;
  if (file.format === 'csv') return line.split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  try {
    return Object.keys(parseEtlJsonLine(line));
  } catch {
    return null; // The row itself is reported when the file is read.
  }
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
 * transactions (failed ones move no value), gas fees of every transaction (failed ones included)
 * when the exports hold them (see {@link planEtlFees}; else one warning names what is missing),
 * internal transfers from traces, token transfers and typed events (swaps, wraps, THORChain
 * deposits) from logs, block times from blocks, and token metadata from a `tokens` export, else
 * from `tokenList` for tokens that have none stored from the chain or an export.
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
  let fromList: Asset[] = [];
  const txContext = {
    failedTx: (hash: string) => (failed.has(hash) ? true : hasReceipts ? false : undefined),
  };
  const columns: EtlColumns = { blocks: [], transactions: [], receipts: [] };
  for (const file of files) {
    if (file.kind !== 'blocks' && file.kind !== 'transactions' && file.kind !== 'receipts')
      continue;
    const cols = peekColumns(file);
    if (cols) columns[file.kind] = [...columns[file.kind], cols];
  }
  const feePlan = planEtlFees(columns);
  if (feePlan.mode === 'none' && feePlan.missing)
    warn(`no gas fees imported: they need ${feePlan.missing}`);
  const fees = feePlan.mode === 'none' ? null : createEtlFees(chain.key, feePlan.mode);
  let feeCount = 0;
  /** Tokens of the import's transfers, for the token list, and those its tokens export describes. */
  const seenTokens = new Set<string>();
  const exportedTokens = new Set<string>();
  const stored = new Map((await parameters.store.listAssets(chain.key)).map((a) => [a.asset, a]));

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
                case 'blocks': {
                  const { chain: c, number, hash, parentHash, time } = mapBlockRow(row, chain.key);
                  fees?.addBlock(row);
                  blockBatch.push({ chain: c, number, hash, parentHash, time });
                  blocks++;
                  break;
                }
                case 'tokens': {
                  const asset = mapTokenRow(row, chain.key);
                  assets.push(asset);
                  exportedTokens.add(asset.asset);
                  break;
                }
                case 'receipts': {
                  const r = mapReceiptRow(row, chain.key);
                  if (r.status === 0) failed.add(r.txHash);
                  fees?.addReceipt(r);
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
                  const f = fees?.of(row) ?? [];
                  if (t) transfers.push(t);
                  transfers.push(...f);
                  feeCount += f.length;
                  break;
                }
                case 'traces': {
                  const t = mapTraceRow(row, chain.key);
                  if (t) transfers.push(t);
                  break;
                }
                case 'token_transfers': {
                  const t = mapTokenTransferRow(row, chain.key);
                  transfers.push(t);
                  seenTokens.add(t.asset);
                  break;
                }
                case 'logs': {
                  const d = mapLogRow(row, chain.key, decodeContext);
                  if (d.transfer) transfers.push(d.transfer);
                  if (d.transfer?.kind === 'token') seenTokens.add(d.transfer.asset);
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
      // The list fills in only for tokens without metadata from the chain or an export.
      fromList = tokenListAssets({
        chain: chain.key,
        tokens: [...seenTokens].filter((t) => !exportedTokens.has(t)),
        stored,
        list: parameters.tokenList,
      });
      await writer.putAssets([nativeAsset(chain), ...assets, ...fromList]);
    });
    if (fees) {
      const { noBlock, noReceipt, noPrice } = fees.gaps;
      if (noBlock)
        warn(`no gas fees for ${noBlock} transactions whose block is not in the blocks export`);
      if (noReceipt)
        warn(`no gas fees for ${noReceipt} transactions without gas used in the receipts export`);
      if (noPrice) warn(`no gas fees for ${noPrice} transactions without a gas price`);
    }
    return {
      files,
      rows,
      blocks,
      transfersWritten: summary.transfersWritten,
      transfersDuplicate: summary.transfersDuplicate,
      duplicatesCounted: summary.duplicatesCounted !== false,
      eventsWritten: summary.eventsWritten,
      eventsDuplicate: summary.eventsDuplicate,
      fees: feeCount,
      tokenMetadata: { fromExport: assets.length, fromTokenList: fromList.length },
      rejected: rejects.count,
      rejectsPath: rejects.path,
    };
  } finally {
    rejects.close();
  }
}
