import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type DemoServer, openPage, screenshot, screenshotOf, useDemo } from './harness.ts';

/**
 * The demo case as the README shows it, at a laptop's 1280 px in the light theme and a phone's
 * 390 px in the dark one: its summary, its graph in the time layout, a path's table and its traces.
 * Each screenshot is taken after what it shows is on the page, and the page reports no error.
 */
describe('screenshots of the demo case (issue 17)', () => {
  const demo = useDemo('chaintrail-e2e-screens-');

  for (const view of [
    { width: 1280, height: 800, theme: 'light' as const },
    { width: 390, height: 844, theme: 'dark' as const },
  ])
    it(`shows the summary, the time layout, a path and the traces at ${view.width} px (${view.theme})`, async () => {
      const { page, errors, context } = await openPage(demo.browser, view);
      const tag = `${view.width}-${view.theme}`;
      const shots: string[] = [];
      try {
        await page.goto(`${demo.server.url}/ui/cases/${demo.server.caseId}#key=${demo.server.key}`);
        await page.getByRole('heading', { name: demo.server.caseName }).waitFor();
        const summary = page.getByRole('region', { name: 'Case summary' });
        await summary.getByText(/Freezable:/).waitFor();
        await page.getByLabel('Find node').waitFor();
        await page.waitForLoadState('networkidle');
        shots.push(await screenshotOf(summary, `case-summary-${tag}`));

        // The graph in the time layout: money flows left to right in the order it moved.
        await page.getByLabel('Layout').selectOption({ label: 'Time' });
        const apply = page.getByRole('button', { name: 'Apply layout' });
        if (await apply.isVisible()) await apply.click();
        await page.getByLabel('Investigation graph').scrollIntoViewIfNeeded();
        shots.push(await screenshot(page, `case-graph-time-${tag}`));

        // The traces of the case.
        const traces = page.getByRole('table', { name: 'Traces of the case' });
        await traces.waitFor();
        expect(await traces.getByRole('row').count()).toBeGreaterThan(1);
        shots.push(await screenshotOf(traces, `case-traces-${tag}`));

        // A path from the seed to the largest freezable endpoint, as a table.
        const result = (await (
          await fetch(`${demo.server.url}/v1/traces/${(await caseTraces(demo.server))[0]}/result`, {
            headers: { 'x-api-key': demo.server.key },
          })
        ).json()) as { endpoints: { address: string; category: string }[] };
        const target = result.endpoints.find((e) => e.category === 'deposit_wallet')!.address;
        await page.getByLabel('Find node').fill(target);
        await page
          .getByRole('button', { name: new RegExp(target, 'i') })
          .first()
          .click();
        await page.getByRole('button', { name: 'Show path from seed' }).click();
        const region = page.getByRole('region', { name: /Path from a seed/ });
        const table = region.getByRole('table', { name: 'Path from seed' });
        await table.waitFor();
        expect(await table.getByRole('row').count()).toBeGreaterThan(1);
        shots.push(await screenshotOf(region, `case-path-${tag}`));
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
      // The README's copies (docs/screenshots) are taken from the 1280 px light ones by hand.
      for (const shot of shots) expect(fs.statSync(shot).size).toBeGreaterThan(0);
    });
});

/** The ids of the case's traces, as the API lists them. */
async function caseTraces(server: DemoServer): Promise<string[]> {
  const res = await fetch(`${server.url}/v1/cases/${server.caseId}`, {
    headers: { 'x-api-key': server.key },
  });
  return ((await res.json()) as { traceIds: string[] }).traceIds;
}
