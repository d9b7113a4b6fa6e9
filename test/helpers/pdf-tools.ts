import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** Debian's Chromium, as the e2e tests and `chaintrail report --format pdf` use it. */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Why PDF tests cannot run here, or null: they print with Chromium and read the PDF back with
 * poppler-utils (`pdftotext`, `pdfinfo`: Debian's `apt-get install -y poppler-utils`). A suite
 * skipped for it says "NOT RUN" and this reason in its name.
 *
 * @example
 * const missing = pdfToolsMissing();
 * describe.skipIf(missing !== null)(`PDF${missing ? `: NOT RUN, ${missing}` : ''}`, () => { … });
 */
export function pdfToolsMissing(): string | null {
  if (!fs.existsSync(CHROMIUM_PATH)) return `Chromium missing at ${CHROMIUM_PATH}`;
  for (const tool of ['pdftotext', 'pdfinfo'])
    if (spawnSync(tool, ['-v']).error) return `${tool} missing (apt-get install -y poppler-utils)`;
  return null;
}

/** Room for the text of a long report (the demo's runs to a few MB; spawnSync's default is 1 MB). */
const MAX_TEXT_BYTES = 256 * 1024 * 1024;

/**
 * The text of a PDF file, as `pdftotext -layout` reads it.
 *
 * @example
 * pdfText('report.pdf').includes('Alder Exchange');
 */
export function pdfText(file: string): string {
  const run = spawnSync('pdftotext', ['-layout', file, '-'], {
    encoding: 'utf8',
    maxBuffer: MAX_TEXT_BYTES,
  });
  if (run.status !== 0)
    throw new Error(`pdftotext ${file} failed: ${run.error?.message ?? run.stderr}`);
  return run.stdout;
}

/**
 * A PDF's page size and count, as `pdfinfo` prints them.
 *
 * @example
 * pdfInfo('report.pdf'); // { pages: 3, pageSize: '595.276 x 841.89 pts (A4)' }
 */
export function pdfInfo(file: string): { pages: number; pageSize: string } {
  const run = spawnSync('pdfinfo', [file], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`pdfinfo ${file} failed: ${run.stderr}`);
  const pages = /^Pages:\s+(\d+)/m.exec(run.stdout);
  const size = /^Page size:\s+(.+)$/m.exec(run.stdout);
  return { pages: Number(pages?.[1] ?? 0), pageSize: size?.[1]?.trim() ?? '' };
}
