import fs from 'node:fs';
import type { Store } from '../store/store.ts';
import {
  buildGraphIndex,
  type GraphIndexSource,
  createIndex,
  createInterner,
  graphIndexParts,
  type NameTable,
  updateGraphIndex,
} from './graph-index.ts';
import type { Conversion, GraphIndex } from './types.ts';

/** First bytes of an index file. */
const MAGIC = 'CTGRAPH\n';
/**
 * Bumped whenever the layout or the values change: an index file of another version is rebuilt, not
 * read (4: amounts correctly rounded from their decimal text, where DuckDB's own cast was an ulp off).
 */
export const GRAPH_INDEX_FILE_VERSION = 4;
/** Sections start at multiples of 8 bytes so typed arrays can view the file's buffer directly. */
const ALIGN = 8;
/** Numbers stored per conversion: tx, kind, account, recipient, assetIn, amountIn, assetOut, amountOut. */
const CONVERSION_FIELDS = 8;
const CONVERSION_KINDS = ['swap', 'wrap', 'unwrap'] as const;

type Header = {
  version: number;
  /** The store's transfer cursor and generation the index covers. */
  watermark: GraphIndex['watermark'];
  nodeCount: number;
  edgeCount: number;
  chains: { nodes: string[]; assets: string[]; txs: string[] };
  sections: { name: string; bytes: number }[];
};

/** The file an index lives in, given the store's index location (`Store.indexLocation`). */
export function graphIndexFile(location: string): string {
  return `${location}.trace-index`;
}

/**
 * Names per piece of text when names are joined or split: one string of every transaction hash of a
 * store of about 7 M transfers passed V8's longest string (about 512 MB), "Invalid string length",
 * and no index of a larger store could be saved.
 */
const NAMES_PER_PIECE = 100_000;
/** Bytes decoded per piece when the names are read back. */
const BYTES_PER_PIECE = 64 * 1024 * 1024;

/** `values` joined by `\n`, as UTF-8, built in pieces (see {@link NAMES_PER_PIECE}). */
export function joinLines(values: readonly string[], perPiece = NAMES_PER_PIECE): Buffer {
  const pieces: Buffer[] = [];
  for (let i = 0; i < values.length; i += perPiece) {
    const last = i + perPiece >= values.length;
    pieces.push(Buffer.from(values.slice(i, i + perPiece).join('\n') + (last ? '' : '\n'), 'utf8'));
  }
  return Buffer.concat(pieces);
}

/** The names {@link joinLines} wrote, decoded in pieces of at most `bytesPerPiece` (cut at a `\n`). */
export function splitLines(bytes: Uint8Array, bytesPerPiece = BYTES_PER_PIECE): string[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: string[] = [];
  if (buf.length === 0) return out;
  for (let start = 0; ;) {
    let end = buf.length;
    if (start + bytesPerPiece < buf.length) {
      end = buf.lastIndexOf(10, start + bytesPerPiece);
      // A name longer than a piece: cut at the next line end instead.
      if (end < start) end = buf.indexOf(10, start + bytesPerPiece);
      if (end < 0) end = buf.length;
    }
    for (const line of buf.toString('utf8', start, end).split('\n')) out.push(line);
    if (end >= buf.length) return out;
    start = end + 1;
  }
}

function namesSections(
  prefix: string,
  table: NameTable,
): {
  chains: string[];
  sections: [string, Uint8Array | Uint16Array][];
} {
  const chains: string[] = [];
  const chainIds = new Map<string, number>();
  const chainIndex = new Uint16Array(table.count);
  const values: string[] = new Array<string>(table.count);
  for (let i = 0; i < table.count; i++) {
    const c = table.chainOf(i);
    let id = chainIds.get(c);
    if (id === undefined) {
      id = chains.length;
      chains.push(c);
      chainIds.set(c, id);
    }
    chainIndex[i] = id;
    values[i] = table.valueOf(i);
  }
  return {
    chains,
    sections: [
      [`${prefix}.chain`, chainIndex],
      [`${prefix}.values`, joinLines(values)],
    ],
  };
}

export type SaveGraphIndexParameters = {
  index: GraphIndex;
  file: string;
};

/**
 * Writes the index to one binary file (header with version and watermark, then its arrays),
 * through a temporary file and a rename: a crash leaves the old file or the new one.
 *
 * @example
 * saveGraphIndex({ index, file: graphIndexFile(store.indexLocation) });
 */
export function saveGraphIndex(parameters: SaveGraphIndexParameters): void {
  const { index, file } = parameters;
  const parts = graphIndexParts(index);
  const nodes = namesSections('nodes', parts.nodes);
  const assets = namesSections('assets', parts.assets);
  const txs = namesSections('txs', parts.txs);
  const conversions: number[] = [];
  for (const [tx, list] of parts.conversions)
    for (const c of list)
      conversions.push(
        tx,
        CONVERSION_KINDS.indexOf(c.kind),
        c.account,
        c.recipient,
        c.assetIn,
        c.amountIn,
        c.assetOut,
        c.amountOut,
      );
  const sections: [string, ArrayBufferView][] = [
    ['nodeKind', index.nodeKind],
    ['slotNode', index.slotNode],
    ['slotAsset', index.slotAsset],
    ['srcSlot', index.srcSlot],
    ['dstSlot', index.dstSlot],
    ['amount', index.amount],
    ['time', index.time],
    ['tx', index.tx],
    ['conversions', Float64Array.from(conversions)],
    ...nodes.sections,
    ...assets.sections,
    ...txs.sections,
  ];
  const header: Header = {
    version: GRAPH_INDEX_FILE_VERSION,
    watermark: index.watermark,
    nodeCount: index.nodeCount,
    edgeCount: index.edgeCount,
    chains: { nodes: nodes.chains, assets: assets.chains, txs: txs.chains },
    sections: sections.map(([name, a]) => ({ name, bytes: a.byteLength })),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const lead = Buffer.alloc(MAGIC.length + 4);
  lead.write(MAGIC, 0, 'latin1');
  lead.writeUInt32LE(json.length, MAGIC.length);
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    let offset = 0;
    const put = (b: ArrayBufferView) => {
      fs.writeSync(fd, new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
      offset += b.byteLength;
      const pad = (ALIGN - (offset % ALIGN)) % ALIGN;
      if (pad) {
        fs.writeSync(fd, new Uint8Array(pad));
        offset += pad;
      }
    };
    fs.writeSync(fd, lead);
    offset += lead.length;
    put(json);
    for (const [, a] of sections) put(a);
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
}

export type LoadGraphIndexReturnType = { index: GraphIndex } | null;

/**
 * Reads an index file; null when it is missing, of another version, or not an index file.
 *
 * @example
 * const loaded = loadGraphIndex(graphIndexFile(store.indexLocation));
 */
export function loadGraphIndex(file: string): LoadGraphIndexReturnType {
  if (!fs.existsSync(file)) return null;
  const buf = fs.readFileSync(file);
  if (buf.length < MAGIC.length + 4 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC)
    return null;
  const jsonLength = buf.readUInt32LE(MAGIC.length);
  let offset = MAGIC.length + 4;
  const header = JSON.parse(buf.toString('utf8', offset, offset + jsonLength)) as Header;
  if (header.version !== GRAPH_INDEX_FILE_VERSION) return null;
  offset += jsonLength;
  offset += (ALIGN - (offset % ALIGN)) % ALIGN;
  const raw = new Map<string, Uint8Array>();
  for (const s of header.sections) {
    raw.set(s.name, buf.subarray(offset, offset + s.bytes));
    offset += s.bytes + ((ALIGN - (s.bytes % ALIGN)) % ALIGN);
  }
  const view = <T>(
    name: string,
    C: new (b: ArrayBuffer, o: number, n: number) => T,
    size: number,
  ) => {
    const b = raw.get(name)!;
    // A view when aligned (the usual case); a copy otherwise.
    if (b.byteOffset % size === 0)
      return new C(b.buffer as ArrayBuffer, b.byteOffset, b.byteLength / size);
    const copy = new Uint8Array(b);
    return new C(copy.buffer, 0, b.byteLength / size);
  };
  const names = (prefix: string, chains: string[]) => {
    return createInterner({
      chains,
      chainIndex: view(`${prefix}.chain`, Uint16Array, 2),
      values: splitLines(raw.get(`${prefix}.values`)!),
    });
  };
  const nodes = names('nodes', header.chains.nodes);
  const txsTable = names('txs', header.chains.txs);
  const assets = names('assets', header.chains.assets);
  const flat = view('conversions', Float64Array, 8);
  const conversions = new Map<number, Conversion[]>();
  for (let i = 0; i < flat.length; i += CONVERSION_FIELDS) {
    const tx = flat[i]!;
    const c: Conversion = {
      kind: CONVERSION_KINDS[flat[i + 1]!]!,
      account: flat[i + 2]!,
      recipient: flat[i + 3]!,
      assetIn: flat[i + 4]!,
      amountIn: flat[i + 5]!,
      assetOut: flat[i + 6]!,
      amountOut: flat[i + 7]!,
    };
    const list = conversions.get(tx);
    if (list) list.push(c);
    else conversions.set(tx, [c]);
  }
  const index = createIndex({
    nodes,
    assets,
    txs: txsTable,
    nodeKind: view('nodeKind', Uint8Array, 1),
    slotNode: view('slotNode', Uint32Array, 4),
    slotAsset: view('slotAsset', Uint32Array, 4),
    srcSlot: view('srcSlot', Uint32Array, 4),
    dstSlot: view('dstSlot', Uint32Array, 4),
    amount: view('amount', Float64Array, 8),
    time: view('time', Uint32Array, 4),
    tx: view('tx', Uint32Array, 4),
    conversions,
    watermark: header.watermark,
  });
  return { index };
}

export type OpenGraphIndexParameters = {
  store: GraphIndexSource & Pick<Store, 'indexLocation'>;
  /** The index file; default beside the store ({@link graphIndexFile}); null: none, built in memory. */
  file?: string | null;
};
export type OpenGraphIndexReturnType = {
  index: GraphIndex;
  /** What was done: read as saved, updated with newer transfers, or built anew. */
  action: 'loaded' | 'updated' | 'built';
};

/**
 * The store's graph index: read from its file when current (same transfer cursor and generation),
 * extended from its cursor when the store only grew since (same generation), built anew otherwise
 * (no file, another version, transfers removed by a reorg); saved when changed. A store without an
 * index location (a server) keeps no file: the index is built each time.
 *
 * @example
 * const { index } = await openGraphIndex({ store });
 */
export async function openGraphIndex(
  parameters: OpenGraphIndexParameters,
): Promise<OpenGraphIndexReturnType> {
  const { store } = parameters;
  const file =
    parameters.file !== undefined
      ? parameters.file
      : store.indexLocation === null
        ? null
        : graphIndexFile(store.indexLocation);
  const loaded = file === null ? null : loadGraphIndex(file);
  let action: OpenGraphIndexReturnType['action'] = 'built';
  let index: GraphIndex | null = null;
  if (loaded) {
    const mark = loaded.index.watermark;
    const now = await store.getTransferCursor();
    if (mark.cursor !== null && mark.generation === now.generation) {
      if (mark.cursor === now.cursor) return { index: loaded.index, action: 'loaded' };
      index = await updateGraphIndex({ index: loaded.index, store });
      action = 'updated';
    }
  }
  index ??= await buildGraphIndex({ store });
  if (file !== null) saveGraphIndex({ index, file });
  return { index, action };
}
