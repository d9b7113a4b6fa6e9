import { type Command, InvalidArgumentError } from 'commander';
import { REPORT_SECTIONS, type ReportSection } from '../../report/sections.ts';
import type { CliContext, GlobalOptions } from '../context.ts';
import { withGlobalOptions } from '../options.ts';

const FORMATS = ['html', 'pdf'] as const;
const PAGES = ['a4', 'letter'] as const;
/** Every section but the summary, which carries the reconciliation, can be left out. */
export const OMITTABLE_SECTIONS: readonly ReportSection[] = REPORT_SECTIONS.filter(
  (s) => s !== 'summary',
);

export type ReportOptions = GlobalOptions & {
  format: (typeof FORMATS)[number];
  /** False with --no-compare-policies. */
  comparePolicies?: boolean;
  out: string;
  page: (typeof PAGES)[number];
  omit?: ReportSection[];
  title?: string;
};

function oneOf<T extends string>(values: readonly T[]) {
  return (v: string): T => {
    if (!(values as readonly string[]).includes(v))
      throw new InvalidArgumentError(`expected one of ${values.join(', ')}`);
    return v as T;
  };
}

function parseOmit(value: string): ReportSection[] {
  const sections = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const s of sections)
    if (!(OMITTABLE_SECTIONS as readonly string[]).includes(s))
      throw new InvalidArgumentError(
        `"${s}" is not a section that can be left out: ${OMITTABLE_SECTIONS.join(', ')}`,
      );
  return sections as ReportSection[];
}

/**
 * `chaintrail report <trace.json | case id>`: the investigation report of a trace (what was traced, where it
 * is now, freeze requests, method, evidence, data and how to reproduce it) as one self-contained
 * HTML file or a PDF printed from it.
 *
 * @example
 * chaintrail report trace.json --format pdf --out report.pdf --page letter --db case.duckdb
 */
export function registerReportCommand(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command('report')
      .description(
        'an investigation report of a trace: summary with a Sankey, freeze requests, method, evidence with every hop, data provenance and the command that reproduces it; HTML or PDF',
      )
      .argument(
        '<trace>',
        "a trace result (the JSON `chaintrail trace … --json` writes), or a case id: the case's latest finished forward trace, with its name, author, notes and annotations",
      )
      .requiredOption(
        '--out <file>',
        'the report file to write (replaced as a whole, never half-written)',
      )
      .option('--format <format>', `${FORMATS.join(' or ')}`, oneOf(FORMATS), 'html')
      .option('--page <size>', `PDF paper: ${PAGES.join(' or ')}`, oneOf(PAGES), 'a4')
      .option(
        '--omit <sections>',
        `sections to leave out, comma-separated: ${OMITTABLE_SECTIONS.join(', ')}`,
        parseOmit,
      )
      .option('--title <text>', 'the report title (default: names the trace and its seed)')
      .option(
        '--no-compare-policies',
        "leave out the method section's table of the other taint policies (each is a trace of its own on the database)",
      )
      .addHelpText(
        'after',
        '\nThe data section (chains and block ranges, label lists with their SHA-256) is read from the database the trace ran on: --db, else $CHAINTRAIL_DB, else ./chaintrail.duckdb when it exists; the report says when there was none. The PDF is printed with Chromium (Debian: apt-get install -y chromium; CHROMIUM_PATH overrides /usr/bin/chromium).',
      ),
  ).action(async (trace: string, options: ReportOptions) => {
    const { runReport } = await import('../run/report.ts');
    await runReport(ctx, trace, options);
  });
}
