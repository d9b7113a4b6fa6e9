import { createHash } from 'node:crypto';
import { RetryableError } from '../../errors/base.ts';
import { assertClaimToken, type ClaimResult } from '../app-store.ts';
import { identifier, quote } from './quote.ts';
import type { ClickHouseTransport } from './transport.ts';

/**
 * Claims on ClickHouse: a claim is a table. ClickHouse has no compare-and-set on rows (18.16 has no
 * transactions and no KeeperMap; a deployment without ZooKeeper has no Keeper either), but one
 * server creates a table name once: of 20 concurrent `CREATE TABLE` of one name on 18.16, exactly one
 * succeeds and the others fail with "already exists" (measured, 5 rounds). The winner's token is
 * the name of the table's one column, so a loser reads who holds it from `system.columns`.
 *
 * The tables use the `Null` engine (no data, no files but their metadata) and live in the store's
 * database on the server the store URL names: every `serve` process of a deployment must name the
 * same server, or their claims would not meet.
 */

/** Prefix of claim tables; no other table of the store starts with it. */
export const CLAIM_TABLE_PREFIX = 'claim_';
/** Hex digits of SHA-256 in a claim table's name: 160 bits, no collision between names in practice. */
const CLAIM_NAME_HEX = 40;
/** Reads of a holder's token after a lost claim: the winner's table may be still being created. */
const HOLDER_READS = 20;
const HOLDER_READ_INTERVAL_MS = 25;

/** The table that stands for claim `name`. */
export function claimTable(name: string): string {
  return (
    CLAIM_TABLE_PREFIX + createHash('sha256').update(name).digest('hex').slice(0, CLAIM_NAME_HEX)
  );
}

/** The token of the claim table's column, or null when there is no such table (yet). */
async function holderOf(t: ClickHouseTransport, database: string, table: string) {
  const rows = await t.query<{ name: string }>(
    `SELECT name FROM system.columns WHERE database = ${quote(database)} AND table = ${quote(table)}`,
  );
  const column = rows[0]?.name;
  return column === undefined ? null : column.slice(2);
}

/**
 * Claims `name` for `token` on the server of `t` (see the module's comment).
 *
 * @example
 * await claimOnServer(main, 'chaintrail', 'case:42:v3', '1765152000000_ab12'); // { won: true, holder: '1765152000000_ab12' }
 */
export async function claimOnServer(
  t: ClickHouseTransport,
  database: string,
  name: string,
  token: string,
): Promise<ClaimResult> {
  assertClaimToken(token);
  const table = claimTable(name);
  let failure: unknown;
  try {
    await t.command(
      `CREATE TABLE ${identifier(database)}.${identifier(table)} (${identifier(`t_${token}`)} UInt8) ENGINE = Null`,
    );
    return { won: true, holder: token };
  } catch (error) {
    // Whatever the error says (18.16 and 26.7 word it differently, and a lost answer may hide a
    // table that was made): the table's column tells who holds the claim.
    failure = error;
  }
  for (let i = 0; i < HOLDER_READS; i++) {
    const holder = await holderOf(t, database, table);
    if (holder !== null) return { won: holder === token, holder };
    // Not there: either the statement failed for another reason, or a concurrent CREATE has not
    // finished (18.16 refuses a name "being created right now" before it shows in system.columns).
    await new Promise((resolve) => setTimeout(resolve, HOLDER_READ_INTERVAL_MS));
  }
  if (failure instanceof RetryableError) throw failure;
  throw new RetryableError(`Claim "${name}" could not be made or read`, {
    code: 'STORE_UNAVAILABLE',
    details: failure instanceof Error ? failure.message : String(failure),
    cause: failure,
  });
}

/**
 * Drops the claim tables made more than `olderThanSeconds` ago (by their metadata's time); returns
 * how many. A table another process drops meanwhile is not counted.
 */
export async function pruneClaimsOnServer(
  t: ClickHouseTransport,
  database: string,
  olderThanSeconds: number,
): Promise<number> {
  const rows = await t.query<{ name: string }>(
    `SELECT name FROM system.tables
     WHERE database = ${quote(database)} AND substring(name, 1, ${CLAIM_TABLE_PREFIX.length}) = ${quote(CLAIM_TABLE_PREFIX)}
       AND metadata_modification_time < now() - ${quote(Math.max(0, Math.floor(olderThanSeconds)))}`,
  );
  let dropped = 0;
  for (const { name } of rows) {
    await t.command(`DROP TABLE IF EXISTS ${identifier(database)}.${identifier(name)}`);
    dropped++;
  }
  return dropped;
}
