/**
 * The token lists of chaintrail's shipped reference set (`data/reference/`, `tokenLists` in its
 * manifest): symbol and decimals of well-known token contracts, used where neither the chain nor an
 * export says (see `tokenListAssets` in src/model/token-list.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { UserError } from '../errors/base.ts';
import { normalizeAddress } from '../model/address.ts';
import { createTokenList, type TokenList, type TokenListEntry } from '../model/token-list.ts';
import { sanitizeSymbol, tokenDecimals } from '../model/token-metadata.ts';
import { fileSha256, readReferenceManifest } from './reference.ts';

/** Columns of every reference token list, in order. Empty name = none. */
export const REFERENCE_TOKEN_COLUMNS = [
  'chain',
  'address',
  'symbol',
  'decimals',
  'name',
  'origin',
] as const;

/**
 * Reads every token list of a reference folder into one {@link TokenList} (a token in two lists
 * takes the first list's entry), checking each file's sha256 against the manifest and every row:
 * the address with its chain's codec, a symbol that {@link sanitizeSymbol} keeps as it is, decimals
 * from 0 to 255. A bad file throws a UserError naming `file:line`. Null when the manifest lists no
 * token list. The lists are small (hundreds of rows), so they are read whole.
 *
 * @example
 * const list = readReferenceTokenList('data/reference');
 * list?.get('ethereum', '0xdac17f958d2ee523a2206206994597c13d831ec7'); // { symbol: 'USDT', decimals: 6, source: 'token-list', … }
 */
export function readReferenceTokenList(dir: string): TokenList | null {
  const manifest = readReferenceManifest(dir);
  const lists = manifest.tokenLists ?? [];
  if (lists.length === 0) return null;
  const entries: TokenListEntry[] = [];
  const seen = new Set<string>();
  for (const list of lists) {
    const file = path.join(dir, list.file);
    const sha256 = fileSha256(file);
    if (sha256 !== list.sha256)
      throw new UserError(
        `${file}: sha256 ${sha256} is not the manifest's ${list.sha256} (the reference set was changed; rebuild it with npm run build:reference)`,
        { code: 'REFERENCE_BAD_FILE' },
      );
    const records = parse(fs.readFileSync(file, 'utf8'), { info: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
    const [header, ...rows] = records;
    if (header?.record.join(',') !== REFERENCE_TOKEN_COLUMNS.join(','))
      throw new UserError(`${file}:1: expected the columns ${REFERENCE_TOKEN_COLUMNS.join(',')}`, {
        code: 'REFERENCE_BAD_FILE',
      });
    if (rows.length !== list.rows)
      throw new UserError(`${file}: ${rows.length} rows, the manifest says ${list.rows}`, {
        code: 'REFERENCE_BAD_FILE',
      });
    for (const { record, info } of rows) {
      const where = `${file}:${info.lines}`;
      const bad = (reason: string) =>
        new UserError(`${where}: ${reason}`, { code: 'REFERENCE_BAD_FILE' });
      if (record.length !== REFERENCE_TOKEN_COLUMNS.length)
        throw bad(`${record.length} fields, expected ${REFERENCE_TOKEN_COLUMNS.length}`);
      const [chain, address, symbol, decimalsText, name] = record as string[];
      let asset: string;
      try {
        asset = normalizeAddress(chain!, address!);
      } catch (error) {
        throw bad((error as Error).message);
      }
      if (sanitizeSymbol(symbol) !== symbol)
        throw bad(`symbol ${JSON.stringify(symbol)} is not kept as is`);
      const decimals = /^\d+$/.test(decimalsText!) ? tokenDecimals(Number(decimalsText)) : null;
      if (decimals === null) throw bad(`decimals ${JSON.stringify(decimalsText)} is not 0-255`);
      const key = `${chain}|${asset}`;
      if (seen.has(key)) continue;
      seen.add(key);
      entries.push({ chain: chain!, asset, symbol: symbol!, decimals, name: name || null });
    }
  }
  return createTokenList(lists.map((l) => l.name).join(' + '), entries);
}
