import { UTXO_INPUT_KIND, UTXO_OUTPUT_KIND, VOLUME_KINDS } from '../../model/flow-rules.ts';
import type { LabelledVolume, LabelledVolumeParameters, LabelledVolumeRow } from '../store.ts';
import { quote } from './quote.ts';
import {
  kindsSql,
  limbSumsSql,
  limbSumsTextSql,
  limbTotal,
  liveTransfers,
  type ReadContext,
} from './read-sql.ts';

/** A transfer's UTC day (`YYYY-MM-DD`, as label validity days are kept), whatever the server's zone. */
const DAY_SQL = `substring(toString(block_time, 'UTC'), 1, 10)`;

/**
 * {@link LabelStore.getLabelledVolume} on ClickHouse, by the rules of src/model/flow-rules.ts: the
 * volume kinds only (`VOLUME_KINDS`), and a transfer labelled when a label of the categories, valid
 * on its day (open labels only for a transfer without a time), names its sender or receiver, or,
 * for a UTXO output, an input of its transaction (the UTXO input rule, `sendersOf`). The matches are
 * found per side (one hash join with the labels of the categories each), so the right side of each
 * join is labels or labelled inputs, never the transfers; sums are exact (limbs).
 *
 * @example
 * await getLabelledVolume(ctx, { categories: ['scam'], by: 'month' });
 */
export async function getLabelledVolume(
  ctx: ReadContext,
  params: LabelledVolumeParameters,
): Promise<LabelledVolume> {
  ctx.assertOpen();
  const by = params.by ?? 'chain';
  const assets =
    params.assets === undefined
      ? ''
      : params.assets.length === 0
        ? ' AND 0'
        : ` AND concat(chain, ' ', asset) IN (${params.assets.map((a) => quote(`${a.chain} ${a.asset}`)).join(', ')})`;
  const period =
    by === 'month' ? `ifNull(substring(toString(block_time, 'UTC'), 1, 7), 'unknown')` : `''`;
  // The value transfers, with the day their labels must be valid on ('' without a time).
  const volume = `SELECT chain, tx_hash, position, asset, kind, from_address, to_address, a0, a1, a2, a3,
      ${period} AS period, ifNull(${DAY_SQL}, '') AS day
    FROM (${liveTransfers(ctx, 'chain, tx_hash, position, asset, kind, from_address, to_address, a0, a1, a2, a3, block_time', `kind IN ${kindsSql(VOLUME_KINDS)}${assets}`)})`;
  const group = by === 'category' ? 'category' : by === 'actor' ? `ifNull(actor, '(none)')` : `''`;
  const labels = `SELECT chain, address AS holder, category, actor, valid_from, valid_to, import_id
    FROM (SELECT chain, address, category, actor, valid_from, valid_to, import_id, version
          FROM ${ctx.table('labels')} FINAL
          WHERE deleted = 0 AND ${params.categories.length ? `category IN (${params.categories.map(quote).join(', ')})` : '0'})`;
  // A label counts when valid on the transfer's day; a transfer without a time matches open labels only.
  const valid = `(day = '' AND isNull(valid_to) OR day != '' AND (isNull(valid_from) OR ifNull(valid_from <= day, 0)) AND (isNull(valid_to) OR ifNull(valid_to >= day, 0)))`;
  const matchedColumns = `chain, tx_hash, position, asset, period, a0, a1, a2, a3, ${group} AS grp, ifNull(toInt64(import_id), toInt64(-1)) AS import_ref`;
  const side = (column: string) =>
    `SELECT ${matchedColumns} FROM (SELECT *, ${column} AS holder FROM (${volume}) WHERE ${column} IS NOT NULL) AS sv
     ALL INNER JOIN (${labels}) AS lb USING (chain, holder) WHERE ${valid}`;
  // The UTXO input rule: an output's senders are its transaction's inputs; inputs with a matching
  // label (valid on their day, the output's too) first, then the outputs of their transactions.
  const labelledInputs = `SELECT chain, tx_hash, ${group} AS grp, ifNull(toInt64(import_id), toInt64(-1)) AS import_ref
    FROM (SELECT chain, tx_hash, from_address AS holder, ifNull(${DAY_SQL}, '') AS day
          FROM (${liveTransfers(ctx, 'chain, tx_hash, from_address, block_time', `kind = ${quote(UTXO_INPUT_KIND)} AND from_address IS NOT NULL`)})) AS iv
    ALL INNER JOIN (${labels}) AS lb USING (chain, holder) WHERE ${valid}`;
  const throughInputs = `SELECT chain, tx_hash, position, asset, period, a0, a1, a2, a3, grp, import_ref
    FROM (SELECT chain, tx_hash, position, asset, period, a0, a1, a2, a3 FROM (${volume}) WHERE kind = ${quote(UTXO_OUTPUT_KIND)}) AS ov
    ALL INNER JOIN (${labelledInputs}) AS li USING (chain, tx_hash)`;
  const matched = `${side('from_address')} UNION ALL ${side('to_address')} UNION ALL ${throughInputs}`;
  const sums = (keys: string, from: string) =>
    `SELECT ${keys}, toString(n) AS transfers, ${limbSumsTextSql('s', 't')}
     FROM (SELECT ${keys}, count() AS n, ${limbSumsSql('s')} FROM (${from}) GROUP BY ${keys})`;
  const denominators = await ctx.t.query<Record<string, string>>(
    sums('chain, asset, period', volume),
  );
  const labelled = await ctx.t.query<Record<string, string>>(
    sums(
      'chain, asset, period',
      `SELECT DISTINCT chain, tx_hash, position, asset, period, a0, a1, a2, a3 FROM (${matched})`,
    ),
  );
  const grouped =
    by === 'category' || by === 'actor'
      ? await ctx.t.query<Record<string, string>>(
          sums(
            'chain, asset, period, grp',
            `SELECT DISTINCT chain, tx_hash, position, asset, period, grp, a0, a1, a2, a3 FROM (${matched})`,
          ),
        )
      : [];
  const imports = await ctx.t.query<{ id: string }>(
    `SELECT DISTINCT toString(import_ref) AS id FROM (${matched})`,
  );
  const key = (r: Record<string, string>) => `${r.chain}\u0000${r.asset}\u0000${r.period}`;
  const denominator = new Map(denominators.map((r) => [key(r), r]));
  const hits = new Map(labelled.map((r) => [key(r), r]));
  const row = (
    d: Record<string, string>,
    hit: Record<string, string> | undefined,
    group: string | null,
  ): LabelledVolumeRow => ({
    chain: d.chain!,
    asset: d.asset!,
    period: d.period === '' ? null : d.period!,
    group,
    volume: limbTotal(d, 't'),
    transfers: Number(d.transfers),
    labelledVolume: hit ? limbTotal(hit, 't') : 0n,
    labelledTransfers: hit ? Number(hit.transfers) : 0,
  });
  const rows = [
    ...denominators.map((d) => row(d, hits.get(key(d)), null)),
    ...grouped.flatMap((g) => {
      const d = denominator.get(key(g));
      return d ? [row(d, g, g.grp!)] : [];
    }),
  ];
  const text = (a: string | null, b: string | null) =>
    a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1;
  rows.sort(
    (p, q) =>
      text(p.chain, q.chain) ||
      text(p.asset, q.asset) ||
      text(p.period ?? '', q.period ?? '') ||
      text(p.group, q.group),
  );
  return {
    rows,
    // Labels added without an import carry no import id: -1 stands for them in the list.
    importIds: imports
      .map((r) => Number(r.id))
      .sort((a, b) => a - b)
      .map((id) => (id === -1 ? null : id)),
  };
}
