import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../errors/base.ts';
import { buildReport } from '../../report/build-report.ts';
import { printPdf } from '../../report/print-pdf.ts';
import { readCaseTrace } from '../../report/read-case-trace.ts';
import { readTraceFile } from '../../report/read-trace-file.ts';
import { renderReportHtml } from '../../report/render-html.ts';
import { DEFAULT_DB_PATH, openStore } from '../../store/open-store.ts';
import { isClickHouseLocation } from '../../store/clickhouse/clickhouse-url.ts';
import type { ReportOptions } from '../commands/report.ts';
import type { CliContext } from '../context.ts';

/** Fails early, before any work, when the report cannot be written where asked. */
function checkWritable(out: string): void {
  const dir = path.dirname(path.resolve(out));
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (error) {
    throw new UserError(`Cannot write the report to ${out}: ${dir} is not a writable folder`, {
      code: 'OUTPUT_UNWRITABLE',
      cause: error,
    });
  }
  if (fs.existsSync(out) && fs.statSync(out).isDirectory())
    throw new UserError(`Cannot write the report to ${out}: it is a folder`, {
      code: 'OUTPUT_UNWRITABLE',
    });
}

/** Writes through a temporary file beside `out` and a rename: `out` is whole or untouched. */
function writeWhole(out: string, bytes: string | Buffer): void {
  const temp = path.join(
    path.dirname(path.resolve(out)),
    `.${path.basename(out)}.${process.pid}.tmp`,
  );
  try {
    fs.writeFileSync(temp, bytes);
    fs.renameSync(temp, out);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw new UserError(`Cannot write the report to ${out}: ${(error as Error).message}`, {
      code: 'OUTPUT_UNWRITABLE',
      cause: error,
    });
  }
}

/**
 * The database the data section is read from: the one named (`--db`, `CHAINTRAIL_DB`), which must
 * exist, else `./chaintrail.duckdb` when it exists, else none (the report says so). A report never
 * creates a database, nor loads reference labels into one: that would change the data it reports.
 */
function databaseOf(ctx: CliContext, options: ReportOptions): string | null {
  const named = options.db || ctx.env.CHAINTRAIL_DB;
  if (named) {
    if (!isClickHouseLocation(named) && !fs.existsSync(named))
      throw new UserError(`No such database: ${named}`, {
        code: 'FILE_NOT_FOUND',
        details: 'Give --db the database the trace was run on, or leave it out.',
      });
    return named;
  }
  return fs.existsSync(DEFAULT_DB_PATH) ? DEFAULT_DB_PATH : null;
}

/** A case id as the API makes them (a UUID); a file of that name wins. */
const CASE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs `chaintrail report` (its options and help: src/cli/commands/report.ts).
 *
 * @example
 * await runReport(ctx, 'trace.json', { format: 'pdf', out: 'report.pdf', page: 'a4' });
 */
export async function runReport(
  ctx: CliContext,
  input: string,
  options: ReportOptions,
): Promise<void> {
  checkWritable(options.out);
  const fromCase = !fs.existsSync(input) && CASE_ID.test(input);
  const trace = fromCase ? null : readTraceFile(input);
  const db = databaseOf(ctx, options);
  if (fromCase && db === null)
    throw new UserError(`A case is read from its database: give --db for case ${input}`, {
      code: 'BAD_USAGE',
    });
  const store = db === null ? undefined : await openStore({ db, env: ctx.env });
  let report;
  try {
    const ofCase = fromCase && store ? await readCaseTrace({ store, caseId: input }) : null;
    report = await buildReport({
      trace: ofCase?.trace ?? trace!,
      store,
      db: db ?? undefined,
      title: options.title,
      case: ofCase?.case,
      omit: options.omit,
      // Each other policy is a trace of its own: on by default with a database, off with
      // --no-compare-policies.
      comparePolicies: options.comparePolicies !== false,
    });
  } finally {
    await store?.close();
  }
  const html = renderReportHtml(report);
  const bytes = options.format === 'pdf' ? await printPdf({ html, page: options.page }) : html;
  writeWhole(options.out, bytes);
  const summary = {
    out: options.out,
    format: options.format,
    ...(options.format === 'pdf' ? { page: options.page } : {}),
    reconciled: report.reconciliation.ok,
    dataSha256: report.reproduction.dataSha256,
    reproduction: report.reproduction.command,
    store: db,
  };
  if (options.json) {
    ctx.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  ctx.stdout.write(
    [
      `Report written to ${options.out} (${options.format}${options.format === 'pdf' ? `, ${options.page}` : ''}).`,
      report.reconciliation.ok
        ? 'Reconciled: every check holds.'
        : `NOT reconciled: ${report.reconciliation.checks
            .filter((c) => !c.ok)
            .map((c) => c.name)
            .join('; ')} (see the report's summary).`,
      db === null
        ? 'No database: the data section records no chains or label lists.'
        : `Data from ${db}.`,
      `Data section SHA-256: ${report.reproduction.dataSha256}`,
      ...(report.reproduction.command
        ? [`Reproduce the trace: ${report.reproduction.command}`]
        : []),
      '',
    ].join('\n'),
  );
}
