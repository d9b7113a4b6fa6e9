import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TraceResult } from '../../src/trace/types.ts';
import { openPage, screenshot, useDemo } from './harness.ts';

const ETH_DECIMALS = 18;
/** The money view shows whole ETH to 4 decimals: the seed value must match to that. */
const SHOWN_ETH_PRECISION = 1e-4;
const BACKWARD_NAME = 'Where the deposit’s ETH came from';

type GraphSize = { shown: number; addresses: number; edges: number };
type CsvRow = Record<string, string>;

/** The graph's status line: addresses drawn, addresses in the graph, edges drawn. */
async function graphSize(page: Page): Promise<GraphSize> {
  const text = await page
    .getByText(/^[\d,]+ of [\d,]+ addresses and [\d,]+ edges shown/)
    .innerText();
  const [, shown, addresses, edges] = /^([\d,]+) of ([\d,]+) addresses and ([\d,]+) edges/.exec(
    text,
  )!;
  const n = (s: string) => Number(s.replace(/,/g, ''));
  return { shown: n(shown!), addresses: n(addresses!), edges: n(edges!) };
}

/** A CSV without quoted fields (addresses, hashes, numbers, ids) as objects by header. */
function parseCsv(text: string): CsvRow[] {
  const [header, ...lines] = text.trimEnd().split(/\r?\n/);
  const columns = header!.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    expect(cells).toHaveLength(columns.length);
    return Object.fromEntries(columns.map((c, i) => [c, cells[i]!]));
  });
}

describe('traces as layers of the case graph, and a path as evidence (issue 17, items 6 and 7)', () => {
  const demo = useDemo('chaintrail-e2e-layers-');

  const get = async <T>(page: Page, path: string): Promise<T> => {
    const res = await page.request.get(`${demo.server.url}${path}`, {
      headers: { 'x-api-key': demo.server.key },
    });
    expect(res.ok(), path).toBe(true);
    return (await res.json()) as T;
  };

  async function downloadText(page: Page, click: () => Promise<void>): Promise<string> {
    const [download] = await Promise.all([page.waitForEvent('download'), click()]);
    return fs.readFileSync((await download.path())!, 'utf8');
  }

  it('adds a backward trace as a layer beside the forward one, keeps the money views apart, and lists a path’s transfers as the API has them', async () => {
    const { page, errors, context } = await openPage(demo.browser, {
      width: 1280,
      height: 800,
      theme: 'light',
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: demo.server.url,
    });
    try {
      await page.goto(
        `${demo.server.demoCaseUrl.replace(/^http:\/\/[^/]+/, demo.server.url)}#key=${demo.server.key}`,
      );
      await page.getByRole('heading', { name: demo.server.caseName }).waitFor();
      await page.getByLabel('Find node').waitFor();
      const forwardId = (await get<{ traceIds: string[] }>(page, `/v1/cases/${demo.server.caseId}`))
        .traceIds[0]!;
      const forward = await get<TraceResult>(page, `/v1/traces/${forwardId}/result`);
      const before = await graphSize(page);
      expect(before.addresses).toBeGreaterThan(100);

      // A backward trace from a deposit address the theft reached, run from the graph.
      const truth = demo.server.truth.scenarios[0]!;
      const deposits = truth.endpoints.filter(
        (e) => e.category === 'deposit_wallet' && e.asset === 'native',
      );
      expect(deposits.length).toBeGreaterThan(1);
      const seed = deposits[0]!.address;
      await page.getByLabel('Find node').fill(seed);
      await page
        .getByRole('button', { name: new RegExp(seed, 'i') })
        .first()
        .click();
      await page.getByText('From 1 selected node').waitFor();
      await page.getByLabel('Direction').selectOption('backward');
      await page.getByRole('button', { name: 'Run trace' }).click();
      const traces = page.getByRole('table', { name: 'Traces of the case' });
      // Header and two traces.
      await traces.getByRole('row').nth(2).waitFor();
      await page.getByText('unsaved changes').waitFor();
      await page.getByLabel('Find node').fill('');

      // Both traces listed: the demo's forward trace (main) and the new backward one, both drawn.
      const rows = traces.getByRole('row');
      expect(await rows.count()).toBe(3);
      const first = await rows.nth(1).innerText();
      const second = await rows.nth(2).innerText();
      expect(first).toMatch(/forward/);
      expect(first).toMatch(/\bmain\b/);
      expect(await rows.nth(1).getByRole('radio').isChecked()).toBe(true);
      expect(await rows.nth(2).getByRole('radio').isChecked()).toBe(false);
      expect(second).toMatch(/backward/);
      expect(second).toContain(seed.slice(0, 6));
      expect(
        await traces
          .getByRole('checkbox')
          .evaluateAll((b) => b.map((x) => (x as HTMLInputElement).checked)),
      ).toEqual([true, true]);
      const backwardId = (
        await get<{ traces: { id: string; parameters: { direction: string } }[] }>(
          page,
          '/v1/traces',
        )
      ).traces.find((j) => j.parameters.direction === 'backward')!.id;
      const backward = await get<TraceResult>(page, `/v1/traces/${backwardId}/result`);

      // The graph kept every node of the forward trace and added the backward trace's.
      const after = await graphSize(page);
      expect(after.addresses).toBeGreaterThanOrEqual(before.addresses);
      expect(after.shown).toBeGreaterThanOrEqual(before.shown);
      expect(after.edges).toBeGreaterThan(before.edges);
      const exported = JSON.parse(
        await downloadText(page, () => page.getByRole('button', { name: 'Export JSON' }).click()),
      ) as { nodes: { id: string }[]; traceIds: string[] };
      const inGraph = new Set(exported.nodes.map((n) => n.id));
      expect(forward.nodes.filter((n) => !inGraph.has(n.id)).map((n) => n.id)).toEqual([]);
      expect(backward.nodes.filter((n) => !inGraph.has(n.id)).map((n) => n.id)).toEqual([]);
      expect(exported.traceIds).toEqual([forwardId, backwardId]);
      await screenshot(page, 'case-layers-graph-1280-light');

      // Where the money is: the main (forward) trace's stolen value and freeze list.
      await page.getByRole('tab', { name: 'Where the money is' }).click();
      await page.getByRole('heading', { name: 'Freeze list' }).waitFor();
      const caption = await page.locator('.trace-caption').innerText();
      expect(caption).toMatch(/main trace · forward/);
      const stolenRaw = forward.summary.seedValue.find((s) => s.asset === 'native')!.amount;
      const stolen = /stolen ([\d,]+(?:\.\d+)?) ETH/.exec(caption)![1]!.replace(/,/g, '');
      expect(Math.abs(Number(stolen) - Number(stolenRaw) / 10 ** ETH_DECIMALS)).toBeLessThan(
        SHOWN_ETH_PRECISION,
      );
      const freeze = page.getByRole('table', { name: 'Freeze list' });
      expect(await freeze.getByRole('row', { name: /\btotal\b/i }).count()).toBeGreaterThan(1);
      await screenshot(page, 'case-layers-money-forward-1280-light');

      // The backward trace speaks of sources: where the money came from, not what was stolen.
      await page.getByLabel('Trace', { exact: true }).selectOption(backwardId);
      await page.getByRole('heading', { name: 'Where the money came from' }).waitFor();
      const sources = page.getByRole('table', { name: 'Sources' });
      expect(await sources.getByRole('row').count()).toBe(backward.endpoints.length + 1);
      expect(await page.getByRole('heading', { name: 'Freeze list' }).count()).toBe(0);
      const view = await page.getByRole('tabpanel').innerText();
      expect(view).not.toMatch(/stolen|freez/i);
      expect(view).toMatch(/the seed received/);
      await screenshot(page, 'case-layers-money-backward-1280-light');
      await page.getByRole('tab', { name: 'Dashboard' }).click();
      await page.getByText('Received by the seed').first().waitFor();
      expect(await page.getByRole('tabpanel').innerText()).not.toMatch(/stolen/i);
      // The picked trace is in the address; the main one is the default again without it.
      await page.getByLabel('Trace', { exact: true }).selectOption(forwardId);
      await page.getByRole('heading', { name: 'Incident dashboard' }).waitFor();

      // A path from a seed to another deposit address, its transfers as a table and a CSV.
      await page.getByRole('tab', { name: 'Graph' }).click();
      const target = deposits[1]!.address;
      await page.getByLabel('Find node').fill(target);
      await page
        .getByRole('button', { name: new RegExp(target, 'i') })
        .first()
        .click();
      await page.getByRole('button', { name: 'Show path from seed' }).click();
      const region = page.getByRole('region', { name: /Path from a seed/ });
      const table = region.getByRole('table', { name: 'Path from seed' });
      await table.waitFor();
      const shownRows = (await table.getByRole('row').count()) - 1;
      expect(shownRows).toBeGreaterThan(0);
      const csv = parseCsv(
        await downloadText(page, () =>
          region.getByRole('button', { name: 'Download CSV' }).click(),
        ),
      );
      expect(csv).toHaveLength(shownRows);
      const results = new Map([
        [forwardId, forward],
        [backwardId, backward],
      ]);
      const wrong: string[] = [];
      for (const row of csv) {
        const result = results.get(row.trace_id!);
        const edge = result?.edges.find(
          (e) =>
            e.txHash === row.transaction &&
            e.from === `anvil:${row.from}` &&
            e.to === `anvil:${row.to}`,
        );
        if (!edge) {
          wrong.push(`hop ${row.hop}: ${row.transaction} not in trace ${row.trace_id}`);
          continue;
        }
        if (edge.amount !== row.amount_in_raw) wrong.push(`hop ${row.hop}: amount`);
        if (edge.tainted !== row.tainted_out_raw) wrong.push(`hop ${row.hop}: tainted`);
        if (edge.time !== Date.parse(row.time_utc!) / 1000) wrong.push(`hop ${row.hop}: time`);
        // Whole units at full precision: the raw amount over 10^18, to the digit.
        const whole = Number(row.amount_in) * 10 ** ETH_DECIMALS;
        if (Math.abs(whole - Number(edge.amount)) > Number(edge.amount) * 1e-15)
          wrong.push(`hop ${row.hop}: ${row.amount_in} ETH is not ${edge.amount} raw`);
        if (Number(row.tainted_out_raw) > Number(row.amount_in_raw))
          wrong.push(`hop ${row.hop}: more tainted out than in`);
      }
      expect(wrong).toEqual([]);
      // Hop by hop from a seed to the target, each hop starting where the one before ended.
      expect(csv.at(-1)!.to).toBe(target);
      for (let i = 1; i < csv.length; i++)
        if (csv[i]!.hop !== csv[i - 1]!.hop) expect(csv[i]!.from).toBe(csv[i - 1]!.to);
      // Copy: the same rows as tab-separated text.
      await region.getByRole('button', { name: 'Copy' }).click();
      await region.getByText(/Copied \d+ rows?/).waitFor();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      const tsv = copied
        .trimEnd()
        .split('\n')
        .map((l) => l.split('\t'));
      expect(tsv.slice(1).map((cells) => cells[10])).toEqual(csv.map((r) => r.transaction));
      await screenshot(page, 'case-layers-path-1280-light');

      // The backward layer off: the graph draws the forward trace's addresses again, no fewer.
      const backwardBox = traces.getByRole('checkbox', { name: /Show trace 2/ });
      await backwardBox.uncheck();
      expect((await graphSize(page)).shown).toBe(before.shown);
      await backwardBox.check();
      expect(await graphSize(page)).toEqual(after);

      // Named, saved, reopened: both layers, the name and the graph come back.
      await traces.getByRole('row').nth(2).getByRole('button', { name: 'Rename' }).click();
      await page.getByLabel('Name of the trace').fill(BACKWARD_NAME);
      await page.getByRole('button', { name: 'Save name' }).click();
      await page.getByRole('button', { name: 'Save case' }).click();
      await page.getByText(/Saved at/).waitFor();
      const saved = await get<{ traceIds: string[]; graph: { layers: unknown } }>(
        page,
        `/v1/cases/${demo.server.caseId}`,
      );
      expect(saved.traceIds).toEqual([forwardId, backwardId]);
      expect(saved.graph.layers).toEqual({
        shown: [forwardId, backwardId],
        main: null,
        names: { [backwardId]: BACKWARD_NAME },
      });
      await page.reload();
      await page.getByRole('heading', { name: demo.server.caseName }).waitFor();
      await page.getByLabel('Find node').waitFor();
      expect(await traces.getByRole('row').nth(2).innerText()).toContain(BACKWARD_NAME);
      expect(
        await traces
          .getByRole('checkbox')
          .evaluateAll((b) => b.map((x) => (x as HTMLInputElement).checked)),
      ).toEqual([true, true]);
      expect(await graphSize(page)).toEqual(after);

      // Taking the backward trace out of the case leaves the forward layer whole.
      await traces.getByRole('row').nth(2).getByRole('button', { name: 'Remove' }).click();
      await page.getByRole('button', { name: 'Remove trace' }).click();
      expect(await traces.getByRole('row').count()).toBe(2);
      const removed = await graphSize(page);
      expect(removed.shown).toBe(before.shown);
      expect(removed.addresses).toBe(before.addresses);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
