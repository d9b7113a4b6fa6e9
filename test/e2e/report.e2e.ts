import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatUnits } from '../../src/model/amount.ts';
import { traceAmountToBigInt } from '../../src/trace/raw-amount.ts';
import { pdfText, pdfToolsMissing } from '../helpers/pdf-tools.ts';
import { openPage, SCREENSHOT_DIR, useDemo } from './harness.ts';

/** Width the report's pages are rendered at, as the screenshots of the UI. */
const SCREENSHOT_WIDTH_PX = 1280;
/** Pages of the report shown: the summary with its Sankey, and the freeze requests. */
const FIRST_PAGES = 2;

type Endpoint = {
  chain: string;
  category: string;
  entity: string | null;
  address: string;
  asset: string;
  amount: string;
};
type Trace = {
  endpoints: Endpoint[];
  nodes: { id: string; chain: string; address: string }[];
  edges: { to: string; txHash: string; sweep?: boolean }[];
};
const FREEZABLE = new Set(['exchange', 'deposit_wallet', 'hot_wallet', 'otc', 'instant_exchange']);

/**
 * The demo case's "Download report" (issue 21): the PDF the case page downloads holds every service
 * and deposit address of the case's freeze list, and its first pages are rendered with pdftoppm at
 * 1280 px into e2e-screenshots/.
 */
const missing = pdfToolsMissing();
describe.skipIf(missing !== null)(
  `the demo case's report${missing ? `: NOT RUN, ${missing}` : ''}`,
  () => {
    const demo = useDemo('chaintrail-e2e-report-');

    it('downloads the PDF from the case page, with the freeze list in it, and screenshots its first pages', async () => {
      const { page, errors, context } = await openPage(demo.browser, {
        width: 1280,
        height: 800,
        theme: 'light',
      });
      try {
        await page.goto(`${demo.server.url}/ui/cases/${demo.server.caseId}#key=${demo.server.key}`);
        await page.getByRole('heading', { name: demo.server.caseName }).waitFor();
        await page.getByLabel('Paper size').selectOption({ label: 'Letter' });
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('button', { name: 'Download report' }).click(),
        ]);
        const file = path.join(demo.dir, 'report.pdf');
        await download.saveAs(file);
        expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
        const text = pdfText(file);
        expect(text).toContain(demo.server.caseName);

        // The freeze list from the case's trace as the API gives it.
        const headers = { 'x-api-key': demo.server.key };
        const c = (await (
          await fetch(`${demo.server.url}/v1/cases/${demo.server.caseId}`, { headers })
        ).json()) as { traceIds: string[] };
        const result = (await (
          await fetch(`${demo.server.url}/v1/traces/${c.traceIds[0]}/result`, { headers })
        ).json()) as Trace;
        const freezable = result.endpoints.filter((e) => FREEZABLE.has(e.category));
        expect(freezable.length).toBeGreaterThan(0);
        // Per deposit address and asset: the exact amount (the demo's are ETH on anvil, 18
        // decimals) and every transaction by which traced value arrived.
        const deposits = new Map<string, bigint>();
        for (const e of freezable) {
          expect(text).toContain(e.address);
          if (e.entity) expect(text).toContain(e.entity);
          expect(`${e.chain} ${e.asset}`).toBe('anvil native');
          const k = `${e.address}|${e.asset}`;
          deposits.set(k, (deposits.get(k) ?? 0n) + traceAmountToBigInt(e.amount));
          const node = result.nodes.find((n) => n.chain === e.chain && n.address === e.address)!;
          const into = result.edges.filter((x) => x.to === node.id && !x.sweep);
          expect(into.length).toBeGreaterThan(0);
          for (const x of into) expect(text).toContain(x.txHash);
        }
        for (const raw of deposits.values()) expect(text).toContain(`${formatUnits(raw, 18)} ETH`);
        expect(text).toContain('Every check below holds');

        // The same report as one HTML file.
        await page.getByLabel('Report format').selectOption({ label: 'HTML' });
        const [html] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('button', { name: 'Download report' }).click(),
        ]);
        const htmlFile = path.join(demo.dir, 'report.html');
        await html.saveAs(htmlFile);
        const htmlText = fs.readFileSync(htmlFile, 'utf8');
        expect(htmlText).toMatch(/^<!doctype html>/);
        expect(htmlText).toContain(demo.server.caseName);

        fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
        // pdftoppm pads page numbers to the page count's digits: an earlier run's files go first.
        for (const f of fs.readdirSync(SCREENSHOT_DIR))
          if (f.startsWith('case-report-')) fs.rmSync(path.join(SCREENSHOT_DIR, f));
        const prefix = path.join(SCREENSHOT_DIR, 'case-report');
        const rendered = spawnSync('pdftoppm', [
          '-png',
          '-f',
          '1',
          '-l',
          String(FIRST_PAGES),
          '-scale-to-x',
          String(SCREENSHOT_WIDTH_PX),
          '-scale-to-y',
          '-1',
          file,
          prefix,
        ]);
        expect(rendered.status, String(rendered.stderr)).toBe(0);
        const shots = fs
          .readdirSync(SCREENSHOT_DIR)
          .filter((f) => f.startsWith('case-report-') && f.endsWith('.png'));
        expect(shots.length).toBe(FIRST_PAGES);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  },
);
