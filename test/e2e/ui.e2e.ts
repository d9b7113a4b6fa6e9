import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { openPage, screenshot, useDemo } from './harness.ts';

/** On OFAC's SDN list (Lazarus Group): screening must say sanctioned. */
const OFAC_ADDRESS = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96';
/** Amounts of the freeze list must equal the simulator's truth within this share. */
const AMOUNT_TOLERANCE = 0.001;
const ETH_DECIMALS = 18;

/** "1,234.5678 ETH" as 1234.5678. */
function parseEth(text: string): number {
  const match = /(-?[\d,]+(?:\.\d+)?)\s*ETH/.exec(text);
  if (!match) throw new Error(`no ETH amount in "${text}"`);
  return Number(match[1]!.replace(/,/g, ''));
}

describe('the web UI on the demo data, in Chromium', () => {
  const demo = useDemo('chaintrail-e2e-');
  const shots: string[] = [];

  afterAll(() => {
    if (shots.length) console.log(`screenshots:\n${shots.map((s) => `  ${s}`).join('\n')}`);
  });

  /** The case URL `chaintrail demo` printed, on the test server's port, signed in by its fragment. */
  const caseUrl = () =>
    `${demo.server.demoCaseUrl.replace(/^http:\/\/[^/]+/, demo.server.url)}#key=${demo.server.key}`;

  it('opens the simulated Bybit case, expands the exploiter, runs a haircut trace, shows the right freeze list, and saves and reopens the case', async () => {
    const { page, errors, context } = await openPage(demo.browser, {
      width: 1280,
      height: 800,
      theme: 'light',
    });
    try {
      await page.goto(caseUrl());
      await page.getByRole('heading', { name: demo.server.caseName }).waitFor();
      // The key came in the fragment and left the address bar.
      expect(page.url()).not.toContain('#key=');
      shots.push(await screenshot(page, 'case-graph-1280-light'));

      // Expand the exploiter: find it in the node list, select it, expand its counterparties.
      const exploiter = demo.server.truth.scenarios[0]!.attackerAddresses.find(
        (a) => a.role === 'exploiter',
      )!.address;
      await page.getByLabel('Find node').fill(exploiter);
      await page
        .getByRole('button', { name: new RegExp(exploiter, 'i') })
        .first()
        .click();
      await page.getByRole('button', { name: 'Expand', exact: true }).click();
      // The graph reports what the expansion loaded, and holds each counterparty the API knows.
      const expanded = page.getByText(/\d+ counterpart(y|ies) \(per asset and direction\)/);
      await expanded.waitFor();
      expect(Number(/(\d+) counterpart/.exec(await expanded.innerText())![1])).toBeGreaterThan(0);
      const flows = (await (
        await page.request.get(
          `${demo.server.url}/v1/addresses/anvil/${exploiter}/counterparties?direction=out&limit=5`,
          { headers: { 'x-api-key': demo.server.key } },
        )
      ).json()) as { assets: { flows: { counterparty: string }[] }[] };
      const counterparties = flows.assets.flatMap((a) => a.flows.map((f) => f.counterparty));
      expect(counterparties.length).toBeGreaterThan(0);
      for (const c of counterparties) {
        await page.getByLabel('Find node').fill(c);
        await page
          .getByRole('button', { name: new RegExp(c, 'i') })
          .first()
          .waitFor();
      }
      await page.getByLabel('Find node').fill('');
      shots.push(await screenshot(page, 'case-graph-expanded-1280-light'));
      // Exports of the graph: GraphML (the trace's, from the API) and the PNG of the canvas.
      const graphml = await downloadText(page, 'Export GraphML');
      expect(graphml).toContain('<graphml');
      expect(graphml.toLowerCase()).toContain(exploiter.toLowerCase());
      const png = await downloadBytes(page, 'Export PNG');
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');

      // A haircut trace of the theft, from the graph's trace form; its progress shows, then ends.
      await page.getByLabel('Policy').selectOption('haircut');
      await page.getByRole('button', { name: 'Run trace' }).click();
      await page.getByRole('progressbar', { name: 'Trace progress' }).waitFor();
      // Done when the bar reads 100% and says so (it stays, with what the trace found).
      await page.waitForFunction(() => {
        const bar = document.querySelector('[role="progressbar"][aria-label="Trace progress"]');
        return bar?.getAttribute('aria-valuetext')?.includes('done') ?? false;
      });
      await page.getByText('unsaved changes').waitFor();

      // The path from a seed to an exchange deposit address, and an annotation on that address.
      const deposit = demo.server.truth.scenarios[0]!.endpoints.find(
        (e) => e.category === 'deposit_wallet',
      )!;
      await page.getByLabel('Find node').fill(deposit.address);
      await page
        .getByRole('button', { name: new RegExp(deposit.address, 'i') })
        .first()
        .click();
      await page.getByRole('button', { name: 'Show path from seed' }).click();
      await page
        .getByRole('status')
        .getByText(/Path of \d+ hops? from a seed highlighted/)
        .waitFor();
      shots.push(await screenshot(page, 'case-graph-path-1280-light'));
      const note = `Freeze request to ${deposit.entity} drafted`;
      await page.getByLabel('Annotation').fill(note);
      await page.getByRole('button', { name: 'Save annotation' }).click();
      // GraphML of the graph as drawn carries the annotation; the trace's own lists its transfers.
      expect(await downloadText(page, 'Export GraphML')).toContain(note);
      const traceGraphml = await downloadText(page, 'Export trace GraphML');
      expect(traceGraphml).toContain('<graphml');
      expect(traceGraphml.toLowerCase()).toContain(deposit.address.toLowerCase());
      await page.getByLabel('Find node').fill('');

      // The freeze list: per exchange (deposit addresses and instant exchanges, which can freeze too),
      // the value that the simulator's truth says arrived there, and no other exchange.
      await page.getByRole('tab', { name: 'Where the money is' }).click();
      await page.getByRole('heading', { name: 'Freeze list' }).waitFor();
      const truthByExchange = new Map<string, number>();
      for (const e of demo.server.truth.scenarios[0]!.endpoints)
        if (
          (e.category === 'deposit_wallet' || e.category === 'instant_exchange') &&
          e.asset === 'native'
        )
          truthByExchange.set(
            e.entity!,
            (truthByExchange.get(e.entity!) ?? 0) + Number(e.amount) / 10 ** ETH_DECIMALS,
          );
      expect(truthByExchange.size).toBeGreaterThan(1);
      const freeze = page.getByRole('table', { name: 'Freeze list' });
      for (const [exchange, amount] of truthByExchange) {
        const total = freeze.getByRole('row', { name: new RegExp(`^${exchange}\\b.*total`, 'i') });
        const shown = parseEth(await total.first().innerText());
        expect(
          Math.abs(shown - amount) / amount,
          `${exchange}: ${shown} vs ${amount}`,
        ).toBeLessThan(AMOUNT_TOLERANCE);
      }
      expect(await freeze.getByRole('row', { name: /\btotal\b/i }).count()).toBe(
        truthByExchange.size,
      );
      shots.push(await screenshot(page, 'case-money-1280-light'));
      // The freeze list as CSV: one row per deposit address, each exchange of the truth in it.
      const csv = await downloadText(page, 'Download freeze list (CSV)');
      for (const exchange of truthByExchange.keys()) expect(csv).toContain(exchange);
      expect(csv.trim().split(/\r?\n/).length).toBeGreaterThan(truthByExchange.size);
      await page.getByRole('tab', { name: 'Dashboard' }).click();
      await page.getByRole('heading', { name: 'Incident dashboard' }).waitFor();
      shots.push(await screenshot(page, 'case-dashboard-1280-light'));

      // Save, reopen: the new trace and the expanded graph come back.
      await page.getByRole('tab', { name: 'Graph' }).click();
      await page.getByLabel('Find node').waitFor();
      const shownBefore = await graphSize(page);
      await page.getByRole('button', { name: 'Save case' }).click();
      await page.getByText(/Saved at/).waitFor();
      // Saved through the API: the case now refers to the demo's trace and the new haircut one.
      const stored = await page.request.get(`${demo.server.url}/v1/cases/${demo.server.caseId}`, {
        headers: { 'x-api-key': demo.server.key },
      });
      const saved = (await stored.json()) as {
        traceIds: string[];
        version: number;
        graph: { version: number; nodes: unknown[] } | null;
      };
      expect(saved.traceIds).toHaveLength(2);
      expect(saved.version).toBe(2);
      // In the compact form (version 2 of the graph), with every address of the graph.
      expect(saved.graph?.version).toBe(2);
      expect(saved.graph?.nodes.length).toBe(shownBefore.addresses);
      const job = (await (
        await page.request.get(`${demo.server.url}/v1/traces/${saved.traceIds[1]}`, {
          headers: { 'x-api-key': demo.server.key },
        })
      ).json()) as { state: string; parameters: { policy: string } };
      expect(job).toMatchObject({ state: 'done', parameters: { policy: 'haircut' } });
      // Reopened: the saved graph comes back whole (as many addresses and edges).
      const reopened = await graphSizeAfterReload(page);
      expect(reopened).toEqual(shownBefore);
      // The annotation came back with the case.
      await page.getByLabel('Find node').fill(deposit.address);
      await page
        .getByRole('button', { name: new RegExp(deposit.address, 'i') })
        .first()
        .click();
      expect(await page.getByLabel('Annotation').inputValue()).toBe(note);
      await page.getByRole('tab', { name: 'Where the money is' }).click();
      await page.getByRole('table', { name: 'Freeze list' }).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  async function downloadBytes(page: Page, button: string): Promise<Buffer> {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: button, exact: true }).click(),
    ]);
    return fs.readFileSync((await download.path())!);
  }
  const downloadText = async (page: Page, button: string) =>
    (await downloadBytes(page, button)).toString('utf8');

  /** The graph's size as its status line gives it: addresses in the graph and edges shown. */
  async function graphSize(page: Page): Promise<{ addresses: number; edges: number }> {
    const status = page.getByText(/^[\d,]+ of [\d,]+ addresses and [\d,]+ edges shown/);
    const [, addresses, edges] = /of ([\d,]+) addresses and ([\d,]+) edges/.exec(
      await status.innerText(),
    )!;
    return {
      addresses: Number(addresses!.replace(/,/g, '')),
      edges: Number(edges!.replace(/,/g, '')),
    };
  }

  async function graphSizeAfterReload(page: Page): Promise<{ addresses: number; edges: number }> {
    await page.reload();
    await page.getByRole('heading', { name: demo.server.caseName }).waitFor();
    await page.getByRole('tab', { name: 'Graph' }).click();
    await page.getByLabel('Find node').waitFor();
    return graphSize(page);
  }

  it('screens an OFAC-listed address and shows it sanctioned', async () => {
    const { page, errors, context } = await openPage(demo.browser, {
      width: 1280,
      height: 800,
      theme: 'light',
    });
    try {
      await page.goto(`${demo.server.url}/ui/screen#key=${demo.server.key}`);
      await page
        .getByLabel('Addresses')
        .fill(`${OFAC_ADDRESS}\n0x0000000000000000000000000000000000000001`);
      await page.getByRole('button', { name: 'Screen', exact: true }).click();
      const results = page.getByRole('table', { name: 'Screening results' });
      const listed = results.getByRole('row', { name: new RegExp(OFAC_ADDRESS, 'i') });
      await listed.getByText('Sanctioned', { exact: true }).waitFor();
      const clean = results.getByRole('row', { name: /0x0{39}1/i });
      expect(await clean.getByText('Sanctioned', { exact: true }).count()).toBe(0);
      shots.push(await screenshot(page, 'screening-1280-light'));
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('works by keyboard alone: search an address from the top bar, then screen it', async () => {
    const { page, errors, context } = await openPage(demo.browser, {
      width: 1280,
      height: 800,
      theme: 'light',
    });
    try {
      const exploiter = demo.server.truth.scenarios[0]!.attackerAddresses.find(
        (a) => a.role === 'exploiter',
      )!.address;
      await page.goto(`${demo.server.url}/ui/#key=${demo.server.key}`);
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      // Tab from the top of the page reaches the search box; Enter searches. The address exists on
      // the demo's chain only, so the search opens its page directly (chain detection).
      const search = page.getByRole('searchbox', {
        name: 'Search an address, transaction, label or entity',
      });
      for (let i = 0; i < 5 && !(await search.evaluate((el) => el === document.activeElement)); i++)
        await page.keyboard.press('Tab');
      expect(await search.evaluate((el) => el === document.activeElement)).toBe(true);
      await page.keyboard.type(exploiter);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/ui\/address\/anvil\//);
      await page.getByRole('heading', { level: 1, name: new RegExp(exploiter, 'i') }).waitFor();
      // Screening by keyboard: the textarea, then Tab to the Screen button, Enter.
      await page.goto(`${demo.server.url}/ui/screen`);
      await page.getByLabel('Addresses').focus();
      await page.keyboard.type(OFAC_ADDRESS);
      const screen = page.getByRole('button', { name: 'Screen', exact: true });
      for (
        let i = 0;
        i < 10 && !(await screen.evaluate((el) => el === document.activeElement));
        i++
      )
        await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page
        .getByRole('table', { name: 'Screening results' })
        .getByText('Sanctioned', { exact: true })
        .waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  // Every page, at a laptop's 1280x800 in the light theme and at a phone's 390 px in the dark one:
  // it renders its heading without a console error, and its screenshot is written.
  it('renders every page at 1280x800 (light) and 390x844 (dark)', async () => {
    const scenario = demo.server.truth.scenarios[0]!;
    const exploiter = scenario.attackerAddresses.find((a) => a.role === 'exploiter')!.address;
    const theftTx = (scenario as unknown as { theftTransactions: string[] }).theftTransactions[0]!;
    const pages: { name: string; path: string; heading: string | RegExp }[] = [
      { name: 'home', path: '/ui/', heading: 'Follow the money' },
      { name: 'search-label', path: '/ui/search?q=Exchange', heading: /Search results/ },
      {
        name: 'address',
        path: `/ui/address/anvil/${exploiter}`,
        heading: new RegExp(exploiter, 'i'),
      },
      { name: 'transaction', path: `/ui/tx/anvil/${theftTx}`, heading: 'Decoded events' },
      { name: 'screening', path: '/ui/screen', heading: 'Screening' },
      { name: 'cases', path: '/ui/cases', heading: 'Cases' },
      {
        name: 'case-graph',
        path: `/ui/cases/${demo.server.caseId}?view=graph`,
        heading: demo.server.caseName,
      },
      {
        name: 'case-money',
        path: `/ui/cases/${demo.server.caseId}?view=money`,
        heading: 'Freeze list',
      },
      {
        name: 'case-dashboard',
        path: `/ui/cases/${demo.server.caseId}?view=dashboard`,
        heading: 'Incident dashboard',
      },
      {
        name: 'case-notes',
        path: `/ui/cases/${demo.server.caseId}?view=notes`,
        heading: demo.server.caseName,
      },
      { name: 'alerts', path: '/ui/alerts', heading: 'Alerts' },
    ];
    for (const view of [
      { width: 1280, height: 800, theme: 'light' as const },
      { width: 390, height: 844, theme: 'dark' as const },
    ]) {
      const { page, errors, context } = await openPage(demo.browser, view);
      try {
        // Sign in once per browser context; the key stays in its local storage.
        await page.goto(`${demo.server.url}/ui/#key=${demo.server.key}`);
        await page.getByRole('button', { name: 'Sign out' }).waitFor();
        for (const p of pages) {
          await page.goto(`${demo.server.url}${p.path}`);
          await page.getByRole('heading', { name: p.heading }).first().waitFor();
          // Charts and the graph draw after their data arrives; the alerts page keeps its event
          // stream open, so it is ready when the stream is live (this server follows no chain, so
          // the page says that instead of "Live").
          if (p.name === 'alerts')
            await page.getByTestId('live-status').getByText('Not following any chain').waitFor();
          else await page.waitForLoadState('networkidle');
          shots.push(await screenshot(page, `${p.name}-${view.width}-${view.theme}`));
          expect(errors, `${p.name} at ${view.width} px`).toEqual([]);
        }
      } finally {
        await context.close();
      }
    }
  });
});
