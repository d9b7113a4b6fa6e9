import fs from 'node:fs';
import { UserError } from '../errors/base.ts';

/** Debian's Chromium (`apt-get install -y chromium`), as the e2e tests use it; CHROMIUM_PATH overrides. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
/**
 * Headless and silent: printing a file needs no network, and the report must not call anywhere (the
 * e2e tests launch Chromium with the same arguments).
 */
export const HEADLESS_CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Page margins: room for the printer's grip on either paper size. */
const MARGIN = '12mm';

export type PaperSize = 'a4' | 'letter';

export type PrintPdfParameters = {
  html: string;
  page: PaperSize;
  /** Chromium's executable (default: CHROMIUM_PATH, else Debian's). */
  chromiumPath?: string | undefined;
};
export type PrintPdfReturnType = Buffer;

/**
 * Prints a report's HTML to PDF with Chromium through playwright-core, A4 or Letter. The page is
 * loaded from a string with every request refused, so the PDF shows exactly the file.
 *
 * @example
 * fs.writeFileSync('report.pdf', await printPdf({ html, page: 'a4' }));
 */
export async function printPdf(parameters: PrintPdfParameters): Promise<PrintPdfReturnType> {
  const executablePath =
    parameters.chromiumPath ?? process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH;
  if (!fs.existsSync(executablePath))
    throw new UserError(`Chromium not found at ${executablePath}: a PDF is printed with it`, {
      code: 'CHROMIUM_NOT_FOUND',
      details:
        'Install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH; --format html needs no browser.',
    });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: HEADLESS_CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    // The report is self-contained: any request it would make is refused, never sent.
    await context.route('**/*', (route) => route.abort());
    const page = await context.newPage();
    await page.setContent(parameters.html, { waitUntil: 'load' });
    return await page.pdf({
      format: parameters.page === 'a4' ? 'A4' : 'Letter',
      printBackground: true,
      margin: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    });
  } finally {
    await browser.close();
  }
}
