// Issue 21's target: a report of a 5,000-node trace takes at most 3x the trace's JSON export plus
// one Chromium print of a blank page, measured in the same run.
import type { Browser } from 'playwright-core';
import { buildReport } from '../src/report/build-report.ts';
import { printPdf } from '../src/report/print-pdf.ts';
import { renderReportHtml } from '../src/report/render-html.ts';
import { traceToJson } from '../src/trace/export-trace.ts';
import { browserOrSkip } from './browser.ts';
import type { Benchmark, BenchmarkContext, BenchmarkResult, BenchmarkSkipped } from './types.ts';
import { LARGE, syntheticTrace } from './ui-graph.ts';

/** Runs of each side; the median is reported (the machine is shared). */
const RUNS = 3;
/** The bound: the report within 3x the reference, i.e. a ratio of at least 1/3. */
const TARGET_RATIO = 1 / 3;
const BLANK_PAGE =
  '<!doctype html><html><head><meta charset="utf-8"><title>blank</title></head><body></body></html>';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed<T>(fn: () => Promise<T> | T): Promise<{ seconds: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, value };
}

async function run(ctx: BenchmarkContext): Promise<BenchmarkResult | BenchmarkSkipped> {
  // Chromium is what prints; without it there is nothing to measure (the browser launched here only
  // checks it is present: printPdf launches its own, as the CLI does).
  const probe = await browserOrSkip(ctx, 'report');
  if ('skipped' in probe) return probe;
  await (probe as Browser).close();
  const { result } = syntheticTrace(LARGE);
  ctx.log(
    `  trace: ${result.nodes.length.toLocaleString('en-US')} nodes, ${result.edges.length.toLocaleString('en-US')} edges, ${result.endpoints.length} endpoints (synthetic, bench/ui-graph.ts)`,
  );
  const references: number[] = [];
  const subjects: number[] = [];
  const parts = {
    json: [] as number[],
    blank: [] as number[],
    model: [] as number[],
    html: [] as number[],
    print: [] as number[],
  };
  let pdfBytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const json = await timed(() => traceToJson(result));
    const blank = await timed(() => printPdf({ html: BLANK_PAGE, page: 'a4' }));
    references.push(json.seconds + blank.seconds);
    parts.json.push(json.seconds);
    parts.blank.push(blank.seconds);
    const model = await timed(() => buildReport({ trace: result }));
    const html = await timed(() => renderReportHtml(model.value));
    const pdf = await timed(() => printPdf({ html: html.value, page: 'a4' }));
    subjects.push(model.seconds + html.seconds + pdf.seconds);
    parts.model.push(model.seconds);
    parts.html.push(html.seconds);
    parts.print.push(pdf.seconds);
    pdfBytes = pdf.value.length;
  }
  const s = (xs: number[]) => `${median(xs).toFixed(3)} s`;
  return {
    reference: {
      label: 'JSON export + Chromium print of a blank page',
      seconds: median(references),
    },
    subject: { label: 'report: model, HTML and PDF (A4)', seconds: median(subjects) },
    rows: result.nodes.length,
    unit: 'nodes',
    target: TARGET_RATIO,
    notes: [
      `medians of ${RUNS}: JSON export ${s(parts.json)}, blank print ${s(parts.blank)}; report model ${s(parts.model)}, HTML ${s(parts.html)}, print ${s(parts.print)} (${(pdfBytes / 1e6).toFixed(1)} MB PDF)`,
    ],
  };
}

export const reportBenchmark: Benchmark = {
  id: 'report',
  name: 'investigation report of a 5,000-node trace (HTML and PDF) against its JSON export plus a blank print',
  run,
};
