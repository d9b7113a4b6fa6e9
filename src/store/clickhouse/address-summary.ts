import type { Asset } from '../../model/asset.ts';
import { toBig } from '../event-row.ts';
import type { AddressSummary, AddressSummaryParameters, Counterparty, Label } from '../store.ts';
import { quote } from './quote.ts';
import {
  liveTransfers,
  limbSumsSql,
  limbSumsTextSql,
  limbTotal,
  type ReadContext,
} from './read-sql.ts';

/** Counterparties of a summary unless asked otherwise (as DuckDB's). */
const DEFAULT_TOP_COUNTERPARTIES = 10;

export type AddressSummaryContext = ReadContext & {
  listAssets: (chain: string) => Promise<Asset[]>;
  getLabels: (chain: string, address: string) => Promise<Label[]>;
};

/**
 * {@link ChainStore.getAddressSummary} on ClickHouse: per asset what the address received and sent
 * (exact limb sums), its first and last transfer, and its counterparties by number of transfers
 * (ties by address), each with what went each way per asset. Three statements over the address's
 * transfers only (its rows, read `FINAL`); ranking stays on the server, so a hub with millions of
 * counterparties returns `topCounterparties` of them.
 *
 * @example
 * await getAddressSummary(ctx, { chain: 'ethereum', address: '0x…' });
 */
export async function getAddressSummary(
  ctx: AddressSummaryContext,
  params: AddressSummaryParameters,
): Promise<AddressSummary> {
  ctx.assertOpen();
  const { chain, address } = params;
  const top = Math.max(0, Math.floor(params.topCounterparties ?? DEFAULT_TOP_COUNTERPARTIES));
  const a = quote(address);
  // Both sides as text ('' for none): comparisons stay non-Nullable, which 18.16's countIf needs.
  const rows = `(${liveTransfers(
    ctx,
    `asset, ifNull(from_address, '') AS src, ifNull(to_address, '') AS dst, a0, a1, a2, a3, block_number, block_time`,
    `chain = ${quote(chain)} AND (from_address = ${a} OR to_address = ${a})`,
  )})`;
  const totals = await ctx.t.query<Record<string, unknown>>(
    `SELECT asset, toString(n_in) AS transfers_in, toString(n_out) AS transfers_out, ${limbSumsTextSql('r', 'rt')}, ${limbSumsTextSql('s', 'st')}
     FROM (SELECT asset, count() AS n, countIf(dst = ${a}) AS n_in, countIf(src = ${a}) AS n_out,
             ${limbSumsSql('r', `dst = ${a}`)}, ${limbSumsSql('s', `src = ${a}`)}
           FROM ${rows} GROUP BY asset)
     ORDER BY n DESC, asset`,
  );
  const [seen] = await ctx.t.query<Record<string, unknown>>(
    `SELECT toString(count()) AS n, toString(min(block_number)) AS first_block, toString(max(block_number)) AS last_block,
            toUnixTimestamp(min(block_time)) AS first_time, toUnixTimestamp(max(block_time)) AS last_time
     FROM ${rows}`,
  );
  // Each transfer once per side the address is on (a self-transfer counts both ways, as on DuckDB).
  const legs = `(SELECT dst AS cp, asset, toUInt8(1) AS is_sent, a0, a1, a2, a3 FROM ${rows} WHERE src = ${a} AND dst != ''
    UNION ALL SELECT src, asset, toUInt8(0), a0, a1, a2, a3 FROM ${rows} WHERE dst = ${a} AND src != '')`;
  const ranked =
    top === 0
      ? []
      : await ctx.t.query<{ cp: string; n: string }>(
          `SELECT cp, toString(count()) AS n FROM ${legs} GROUP BY cp ORDER BY count() DESC, cp LIMIT ${quote(top)}`,
        );
  const perAsset =
    ranked.length === 0
      ? []
      : await ctx.t.query<Record<string, unknown>>(
          `SELECT cp, asset, ${limbSumsTextSql('s', 'st')}, ${limbSumsTextSql('r', 'rt')}
           FROM (SELECT cp, asset, ${limbSumsSql('s', 'is_sent = 1')}, ${limbSumsSql('r', 'is_sent = 0')}
                 FROM ${legs} WHERE cp IN (${ranked.map((r) => quote(r.cp)).join(', ')}) GROUP BY cp, asset)
           ORDER BY cp, asset`,
        );
  const counterparties: Counterparty[] = ranked.map((r) => ({
    address: r.cp,
    transfers: Number(r.n),
    assets: [],
  }));
  const byCp = new Map(counterparties.map((c) => [c.address, c]));
  for (const r of perAsset)
    byCp.get(String(r.cp))?.assets.push({
      asset: String(r.asset),
      sent: limbTotal(r, 'st'),
      received: limbTotal(r, 'rt'),
    });
  const meta = new Map((await ctx.listAssets(chain)).map((m) => [m.asset, m]));
  const n = Number(seen?.n ?? 0);
  const time = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    chain,
    address,
    transfers: n,
    firstSeen:
      n === 0 ? null : { blockNumber: toBig(seen!.first_block), time: time(seen!.first_time) },
    lastSeen:
      n === 0 ? null : { blockNumber: toBig(seen!.last_block), time: time(seen!.last_time) },
    assets: totals.map((r) => {
      const m = meta.get(String(r.asset));
      return {
        asset: String(r.asset),
        symbol: m?.symbol ?? null,
        decimals: m?.decimals ?? null,
        received: limbTotal(r, 'rt'),
        sent: limbTotal(r, 'st'),
        transfersIn: Number(r.transfers_in),
        transfersOut: Number(r.transfers_out),
      };
    }),
    counterparties,
    labels: await ctx.getLabels(chain, address),
  };
}
