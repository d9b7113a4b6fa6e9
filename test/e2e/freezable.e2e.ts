import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, runCli, useDemo } from './harness.ts';

/**
 * A test price for the demo's simulated ether, imported with `chaintrail import prices`: 2,000 USD
 * a day over the simulated theft's days. Test data for a simulated chain, not market data; its
 * source says so in the summary the test reads.
 */
const TEST_USD_PER_ETH = 2000;
const TEST_PRICE_DAYS = ['2025-02-19', '2025-02-20', '2025-02-21', '2025-02-22', '2025-02-23'];
const TEST_PRICE_SOURCE = 'test prices, not market data';

/** `127.53 ETH` in some text, as a number. */
function ethIn(text: string, after: RegExp): number {
  const m = new RegExp(`${after.source}\\s*([\\d,]+(?:\\.\\d+)?) ETH`).exec(text);
  if (!m) throw new Error(`no ETH amount after ${after} in: ${text}`);
  return Number(m[1]!.replace(/,/g, ''));
}

/** `25.0%` or `24.99%` after some text, as a share. */
function percentIn(text: string, after: RegExp): number {
  const m = new RegExp(`${after.source}[^%]*?\\(?([\\d.]+)%`).exec(text);
  if (!m) throw new Error(`no percentage after ${after} in: ${text}`);
  return Number(m[1]) / 100;
}

/** Amounts shown with 2 to 4 decimals (cut, not rounded) agree within a hundredth of an ETH. */
function near(shown: number, expected: number): void {
  expect(Math.abs(shown - expected), `${shown} vs ${expected}`).toBeLessThan(0.01);
}

describe('one freezable figure on every page, the CLI and the API (issue 17, items 2 and 8)', () => {
  const demo = useDemo('chaintrail-e2e-freezable-', {
    beforeServe: (db, dir) => {
      const prices = path.join(dir, 'test-prices.csv');
      fs.writeFileSync(
        prices,
        `date,usd\n${TEST_PRICE_DAYS.map((d) => `${d},${TEST_USD_PER_ETH}`).join('\n')}\n`,
      );
      runCli([
        'import',
        'prices',
        prices,
        '--chain',
        'anvil',
        '--asset',
        'native',
        '--source',
        TEST_PRICE_SOURCE,
        '--db',
        db,
      ]);
    },
  });

  const open = async (page: Page, view: string) => {
    await page.goto(
      `${demo.server.url}/ui/cases/${demo.server.caseId}?view=${view}#key=${demo.server.key}`,
    );
    await page.getByRole('heading', { name: demo.server.caseName }).waitFor();
  };

  it('the case opens on its summary, and its freezable figure is the dashboard’s, the freeze list’s, the Sankey’s, the CLI’s and the API’s', async () => {
    // The API: the trace's own summary.
    const caseDoc = (await (
      await fetch(`${demo.server.url}/v1/cases/${demo.server.caseId}`, {
        headers: { 'x-api-key': demo.server.key },
      })
    ).json()) as { traceIds: string[] };
    const result = (await (
      await fetch(`${demo.server.url}/v1/traces/${caseDoc.traceIds[0]}/result`, {
        headers: { 'x-api-key': demo.server.key },
      })
    ).json()) as {
      summary: { freezable: { share: number; services: number } | null };
      endpoints: { category: string; amount: string }[];
    };
    const api = result.summary.freezable!;
    expect(api.services).toBeGreaterThan(1);
    // The CLI: `chaintrail demo` printed the trace's "Freezable:" line.
    const cliLine = /Freezable: .*/.exec(demo.server.demoOutput)![0];
    const cliEth = ethIn(cliLine, /Freezable:/);
    expect(percentIn(cliLine, /Freezable:/)).toBeCloseTo(api.share, 3);
    expect(cliLine).toContain(`at ${api.services} services`);

    const { page, errors, context } = await openPage(demo.browser, {
      width: 1280,
      height: 800,
      theme: 'light',
    });
    try {
      // The summary above the tabs, on the view the case opens on.
      await open(page, 'graph');
      const region = page.getByRole('region', { name: 'Case summary' });
      // The USD values arrive after the amounts (a second request): wait for their source line.
      await region.getByText(/^USD prices:/).waitFor();
      const summary = await region.innerText();
      expect(summary).toMatch(/^Stolen [\d,.]+ ETH/);
      const shown = ethIn(summary, /Freezable:/);
      near(shown, cliEth);
      expect(percentIn(summary, /Freezable:/)).toBeCloseTo(api.share, 3);
      expect(summary).toContain(`at ${api.services} services`);
      // USD at transfer time where the store has prices, with their source.
      const valuation = (await (
        await fetch(`${demo.server.url}/v1/traces/${caseDoc.traceIds[0]}/valuation`, {
          headers: { 'x-api-key': demo.server.key },
        })
      ).json()) as { freezable: { usd: number | null; pricedShare: number } };
      expect(valuation.freezable.usd).not.toBeNull();
      // The freezable value is ether only here: all of it priced, at the test price.
      expect(valuation.freezable.pricedShare).toBe(1);
      expect(valuation.freezable.usd! / TEST_USD_PER_ETH).toBeCloseTo(cliEth, 2);
      const usd = /Freezable: [^)]*\)\s*\(\$([\d.]+)([KM]) at transfer time/.exec(summary);
      expect(usd, summary).not.toBeNull();
      const shownUsd = Number(usd![1]) * (usd![2] === 'M' ? 1e6 : 1e3);
      expect(Math.abs(shownUsd - valuation.freezable.usd!) / valuation.freezable.usd!).toBeLessThan(
        0.01,
      );
      expect(summary).toContain(`USD prices: ${TEST_PRICE_SOURCE}`);

      // The dashboard's Freezable figure.
      await open(page, 'dashboard');
      const figures = page.getByRole('table', { name: 'Incident figures' });
      const row = figures.getByRole('row', { name: /^Freezable/ });
      near(ethIn(await row.locator('td').first().innerText(), /^/), cliEth);
      expect(await row.innerText()).toContain(`at ${api.services} services`);

      // The freeze list: its total and its services.
      await open(page, 'money');
      const freezeText = await page
        .getByRole('region', { name: 'Freeze list' })
        .locator('p')
        .first()
        .innerText();
      near(ethIn(freezeText, /^/), cliEth);
      expect(freezeText).toContain(`at ${api.services} services that can freeze it`);

      // The Sankey's flows: its freezable buckets add up to the same figure.
      await page.getByText('The flows as a table').click();
      const flows = await page
        .getByRole('table', { name: 'Flows of the stolen value' })
        .locator('tbody tr')
        .allInnerTexts();
      const freezableFlows = flows.filter((r) => /^Stolen\s+.*\(freezable\)/.test(r));
      expect(freezableFlows.length).toBeGreaterThan(0);
      const sankeyEth = freezableFlows.reduce((s, r) => s + ethIn(r, /\(freezable\)/), 0);
      near(sankeyEth, cliEth);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
