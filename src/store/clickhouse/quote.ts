/**
 * A value as a ClickHouse SQL literal. ClickHouse 18.16 (Debian's package) has no `{name:Type}`
 * query parameters (they came in 19.11), so every value chaintrail puts in a statement goes through
 * here, on every release: strings in single quotes with `\` and `'` escaped by a backslash (the
 * only two characters that end or alter a ClickHouse string literal; the rest, newlines and NUL
 * included, stand for themselves), integers and bigints as digits, finite numbers only, null as
 * NULL, booleans as 1/0, arrays as `[...]`.
 *
 * @example
 * sql`SELECT * FROM transfers WHERE chain = ${'ethereum'} AND block_number >= ${19000000n}`;
 */
export type SqlValue = string | number | bigint | boolean | null | readonly SqlValue[];

export function quote(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return `'${value.replace(/[\\']/g, '\\$&')}'`;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`Cannot quote ${value} for ClickHouse`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(quote).join(', ')}]`;
  throw new TypeError(`Cannot quote a ${typeof value} for ClickHouse`);
}

/** An identifier chaintrail made (table, database, cluster): checked, never quoted. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function identifier(name: string): string {
  if (!IDENTIFIER.test(name))
    throw new TypeError(`Not a plain identifier: ${JSON.stringify(name)}`);
  return name;
}

/**
 * A statement with its values quoted ({@link quote}): a template tag, so a value can never be
 * pasted into SQL unquoted by mistake.
 *
 * @example
 * sql`SELECT count() FROM blocks WHERE chain = ${chain}`;
 */
export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): string {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += quote(values[i]!) + strings[i + 1]!;
  return out;
}

/**
 * Characters of the values a statement may list: ClickHouse parses at most 256 KiB of a query
 * (`max_query_size`, 262,144 bytes on 18.16 and current releases; measured: a 334 KB `IN` list of
 * 5,000 values is refused there with "Max query size exceeded"), and the rest of the statement
 * needs room too.
 */
export const STATEMENT_LIST_CHARS = 200_000;

/**
 * Values as quoted, comma-separated lists of at most `maxChars` characters each, for `IN (…)`: a
 * list of Bitcoin addresses (up to 62 characters) or hashes never overruns the statement limit.
 *
 * @example
 * for (const list of quotedLists(addresses)) await query(`… WHERE address IN (${list})`);
 */
export function quotedLists(
  values: readonly SqlValue[],
  maxChars: number = STATEMENT_LIST_CHARS,
): string[] {
  const lists: string[] = [];
  let current: string[] = [];
  let chars = 0;
  for (const v of values) {
    const q = quote(v);
    if (current.length > 0 && chars + q.length + 2 > maxChars) {
      lists.push(current.join(', '));
      current = [];
      chars = 0;
    }
    current.push(q);
    chars += q.length + 2;
  }
  if (current.length > 0) lists.push(current.join(', '));
  return lists;
}
