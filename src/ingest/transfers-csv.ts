import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors/base.ts';
import { canonicalAddressPattern, getAddressCodec } from '../model/address.ts';
import { parseRawAmount, parseUnits, roundUnits } from '../model/amount.ts';
import {
  NATIVE_ASSET,
  nativeAsset,
  type Asset,
  isValueDenominated,
  UNIT_ASSET_PREFIX,
} from '../model/asset.ts';
import { type Chain, getChain } from '../model/chains.ts';
import { parseTimestamp } from '../model/time.ts';
import type { Transfer, TransferKind } from '../model/transfer.ts';
import { normalizeTxHash } from '../model/tx-hash.ts';
import type { Store, StoreWriter, TransfersCsvLoad, WriteSummary } from '../store/store.ts';
import { scanPlainCsv } from './csv/plain-csv.ts';
import { readCsv } from './csv/read-csv.ts';
import { createRejects, type ImportRunOptions, reasonOf } from './import-session.ts';
import { TRANSFER_FIELDS, type TransferField } from './transfer-fields.ts';

export { TRANSFER_FIELDS, type TransferField } from './transfer-fields.ts';

/** Block numbers are stored as unsigned 64-bit integers. */
const MAX_BLOCK_NUMBER = 2n ** 64n - 1n;

/** Decimals used for a reference unit when none are given: enough for the float text of USD-valued lists. */
const DEFAULT_UNIT_DECIMALS = 18;

/** Input of {@link importTransfersCsv}. */
export type ImportTransfersCsvParameters = ImportRunOptions & {
  store: Store;
  files: readonly string[];
  /** Field -> column name, e.g. `{ from: 'From', to: 'To', amount: 'Value_in_USD', tx: 'Tx_hash', block: 'Block' }`. */
  map: Partial<Record<TransferField, string>>;
  /** Chain of every row (default `ethereum`). */
  chain?: string;
  /** Constant asset when the file has no asset column: `native`, a token contract, or a symbol such as `USD`. */
  asset?: string;
  /** Decimals of the asset, to scale `amount` into raw units. */
  decimals?: number;
};

/** What {@link importTransfersCsv} read and stored. */
export type ImportTransfersCsvReturnType = {
  files: string[];
  rows: number;
  written: number;
  duplicates: number;
  /** False when the store does not count duplicates (see WriteSummary.duplicatesCounted). */
  duplicatesCounted: boolean;
  rejected: number;
  rejectsPath: string | null;
  /** Value amounts (`--asset USD`) that had more decimals than the unit and were rounded to it. */
  rounded: number;
};

/**
 * Parses a `--map` text such as `from=From,to=To,amount=Value_in_USD` into a field map.
 *
 * @example
 * parseColumnMap('from=From,to=To'); // { from: 'From', to: 'To' }
 */
export function parseColumnMap(text: string): Partial<Record<TransferField, string>> {
  const map: Partial<Record<TransferField, string>> = {};
  for (const part of text.split(',')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    const field = (eq === -1 ? part : part.slice(0, eq)).trim() as TransferField;
    const column = eq === -1 ? '' : part.slice(eq + 1).trim();
    if (!TRANSFER_FIELDS.includes(field)) {
      throw new UserError(`Unknown field "${field}" in --map`, {
        code: 'BAD_USAGE',
        details: `Fields: ${TRANSFER_FIELDS.join(', ')}.`,
      });
    }
    if (!column) throw new UserError(`--map ${field}= needs a column name`, { code: 'BAD_USAGE' });
    map[field] = column;
  }
  return map;
}

type ConstantAsset = {
  asset: string;
  kind: TransferKind;
  decimals: number | null;
  meta: Asset | null;
};

function resolveConstantAsset(
  chain: Chain,
  asset: string | undefined,
  decimals: number | undefined,
): ConstantAsset {
  const text = asset?.trim();
  if (
    !text ||
    text.toLowerCase() === NATIVE_ASSET ||
    text.toUpperCase() === chain.nativeSymbol.toUpperCase()
  ) {
    return {
      asset: NATIVE_ASSET,
      kind: 'native',
      decimals: decimals ?? chain.nativeDecimals,
      meta: null,
    };
  }
  const codec = getAddressCodec(chain);
  if (codec.isValid(text)) {
    const contract = codec.normalize(text);
    return {
      asset: contract,
      kind: 'token',
      decimals: decimals ?? null,
      meta:
        decimals === undefined
          ? null
          : { chain: chain.key, asset: contract, symbol: null, decimals },
    };
  }
  if (!/^[A-Za-z0-9._-]{1,24}$/.test(text)) {
    throw new UserError(
      `--asset "${text}" is neither native, a ${chain.key} contract address nor a symbol`,
      { code: 'BAD_USAGE' },
    );
  }
  const symbol = text.toUpperCase();
  const d = decimals ?? DEFAULT_UNIT_DECIMALS;
  return {
    asset: `${UNIT_ASSET_PREFIX}${symbol}`,
    kind: 'native',
    decimals: d,
    meta: { chain: chain.key, asset: `${UNIT_ASSET_PREFIX}${symbol}`, symbol, decimals: d },
  };
}

/**
 * Imports any transfers CSV by column mapping, as one atomic write: either every valid row is stored
 * or, on the first bad row (without `skipInvalid`), nothing is. Streams with bounded memory.
 *
 * Rows without a position column get `row:<digest>:<n>`, a digest of tx, from, to, asset and amount,
 * `n` counting identical rows of one transaction, so re-importing the file adds nothing. That count
 * keeps one key per distinct row in memory; map a position column for constant memory.
 *
 * @example
 * await importTransfersCsv({
 *   store, files: ['HB.csv'], asset: 'USD',
 *   map: { from: 'From', to: 'To', amount: 'Value_in_USD', time: 'Timestamp', tx: 'Tx_hash', block: 'Block' },
 * });
 */
export async function importTransfersCsv(
  parameters: ImportTransfersCsvParameters,
): Promise<ImportTransfersCsvReturnType> {
  const { store, map } = parameters;
  const chain = getChain(parameters.chain ?? 'ethereum');
  const codec = getAddressCodec(chain);
  for (const field of ['from', 'to', 'tx', 'block'] as const) {
    if (!map[field])
      throw new UserError(`--map must name the ${field} column (${field}=COLUMN)`, {
        code: 'BAD_USAGE',
      });
  }
  if (!map.amount === !map.raw_amount) {
    throw new UserError(
      '--map must name exactly one of amount= (whole units) or raw_amount= (raw integer units)',
      { code: 'BAD_USAGE' },
    );
  }
  const constant = resolveConstantAsset(chain, parameters.asset, parameters.decimals);
  if (map.amount && !map.asset && constant.decimals === null) {
    throw new UserError(
      `--decimals is needed to convert whole-unit amounts of token ${constant.asset} into raw units`,
      { code: 'BAD_USAGE' },
    );
  }
  if (map.amount && map.asset && parameters.decimals === undefined) {
    throw new UserError(
      'With an asset column, whole-unit amounts need --decimals (or map raw_amount= instead)',
      { code: 'BAD_USAGE' },
    );
  }
  const files = parameters.files.map((f) => path.resolve(f));
  for (const f of files) {
    if (!fs.existsSync(f) || !fs.statSync(f).isFile())
      throw new UserError(`No such file: ${f}`, { code: 'FILE_NOT_FOUND' });
  }
  const totalBytes = files.reduce((sum, f) => sum + fs.statSync(f).size, 0);
  const rejects = createRejects(parameters);
  // Amounts of a reference unit (`--asset USD`) are values, rounded to its decimals (see roundUnits).
  const roundValues = !map.asset && !map.raw_amount && isValueDenominated(constant.asset);
  // The store reads a file itself when it can (see readByStore); rows it cannot vouch for, and any
  // file it cannot read as readCsv does, send the whole import back to the row-by-row path below.
  // Not with --skip-invalid (rejects are listed row by row), nor without a position column (the
  // digest positions count identical rows in order).
  const storeMayRead = !parameters.skipInvalid && map.position !== undefined;
  try {
    let run: ImportRun;
    try {
      run = await importRun(storeMayRead);
    } catch (error) {
      if (!(error instanceof StoreCannotVouch)) throw error;
      run = await importRun(false);
    }
    const { summary } = run;
    return {
      files,
      rows: run.rows,
      written: summary.transfersWritten,
      duplicates: summary.transfersDuplicate,
      duplicatesCounted: summary.duplicatesCounted !== false,
      rejected: rejects.count,
      rejectsPath: rejects.path,
      rounded: run.rounded,
    };
  } finally {
    rejects.close();
  }

  /** One atomic write of every file; `storeReads`: the store may read files itself. */
  async function importRun(storeReads: boolean): Promise<ImportRun> {
    const occurrences = map.position ? null : new Map<string, number>();
    let rounded = 0;
    let rows = 0;
    let doneBytes = 0;
    const summary = await store.write(async (writer) => {
      for (const file of files) {
        const display = path.relative(process.cwd(), file) || file;
        let index: Partial<Record<TransferField, number>> | null = null;
        let width = 0;
        const rowsBefore = rows;
        const rejectedBefore = rejects.count;
        let batch: Transfer[] = [];
        const progress = (bytes: number) =>
          parameters.onProgress?.({
            file: display,
            rows,
            rejected: rejects.count,
            bytesRead: doneBytes + bytes,
            totalBytes,
          });
        if (storeReads && writer.loadTransfersCsv) {
          const header = await readHeader(file);
          if (header === null)
            throw new UserError(`${display}: empty file (no header row)`, { code: 'EMPTY_FILE' });
          const size = fs.statSync(file).size;
          const records = await readByStore(
            writer,
            file,
            resolveHeader(display, header, map),
            header.length,
            (share, total) => {
              rows = rowsBefore + Math.floor(share * total);
              progress(Math.floor(share * size));
            },
          );
          rows = rowsBefore + records;
          progress(size);
          doneBytes += size;
          await writer.recordImport({
            kind: 'transfers-csv',
            source: file,
            rows: records,
            rejected: 0,
            sha256: null,
          });
          continue;
        }
        for await (const records of readCsv({ path: file, onBytes: progress })) {
          for (const record of records) {
            if (index === null) {
              index = resolveHeader(display, record.fields, map);
              width = record.fields.length;
              continue;
            }
            rows++;
            const f = record.fields;
            if (f.length !== width) {
              rejects.reject(
                display,
                record.line,
                `expected ${width} fields, found ${f.length}`,
                f,
              );
              continue;
            }
            let t: Transfer;
            try {
              const from = codec.normalize(f[index.from!]!);
              const to = codec.normalize(f[index.to!]!);
              const txHash = normalizeTxHash(chain, f[index.tx!]!);
              const blockText = f[index.block!]!;
              if (!/^\d{1,20}$/.test(blockText) || BigInt(blockText) > MAX_BLOCK_NUMBER)
                throw new UserError(`Invalid block number "${blockText}"`, {
                  code: 'INVALID_BLOCK',
                });
              const asset =
                index.asset === undefined
                  ? constant.asset
                  : rowAsset(codec.normalize, f[index.asset]!);
              let amount: bigint;
              if (index.raw_amount !== undefined) amount = parseRawAmount(f[index.raw_amount]!);
              else if (roundValues) {
                // A value column (USD at transfer time) printed from floating point: its digits
                // beyond the unit's decimals are float residue, not value.
                const r = roundUnits(f[index.amount!]!, constant.decimals!);
                amount = r.raw;
                if (r.rounded) rounded++;
              } else
                amount = parseUnits(f[index.amount!]!, constant.decimals ?? parameters.decimals!);
              const blockTime =
                index.time === undefined || f[index.time] === ''
                  ? null
                  : parseTimestamp(f[index.time]!);
              let position: string;
              if (index.position !== undefined) {
                position = f[index.position]!.trim();
                if (!position) throw new UserError('Empty position', { code: 'INVALID_POSITION' });
              } else {
                const key = `${txHash}|${from}|${to}|${asset}|${amount}`;
                const n = (occurrences!.get(key) ?? 0) + 1;
                occurrences!.set(key, n);
                position = `row:${createHash('sha256').update(key).digest('hex').slice(0, 16)}:${n}`;
              }
              t = {
                chain: chain.key,
                blockNumber: BigInt(blockText),
                blockTime,
                txHash,
                position,
                from,
                to,
                asset,
                amount,
                kind: rowKind(asset, index.asset === undefined ? constant.kind : 'token'),
              };
            } catch (error) {
              rejects.reject(display, record.line, reasonOf(error), f, error);
              continue;
            }
            batch.push(t);
          }
          // One append per read chunk keeps the batch as small as the read buffer.
          await writer.appendTransfers(batch);
          batch = [];
        }
        if (index === null)
          throw new UserError(`${display}: empty file (no header row)`, { code: 'EMPTY_FILE' });
        doneBytes += fs.statSync(file).size;
        await writer.recordImport({
          kind: 'transfers-csv',
          source: file,
          rows: rows - rowsBefore,
          rejected: rejects.count - rejectedBefore,
          sha256: null,
        });
      }
      await writer.putAssets(
        constant.meta ? [nativeAsset(chain), constant.meta] : [nativeAsset(chain)],
      );
    });
    return { summary, rows, rounded };
  }

  /**
   * Has the store read `file` itself (DuckDB's parallel reader, validated in SQL, the codecs asked
   * once per distinct address not in its canonical form); returns its records. Throws
   * {@link StoreCannotVouch} when the store did not take every record, or cannot read the file as
   * readCsv would: the import then runs again row by row, which finds and reports the first bad row.
   */
  async function readByStore(
    writer: StoreWriter,
    file: string,
    index: Partial<Record<TransferField, number>>,
    width: number,
    /** The share of the file read so far, and its records. */
    onProgress: (share: number, records: number) => void,
  ): Promise<number> {
    const scan = scanPlainCsv(file);
    if (!scan.plain) throw new StoreCannotVouch();
    const load: TransfersCsvLoad = {
      file,
      records: scan.records,
      onProgress: (share) => onProgress(share, scan.records),
      width,
      chain: chain.key,
      columns: {
        from: index.from!,
        to: index.to!,
        tx: index.tx!,
        block: index.block!,
        position: index.position!,
        amount: index.raw_amount ?? index.amount!,
        time: index.time ?? null,
        asset: index.asset ?? null,
      },
      decimals: index.raw_amount !== undefined ? 0 : (constant.decimals ?? parameters.decimals!),
      asset: constant.asset,
      kind: constant.kind,
      // As normalizeTxHash writes them.
      txHashPrefix: chain.family === 'evm' ? '0x' : '',
      canonicalAddress: canonicalAddressPattern(chain),
      normalizeAddress: (text) => (codec.isValid(text) ? codec.normalize(text) : null),
      normalizeAsset: (text) => {
        let asset: string;
        try {
          asset = rowAsset(codec.normalize, text);
        } catch (error) {
          if (error instanceof UserError) return null;
          throw error;
        }
        return { asset, kind: rowKind(asset, 'token') };
      },
    };
    let loaded;
    try {
      loaded = await writer.loadTransfersCsv!(load);
    } catch (error) {
      throw new StoreCannotVouch(error);
    }
    if (!loaded.taken) throw new StoreCannotVouch();
    return loaded.records;
  }
}

/** What one run of the import's write stored, and what it read. */
type ImportRun = { summary: WriteSummary; rows: number; rounded: number };

/** The store did not take a file (see readByStore): the import runs again, row by row. */
class StoreCannotVouch extends Error {
  constructor(cause?: unknown) {
    super('the store cannot vouch for every row of the file', { cause });
  }
}

/** The header record of `file`, or null when the file has none. */
async function readHeader(file: string): Promise<string[] | null> {
  for await (const records of readCsv({ path: file })) return records[0]?.fields ?? null;
  return null;
}

/** A transfer's kind: of the native coin (or a unit of value) by its asset, else `otherwise`. */
function rowKind(asset: string, otherwise: TransferKind): TransferKind {
  return asset === NATIVE_ASSET || asset.startsWith(UNIT_ASSET_PREFIX) ? 'native' : otherwise;
}

function rowAsset(normalize: (a: string) => string, text: string): string {
  const t = text.trim();
  return t === '' || t.toLowerCase() === NATIVE_ASSET ? NATIVE_ASSET : normalize(t);
}

function resolveHeader(
  file: string,
  header: readonly string[],
  map: Partial<Record<TransferField, string>>,
): Partial<Record<TransferField, number>> {
  const index: Partial<Record<TransferField, number>> = {};
  const trimmed = header.map((h) => h.trim());
  for (const [field, column] of Object.entries(map) as [TransferField, string][]) {
    const i = trimmed.indexOf(column);
    if (i === -1) {
      throw new UserError(`${file}:1: no column "${column}" (mapped to ${field})`, {
        code: 'MISSING_COLUMN',
        details: `Columns in the file: ${trimmed.join(', ')}`,
      });
    }
    index[field] = i;
  }
  return index;
}
