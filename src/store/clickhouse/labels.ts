import { randomBytes } from 'node:crypto';
import { BaseError } from '../../errors/base.ts';
import { isCalendarDay } from '../../model/price.ts';
import type { Label, LabelFilter, LabelImport, LabelImportRecord, WriteSummary } from '../store.ts';
import { quote, quotedLists } from './quote.ts';
import type { ClickHouseContext } from './context.ts';

// The ClickHouse side of labels (src/store/label-store.ts): the reads, and what a write does to
// labels, carried copies and label imports. ClickHouse has no transactions and 18.16 no UPDATE or
// DELETE that applies at once, so a write works out in the process what DuckDB's transaction does
// (the same steps, in the same order: src/store/duckdb/duckdb-store.ts applyPending), on the stored
// rows of every address it can touch, and inserts the rows that changed at the end of the write, as
// newer versions (a closed label) or tombstones (a removed one). A write that fails before then
// inserts nothing: labels and imports stay as they were.

/** Bytes of a label row's random id: ids only tell rows of one address apart. */
const LABEL_ID_BYTES = 7;
/** Separator of stored sanctions programs (codes such as `DPRK3` never contain it), as DuckDB's. */
const PROGRAM_SEPARATOR = ';';

/** A stored label or carried copy, as its columns. */
type LabelRow = {
  id: string;
  chain: string;
  address: string;
  entity: string | null;
  category: string;
  source: string;
  confidence: number | null;
  added_at: number;
  actor: string | null;
  country: string | null;
  sanction_list: string | null;
  programs: string | null;
  valid_from: string | null;
  valid_to: string | null;
  import_id: string | null;
};

type ImportRow = {
  id: string;
  format: string;
  source: string;
  list_name: string | null;
  list_date: string | null;
  sha256: string | null;
  labels: number;
  closed: number;
  imported_at: number;
};

const LABEL_SELECT = `id, chain, address, entity, category, source, confidence, toUnixTimestamp(added_at) AS added_s,
  actor, country, sanction_list, programs, valid_from, valid_to, import_id, version`;
const IMPORT_SELECT = `id, format, source, list_name, list_date, sha256, labels, closed,
  toUnixTimestamp(imported_at) AS imported_s, version`;

/** Why a label cannot be stored, as a STORE_BAD_WRITE naming the label and the field. */
function badLabel(what: string, subject: unknown): BaseError {
  return new BaseError(`Bad label ${JSON.stringify(subject)}: ${what}`, {
    code: 'STORE_BAD_WRITE',
  });
}

/** A label as the row it is staged as, or a STORE_BAD_WRITE (a day that is no date, no category). */
function stagedRow(l: Label, now: number): LabelRow {
  if (!l.chain || !l.address || !l.category || !l.source)
    throw badLabel('chain, address, category and source must not be empty', l);
  for (const [name, day] of [
    ['validFrom', l.validFrom],
    ['validTo', l.validTo],
  ] as const)
    if (day !== null && day !== undefined && !isCalendarDay(day))
      throw badLabel(`${name} must be a YYYY-MM-DD date`, l);
  if (l.confidence !== null && !Number.isInteger(l.confidence))
    throw badLabel('confidence must be an integer', l);
  return {
    id: '',
    chain: l.chain,
    address: l.address,
    entity: l.entity,
    category: l.category,
    source: l.source,
    confidence: l.confidence,
    added_at: now,
    actor: l.actor ?? null,
    country: l.country ?? null,
    sanction_list: l.sanctionList ?? null,
    programs: l.programs && l.programs.length > 0 ? l.programs.join(PROGRAM_SEPARATOR) : null,
    valid_from: l.validFrom ?? null,
    valid_to: l.validTo ?? null,
    import_id: null,
  };
}

/** Checks a label import's date before anything is written (DuckDB's cast refuses it too). */
export function checkLabelImport(record: LabelImportRecord): void {
  if (record.listDate !== null && !isCalendarDay(record.listDate))
    throw new BaseError(
      `Bad label import ${JSON.stringify(record)}: listDate must be a YYYY-MM-DD date`,
      { code: 'STORE_BAD_WRITE' },
    );
}

const newId = () => BigInt(`0x${randomBytes(LABEL_ID_BYTES).toString('hex')}`).toString();

/**
 * Labels `a` and `b` are equal as the store counts repeats: same address, category, entity, source
 * and sanctions list (DuckDB's `sameLabel`).
 */
const sameKey = (l: LabelRow) =>
  JSON.stringify([l.chain, l.address, l.category, l.entity, l.source, l.sanction_list]);
const addressKey = (chain: string, address: string) => `${chain}\u0000${address}`;

function rowOf(r: Record<string, unknown>): LabelRow {
  return {
    id: String(r.id),
    chain: String(r.chain),
    address: String(r.address),
    entity: (r.entity as string | null) ?? null,
    category: String(r.category),
    source: String(r.source),
    confidence: r.confidence === null || r.confidence === undefined ? null : Number(r.confidence),
    added_at: Number(r.added_s),
    actor: (r.actor as string | null) ?? null,
    country: (r.country as string | null) ?? null,
    sanction_list: (r.sanction_list as string | null) ?? null,
    programs: (r.programs as string | null) ?? null,
    valid_from: (r.valid_from as string | null) ?? null,
    valid_to: (r.valid_to as string | null) ?? null,
    import_id: r.import_id === null || r.import_id === undefined ? null : String(r.import_id),
  };
}

function labelOf(r: LabelRow): Label {
  return {
    chain: r.chain,
    address: r.address,
    entity: r.entity,
    category: r.category,
    actor: r.actor,
    country: r.country,
    source: r.source,
    confidence: r.confidence,
    sanctionList: r.sanction_list,
    programs: r.programs ? r.programs.split(PROGRAM_SEPARATOR) : [],
    validFrom: r.valid_from,
    validTo: r.valid_to,
    importId: r.import_id === null ? null : Number(r.import_id),
  };
}

function importRowOf(r: Record<string, unknown>): ImportRow {
  return {
    id: String(r.id),
    format: String(r.format),
    source: String(r.source),
    list_name: (r.list_name as string | null) ?? null,
    list_date: (r.list_date as string | null) ?? null,
    sha256: (r.sha256 as string | null) ?? null,
    labels: Number(r.labels),
    closed: Number(r.closed),
    imported_at: Number(r.imported_s),
  };
}

/** DuckDB's order of labels: chain, address, valid-from (none first), source, category, entity. */
const LABEL_ORDER = 'chain, address, isNotNull(valid_from), valid_from, source, category, entity';

/** See {@link LabelStore.listLabels}. */
export async function readLabels(
  ctx: ClickHouseContext,
  filter: LabelFilter = {},
): Promise<Label[]> {
  const where = ['deleted = 0'];
  if (filter.chain !== undefined) where.push(`chain = ${quote(filter.chain)}`);
  if (filter.address !== undefined) where.push(`address = ${quote(filter.address)}`);
  if (filter.category !== undefined) where.push(`category = ${quote(filter.category)}`);
  if (filter.sanctionList !== undefined)
    where.push(`sanction_list = ${quote(filter.sanctionList)}`);
  if (filter.importId !== undefined) where.push(`import_id = ${quote(filter.importId)}`);
  if (filter.validOn !== undefined) {
    // Days as `YYYY-MM-DD` text compare as the days do.
    where.push(`(valid_from IS NULL OR valid_from <= ${quote(filter.validOn)})`);
    where.push(`(valid_to IS NULL OR valid_to >= ${quote(filter.validOn)})`);
  }
  if (filter.open) where.push('valid_to IS NULL');
  const rows = await ctx.t.query(
    `SELECT ${LABEL_SELECT} FROM ${ctx.table('labels')} FINAL WHERE ${where.join(' AND ')}
     ORDER BY ${LABEL_ORDER}`,
  );
  return rows.map((r) => labelOf(rowOf(r)));
}

/** Every label of `addresses` on `chain` (closed ones included), in DuckDB's order. */
export async function readLabelsOf(
  ctx: ClickHouseContext,
  chain: string,
  addresses: readonly string[],
): Promise<Label[]> {
  const out: Label[] = [];
  for (const rows of await rowsAt(ctx, 'labels', chain, [...new Set(addresses)]))
    out.push(labelOf(rows));
  const order = (l: Label) => [l.address, l.validFrom === null ? '' : `\u0001${l.validFrom}`];
  return out.sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    return (
      compare(x[0]!, y[0]!) ||
      compare(x[1]!, y[1]!) ||
      compare(a.source, b.source) ||
      compare(a.category, b.category) ||
      compare(a.entity ?? '\uffff', b.entity ?? '\uffff')
    );
  });
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** See {@link LabelStore.listLabelImports}. */
export async function readLabelImports(ctx: ClickHouseContext): Promise<LabelImport[]> {
  return (await storedImports(ctx))
    .filter((r) => !r.deleted)
    .map(({ row: r }) => ({
      id: Number(r.id),
      format: r.format,
      source: r.source,
      listName: r.list_name,
      listDate: r.list_date,
      sha256: r.sha256,
      labels: r.labels,
      closed: r.closed,
      importedAt: new Date(r.imported_at * 1000).toISOString().replace('.000Z', 'Z'),
    }));
}

/** Every label import ever made, removed ones too (their ids are not given again), oldest first. */
async function storedImports(
  ctx: ClickHouseContext,
): Promise<{ row: ImportRow; deleted: boolean }[]> {
  const rows = await ctx.t.query(
    `SELECT ${IMPORT_SELECT}, deleted FROM ${ctx.table('label_imports')} FINAL ORDER BY id`,
  );
  return rows.map((r) => ({ row: importRowOf(r), deleted: Number(r.deleted) === 1 }));
}

/** The live rows of `table` (labels or carried_labels) at `addresses` of `chain`. */
async function rowsAt(
  ctx: ClickHouseContext,
  table: 'labels' | 'carried_labels',
  chain: string,
  addresses: readonly string[],
): Promise<LabelRow[]> {
  const out: LabelRow[] = [];
  for (const list of quotedLists(addresses)) {
    const rows = await ctx.t.query(
      `SELECT ${LABEL_SELECT} FROM ${ctx.table(table)} FINAL
       WHERE chain = ${quote(chain)} AND address IN (${list}) AND deleted = 0`,
    );
    for (const r of rows) out.push(rowOf(r));
  }
  return out;
}

/** What a write asks of labels, kept until the write's function has returned. */
export type PendingLabels = {
  staged: LabelRow[];
  labelImport: LabelImportRecord | null;
  closeDelisted: { sanctionList: string; validTo: string }[];
  closeNotRestaged: { format: string; validTo: string }[];
  removeLabelImports: number[];
};

export function createPendingLabels(): PendingLabels & {
  add(labels: readonly Label[]): void;
  any(): boolean;
} {
  const now = Math.floor(Date.now() / 1000);
  const pending: PendingLabels = {
    staged: [],
    labelImport: null,
    closeDelisted: [],
    closeNotRestaged: [],
    removeLabelImports: [],
  };
  return Object.assign(pending, {
    // Checked as they come: a bad label fails the write before anything is inserted.
    add(labels: readonly Label[]) {
      for (const l of labels) pending.staged.push(stagedRow(l, now));
    },
    any() {
      return (
        pending.staged.length > 0 ||
        pending.labelImport !== null ||
        pending.closeDelisted.length > 0 ||
        pending.closeNotRestaged.length > 0 ||
        pending.removeLabelImports.length > 0
      );
    },
  });
}

type LabelCounts = Pick<
  WriteSummary,
  'labelsWritten' | 'labelsDuplicate' | 'labelsClosed' | 'labelsRemoved'
>;

/**
 * Applies a write's labels: works out every change from the stored rows of the addresses it can
 * touch (DuckDB's steps: removed imports, the new import, closing what a rerun does not stage
 * again, the insert skipping equal open labels, carried copies, delisting, forgetting copies of
 * closed labels), then inserts the changed rows with the write's `version`.
 *
 * Import ids are the next number (ClickHouse has no sequence), claimed as soon as taken: two
 * processes recording an import within the same few milliseconds could still take the same one.
 */
export async function applyLabels(
  ctx: ClickHouseContext,
  pending: PendingLabels,
  version: string,
  /** Older than `version`: the claim of the import's id (see step 2). */
  claimVersion: string,
): Promise<LabelCounts> {
  const now = Math.floor(Date.now() / 1000);
  const stored = await storedImports(ctx);
  const imports = new Map(stored.filter((i) => !i.deleted).map((i) => [i.row.id, i.row]));
  const changedImports = new Set<string>();
  const removedImports = new Set<string>();

  // Every address a step can touch: the staged labels', the removed imports' (labels and carried
  // copies), and the open labels a close may end. Each step matches labels of one address only.
  const formats = new Set(pending.closeNotRestaged.map((d) => d.format));
  const formatIds = [...imports.values()].filter((i) => formats.has(i.format)).map((i) => i.id);
  const lists = pending.closeDelisted.map((d) => d.sanctionList);
  const removeIds = pending.removeLabelImports.map(String);
  const byChain = new Map<string, Set<string>>();
  const want = (chain: string, address: string) =>
    (byChain.get(chain) ?? byChain.set(chain, new Set()).get(chain)!).add(address);
  for (const s of pending.staged) want(s.chain, s.address);
  const removed =
    removeIds.length > 0
      ? `import_id IN (${removeIds.map((id) => quote(BigInt(id))).join(', ')})`
      : null;
  const closing: string[] = [];
  if (formatIds.length > 0)
    closing.push(
      `valid_to IS NULL AND import_id IN (${formatIds.map((id) => quote(BigInt(id))).join(', ')})`,
    );
  if (lists.length > 0)
    closing.push(`valid_to IS NULL AND sanction_list IN (${lists.map(quote).join(', ')})`);
  // Carried copies only matter for removed imports: what those carried goes with them.
  for (const [table, where] of [
    ['labels', removed === null ? closing : [removed, ...closing]],
    ['carried_labels', removed === null ? [] : [removed]],
  ] as const) {
    if (where.length === 0) continue;
    const rows = await ctx.t.query<{ chain: string; address: string }>(
      `SELECT DISTINCT chain, address FROM (SELECT chain, address, version FROM ${ctx.table(table)} FINAL
         WHERE deleted = 0 AND (${where.map((w) => `(${w})`).join(' OR ')}))`,
    );
    for (const r of rows) want(r.chain, r.address);
  }
  const labels = new Map<string, LabelRow>();
  const carried = new Map<string, LabelRow>();
  for (const [chain, addresses] of byChain) {
    const list = [...addresses];
    for (const r of await rowsAt(ctx, 'labels', chain, list)) labels.set(r.id, r);
    for (const r of await rowsAt(ctx, 'carried_labels', chain, list)) carried.set(r.id, r);
  }
  const labelsChanged = new Set<string>();
  const labelsDeleted = new Map<string, LabelRow>();
  const carriedChanged = new Set<string>();
  const carriedDeleted = new Map<string, LabelRow>();
  const openByKey = () => {
    const open = new Map<string, LabelRow>();
    for (const l of labels.values()) if (l.valid_to === null) open.set(sameKey(l), l);
    return open;
  };

  // 1. Removed imports: each open label another import carries stays, as the oldest carrier's copy.
  let labelsRemoved = 0;
  for (const id of removeIds) {
    const own = [...labels.values()].filter((l) => l.import_id === id);
    const ownOpen = new Set(own.filter((l) => l.valid_to === null).map(sameKey));
    const takers = new Map<string, LabelRow>();
    for (const c of carried.values()) {
      if (c.import_id === id || !ownOpen.has(sameKey(c))) continue;
      const known = takers.get(sameKey(c));
      if (!known || BigInt(c.import_id!) < BigInt(known.import_id!)) takers.set(sameKey(c), c);
    }
    for (const c of carried.values())
      if (c.import_id === id || takers.get(sameKey(c)) === c) {
        carried.delete(c.id);
        if (!carriedChanged.delete(c.id)) carriedDeleted.set(c.id, c);
      }
    for (const c of takers.values()) {
      const taken = { ...c, id: newId() };
      labels.set(taken.id, taken);
      labelsChanged.add(taken.id);
      const holder = imports.get(c.import_id!);
      if (holder) {
        holder.labels += 1;
        changedImports.add(holder.id);
      }
    }
    for (const l of own) {
      labels.delete(l.id);
      if (!labelsChanged.delete(l.id)) labelsDeleted.set(l.id, l);
    }
    if (imports.delete(id)) {
      changedImports.delete(id);
      removedImports.add(id);
    }
    labelsRemoved += own.length - takers.size;
  }

  // 2. The import this write records: the next id (removed ones' are not given again).
  let importId: string | null = null;
  if (pending.labelImport) {
    const r = pending.labelImport;
    // Asked again and claimed at once (a hidden row, older than the import's own): another process
    // importing at the same time takes the next id unless it asked within these few milliseconds.
    // A write that fails after leaves the id unused, as a sequence would.
    const [top] = await ctx.t.query<{ n: string }>(
      `SELECT toString(max(id)) AS n FROM ${ctx.table('label_imports')}`,
    );
    importId = (BigInt(top?.n ?? 0) + 1n).toString();
    const record: ImportRow = {
      id: importId,
      format: r.format,
      source: r.source,
      list_name: r.listName,
      list_date: r.listDate,
      sha256: r.sha256,
      labels: 0,
      closed: 0,
      imported_at: now,
    };
    await insertAll(ctx, 'label_imports', [importRecord(record, claimVersion, 1)]);
    imports.set(importId, record);
    changedImports.add(importId);
  }

  let labelsClosed = 0;
  const close = (l: LabelRow, validTo: string) => {
    l.valid_to = validTo;
    labelsChanged.add(l.id);
    labelsClosed += 1;
  };
  // 3. Before the insert: an inference's open labels that this write does not stage again.
  for (const d of pending.closeNotRestaged) {
    const ofFormat = new Set(
      [...imports.values()].filter((i) => i.format === d.format).map((i) => i.id),
    );
    const restaged = new Set(
      pending.staged.map((s) =>
        JSON.stringify([s.chain, s.address, s.category, s.entity, s.source, s.confidence]),
      ),
    );
    for (const l of labels.values())
      if (
        l.valid_to === null &&
        l.import_id !== null &&
        ofFormat.has(l.import_id) &&
        !restaged.has(
          JSON.stringify([l.chain, l.address, l.category, l.entity, l.source, l.confidence]),
        )
      )
        close(l, d.validTo);
  }

  // 4. The staged labels, the first of each; one equal to an open stored label adds nothing.
  let labelsWritten = 0;
  const open = openByKey();
  const seen = new Set<string>();
  for (const s of pending.staged) {
    const key = JSON.stringify([sameKey(s), s.valid_to]);
    if (seen.has(key)) continue;
    seen.add(key);
    if (s.valid_to === null && open.has(sameKey(s))) continue;
    const row = { ...s, id: newId(), import_id: importId };
    labels.set(row.id, row);
    labelsChanged.add(row.id);
    labelsWritten += 1;
  }

  // 5. What this import carries: its own copy of each open label another import holds.
  if (importId !== null && labelsWritten < pending.staged.length) {
    const copied = new Set<string>();
    for (const s of pending.staged) {
      if (s.valid_to !== null || copied.has(sameKey(s))) continue;
      const l = open.get(sameKey(s));
      if (!l || l.import_id === null || l.import_id === importId) continue;
      copied.add(sameKey(s));
      const copy = { ...s, id: newId(), valid_to: null, import_id: importId };
      carried.set(copy.id, copy);
      carriedChanged.add(copy.id);
    }
  }

  // 6. After the insert: a sanctions list's open labels whose address this write did not list.
  for (const d of pending.closeDelisted) {
    const listed = new Set(
      pending.staged
        .filter((s) => s.sanction_list === d.sanctionList)
        .map((s) => addressKey(s.chain, s.address)),
    );
    for (const l of labels.values())
      if (
        l.valid_to === null &&
        l.sanction_list === d.sanctionList &&
        !listed.has(addressKey(l.chain, l.address))
      )
        close(l, d.validTo);
  }

  // 7. A closed label is closed for every import that carried it: copies without an open label go.
  if (labelsClosed > 0) {
    const stillOpen = openByKey();
    for (const c of [...carried.values()])
      if (!stillOpen.has(sameKey(c))) {
        carried.delete(c.id);
        if (!carriedChanged.delete(c.id)) carriedDeleted.set(c.id, c);
      }
  }
  if (importId !== null) {
    const own = imports.get(importId)!;
    own.labels = labelsWritten;
    own.closed = labelsClosed;
  }

  // Imports first: a reader never sees a label whose import it cannot list.
  const importRecords = [
    ...[...changedImports].map((id) => importRecord(imports.get(id)!, version, 0)),
    ...stored
      .filter((i) => removedImports.has(i.row.id))
      .map((i) => importRecord(i.row, version, 1)),
  ];
  await insertAll(ctx, 'label_imports', importRecords);
  await insertAll(ctx, 'labels', [
    ...[...labelsChanged].map((id) => labelRecord(labels.get(id)!, version, 0)),
    ...[...labelsDeleted.values()].map((l) => labelRecord(l, version, 1)),
  ]);
  await insertAll(ctx, 'carried_labels', [
    ...[...carriedChanged].map((id) => labelRecord(carried.get(id)!, version, 0)),
    ...[...carriedDeleted.values()].map((l) => labelRecord(l, version, 1)),
  ]);
  return {
    labelsWritten,
    labelsDuplicate: pending.staged.length - labelsWritten,
    labelsClosed,
    labelsRemoved,
  };
}

/** Rows per INSERT: bounds one request's body. */
const INSERT_BATCH_ROWS = 10_000;

async function insertAll(
  ctx: ClickHouseContext,
  name: string,
  rows: Record<string, unknown>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_BATCH_ROWS)
    await ctx.t.insert(ctx.table(name), rows.slice(i, i + INSERT_BATCH_ROWS));
}

function labelRecord(l: LabelRow, version: string, deleted: 0 | 1): Record<string, unknown> {
  return { ...l, version, deleted };
}

function importRecord(r: ImportRow, version: string, deleted: 0 | 1): Record<string, unknown> {
  return { ...r, version, deleted };
}

/** Labels stored, closed ones included (the `labels` of StoreStats, as DuckDB counts them). */
export async function countLabels(ctx: ClickHouseContext): Promise<number> {
  const [row] = await ctx.t.query<{ n: string }>(
    `SELECT toString(count()) AS n FROM (SELECT id, version FROM ${ctx.table('labels')} FINAL WHERE deleted = 0)`,
  );
  return Number(row?.n ?? 0);
}
