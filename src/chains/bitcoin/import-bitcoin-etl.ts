import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../errors/base.ts';
import { readLines } from '../../ingest/csv/read-lines.ts';
import { createRejects, type ImportRunOptions, reasonOf } from '../../ingest/import-session.ts';
import { parseEtlJsonLine } from '../../ingest/etl/map-rows.ts';
import { getAddressCodec } from '../../model/address.ts';
import { nativeAsset } from '../../model/asset.ts';
import { getChain } from '../../model/chains.ts';
import type { ChainEvent } from '../../model/events.ts';
import type { Transfer } from '../../model/transfer.ts';
import type { Block, Store, StoreWriter } from '../../store/store.ts';
import { transactionRows } from './decode-block.ts';
import { bitcoinNetworkOf } from './networks.ts';
import type { BitcoinInput, BitcoinTransaction } from './types.ts';

/** Rows buffered before each append to the store. */
const APPEND_BATCH_ROWS = 16_384;
const HASH = /^[0-9a-f]{64}$/;
const SCRIPT_HEX = /^(?:[0-9a-f]{2})*$/;

/** Input of {@link importBitcoinEtl}. */
export type ImportBitcoinEtlParameters = ImportRunOptions & {
  store: Store;
  /** bitcoin-etl's `blocks` export (JSON lines). */
  blocksPath: string;
  /** bitcoin-etl's `transactions` export (JSON lines, inputs and outputs nested). */
  transactionsPath: string;
  /** A Bitcoin chain (default `bitcoin`). */
  chain?: string | undefined;
};

/** What {@link importBitcoinEtl} read and stored. */
export type ImportBitcoinEtlReturnType = {
  chain: string;
  blocks: number;
  transactions: number;
  transfersWritten: number;
  transfersDuplicate: number;
  eventsWritten: number;
  eventsDuplicate: number;
  /** Inputs whose value or address the export lacked, taken from outputs already stored. */
  inputsFromStore: number;
  rejected: number;
  rejectsPath: string | null;
};

/** A row that is not what bitcoin-etl writes; `column` names the field. */
function invalid(column: string, reason: string): UserError {
  return new UserError(`${column}: ${reason}`, { code: 'ETL_INVALID_ROW' });
}

function hashOf(row: Record<string, unknown>, column: string): string {
  const v = row[column];
  if (typeof v !== 'string' || !HASH.test(v))
    throw invalid(column, 'expected 64 lowercase hex digits');
  return v;
}

function wholeOf(value: unknown, column: string): bigint {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d+$/.test(text))
    throw invalid(column, `expected a whole non-negative number, got ${JSON.stringify(value)}`);
  return BigInt(text);
}

function listOf(row: Record<string, unknown>, column: string): Record<string, unknown>[] {
  const v = row[column];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'object' || x === null))
    throw invalid(column, 'expected a list of objects');
  return v as Record<string, unknown>[];
}

/** A block row: number, hash and time (bitcoin-etl's blocks export names no parent). */
function blockOf(row: Record<string, unknown>, chain: string): Block {
  return {
    chain,
    number: wholeOf(row.number, 'number'),
    hash: hashOf(row, 'hash'),
    parentHash: null,
    time: Number(wholeOf(row.timestamp, 'timestamp')),
  };
}

/** A transaction row, its inputs valued from the row (or left open when the row has no value). */
function transactionOf(
  row: Record<string, unknown>,
  normalize: (address: string) => string,
): { tx: BitcoinTransaction; blockNumber: bigint; blockTime: number; fee: bigint | null } {
  const txid = hashOf(row, 'hash');
  const coinbase = row.is_coinbase === true;
  const rawInputs = listOf(row, 'inputs');
  const inputs = rawInputs.map((i, k): BitcoinInput => {
    const where = `inputs[${k}]`;
    const addresses = Array.isArray(i.addresses) ? (i.addresses as unknown[]) : [];
    const value =
      i.value === null || i.value === undefined ? null : wholeOf(i.value, `${where}.value`);
    // One address is the spent output's; several (bare multisig on old Core) or none say nothing
    // the output's own script would: such an input is valued from the stored output instead.
    const address =
      addresses.length === 1 && typeof addresses[0] === 'string' ? normalize(addresses[0]) : null;
    return {
      txid: hashOf(i, 'spent_transaction_hash'),
      vout: Number(wholeOf(i.spent_output_index, `${where}.spent_output_index`)),
      prevout: value === null || address === null ? null : { value, address },
    };
  });
  const outputs = listOf(row, 'outputs').map((o, n) => {
    const script = o.script_hex;
    if (typeof script !== 'string' || !SCRIPT_HEX.test(script))
      throw invalid(`outputs[${n}].script_hex`, 'expected the output script in hex');
    return {
      value: wholeOf(o.value, `outputs[${n}].value`),
      script: Uint8Array.from(Buffer.from(script, 'hex')),
    };
  });
  return {
    tx: { txid, coinbase, inputs: coinbase ? [] : inputs, outputs },
    blockNumber: wholeOf(row.block_number, 'block_number'),
    blockTime: Number(wholeOf(row.block_timestamp, 'block_timestamp')),
    // bitcoin-etl's fee is input_value - output_value, with unvalued inputs counted as 0 (a
    // negative fee in an export that was not enriched): it says something only when every input
    // has its value.
    fee:
      row.fee === null || row.fee === undefined || rawInputs.some((i) => i.value == null)
        ? null
        : wholeOf(row.fee, 'fee'),
  };
}

/**
 * Imports bitcoin-etl's JSON-lines exports (`bitcoinetl export_blocks_and_transactions`, optionally
 * `enrich_transactions`): the blocks file (hash, number, time) and the transactions file, whose
 * inputs and outputs are nested with `addresses`, `value` in satoshis and `script_hex`. Gives the
 * same rows as a sync of those blocks (src/chains/bitcoin/decode-block.ts): outputs' addresses are
 * derived from their scripts, P2PK as P2PKH and scripts without an address as `nonstandard…`,
 * exactly as bitcoin-etl writes them; inputs take the export's address and value, or, where the
 * export has none (not enriched, or a bare multisig listing several keys), the stored output
 * they spend. Each file is one atomic write (the blocks first); importing again stores nothing
 * twice. A bad line names the file and line, and stops the import of that file unless
 * `skipInvalid`; an input valued nowhere is such an error, and so is a `fee` that is not the
 * inputs minus the outputs.
 *
 * @example
 * await importBitcoinEtl({ store, blocksPath: 'blocks.json', transactionsPath: 'transactions.json' });
 */
export async function importBitcoinEtl(
  parameters: ImportBitcoinEtlParameters,
): Promise<ImportBitcoinEtlReturnType> {
  const chain = getChain(parameters.chain ?? 'bitcoin');
  const network = bitcoinNetworkOf(chain);
  const codec = getAddressCodec(chain);
  const normalize = (a: string) => codec.normalize(a);
  for (const p of [parameters.blocksPath, parameters.transactionsPath])
    if (!fs.existsSync(p) || !fs.statSync(p).isFile())
      throw new UserError(`No such file: ${p}`, { code: 'FILE_NOT_FOUND' });
  const store = parameters.store;
  const rejects = createRejects(parameters);
  const totalBytes =
    fs.statSync(parameters.blocksPath).size + fs.statSync(parameters.transactionsPath).size;
  const result: ImportBitcoinEtlReturnType = {
    chain: chain.key,
    blocks: 0,
    transactions: 0,
    transfersWritten: 0,
    transfersDuplicate: 0,
    eventsWritten: 0,
    eventsDuplicate: 0,
    inputsFromStore: 0,
    rejected: 0,
    rejectsPath: null,
  };
  let doneBytes = 0;
  let rows = 0;

  /** Reads one file's lines into `handle`, rejecting bad ones by file and line; one atomic write. */
  const importFile = async (
    file: string,
    kind: 'blocks' | 'transactions',
    handle: (row: Record<string, unknown>, writer: StoreWriter) => Promise<void>,
    flush: (writer: StoreWriter) => Promise<void>,
  ) => {
    const display = path.relative(process.cwd(), file) || file;
    const rejectedBefore = rejects.count;
    let fileRows = 0;
    const summary = await store.write(async (writer) => {
      for await (const batch of readLines({
        path: file,
        onBytes: (n) =>
          parameters.onProgress?.({
            file: display,
            rows,
            rejected: rejects.count,
            bytesRead: doneBytes + n,
            totalBytes,
          }),
      })) {
        for (const { text, line } of batch) {
          rows++;
          fileRows++;
          try {
            await handle(parseEtlJsonLine(text), writer);
          } catch (error) {
            rejects.reject(display, line, reasonOf(error), [text], error);
          }
        }
      }
      await flush(writer);
      await writer.recordImport({
        kind: `bitcoin-etl-${kind}`,
        source: file,
        rows: fileRows,
        rejected: rejects.count - rejectedBefore,
        sha256: null,
      });
    });
    doneBytes += fs.statSync(file).size;
    result.transfersWritten += summary.transfersWritten;
    result.transfersDuplicate += summary.transfersDuplicate;
    result.eventsWritten += summary.eventsWritten;
    result.eventsDuplicate += summary.eventsDuplicate;
  };

  try {
    let blocks: Block[] = [];
    await importFile(
      parameters.blocksPath,
      'blocks',
      async (row, writer) => {
        blocks.push(blockOf(row, chain.key));
        result.blocks++;
        if (blocks.length >= APPEND_BATCH_ROWS) {
          await writer.putBlocks(blocks);
          blocks = [];
        }
      },
      async (writer) => {
        await writer.putBlocks(blocks);
        await writer.putAssets([nativeAsset(chain)]);
      },
    );

    const out: { transfers: Transfer[]; events: ChainEvent[] } = { transfers: [], events: [] };
    const flush = async (writer: StoreWriter) => {
      await writer.appendTransfers(out.transfers);
      await writer.appendEvents(out.events);
      out.transfers = [];
      out.events = [];
    };
    await importFile(
      parameters.transactionsPath,
      'transactions',
      async (row, writer) => {
        const { tx, blockNumber, blockTime, fee } = transactionOf(row, normalize);
        const open = tx.inputs.filter((i) => i.prevout === null);
        if (open.length > 0) {
          // Outputs of earlier files or syncs: committed before this write began.
          const stored = await store.getOutputs(
            chain.key,
            open.map((i) => ({ txHash: i.txid, index: i.vout })),
          );
          for (const i of open) {
            const s = stored.get(`${i.txid}:${i.vout}`);
            if (s?.address) {
              i.prevout = { value: s.amount, address: s.address };
              result.inputsFromStore++;
            }
          }
        }
        const rowsOf: { transfers: Transfer[]; events: ChainEvent[] } = {
          transfers: [],
          events: [],
        };
        transactionRows({ chain, network, blockNumber, blockTime }, tx, rowsOf);
        const paid = rowsOf.transfers.find((t) => t.kind === 'fee')?.amount ?? 0n;
        if (fee !== null && fee !== paid)
          throw invalid('fee', `${fee} is not the inputs minus the outputs (${paid})`);
        out.transfers.push(...rowsOf.transfers);
        out.events.push(...rowsOf.events);
        result.transactions++;
        if (out.transfers.length >= APPEND_BATCH_ROWS) await flush(writer);
      },
      flush,
    );
  } finally {
    rejects.close();
  }
  result.rejected = rejects.count;
  result.rejectsPath = rejects.path;
  return result;
}
