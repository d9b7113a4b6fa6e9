import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openPage, useDemo } from './harness.ts';

/** Nodes selected one after another, without waiting for the side panel between clicks. */
const NODES_SELECTED = 10;

type ExportedNode = { id: string; address: string; entity: string | null; category: string | null };

describe('labels on the case graph come from each address only (issue 17, item 1)', () => {
  const demo = useDemo('chaintrail-e2e-bleed-');

  it('selects ten nodes in quick succession, labelled and unlabelled alternating, and no node or export takes another node’s entity', async () => {
    const { page, errors, context } = await openPage(demo.browser, {
      width: 1280,
      height: 800,
      theme: 'light',
    });
    try {
      await page.goto(
        `${demo.server.demoCaseUrl.replace(/^http:\/\/[^/]+/, demo.server.url)}#key=${demo.server.key}`,
      );
      await page.getByRole('heading', { name: demo.server.caseName }).waitFor();
      const list = page.getByRole('navigation', { name: 'Nodes' });
      const buttons = list.locator('button.gv-node');
      await buttons.first().waitFor();
      const addresses = await list.locator('.gv-node-address').allInnerTexts();
      // Pseudo-addresses (a bridge's far side, an untraced remainder) have no labels to look up.
      const labels = new Map<string, { entity: string | null; category: string }[]>();
      for (const a of addresses) {
        const res = await page.request.get(`${demo.server.url}/v1/addresses/anvil/${a}/labels`, {
          headers: { 'x-api-key': demo.server.key },
        });
        if (res.ok())
          labels.set(
            a,
            ((await res.json()) as { labels: { entity: string | null; category: string }[] })
              .labels,
          );
      }
      const labelled = [...labels.keys()].filter((a) => labels.get(a)!.some((l) => l.entity));
      const bare = [...labels.keys()].filter((a) => labels.get(a)!.length === 0);
      expect(labelled.length).toBeGreaterThan(0);
      expect(bare.length).toBeGreaterThan(0);
      // Labelled, then unlabelled, and so on: the order in which the bleed showed every time.
      const order: string[] = [];
      for (let i = 0; order.length < NODES_SELECTED && (labelled[i] || bare[i]); i++) {
        if (labelled[i]) order.push(labelled[i]!);
        if (bare[i] && order.length < NODES_SELECTED) order.push(bare[i]!);
      }
      for (const address of order)
        await list.locator('button.gv-node', { hasText: address }).first().click();
      // The last one's panel has loaded.
      const panel = page.locator('.gv-labels, p:has-text("No labels.")').first();
      await panel.waitFor();
      await page.waitForLoadState('networkidle');

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export JSON' }).click(),
      ]);
      const exported = JSON.parse(fs.readFileSync((await download.path())!, 'utf8')) as {
        nodes: ExportedNode[];
      };
      const [graphmlDownload] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export GraphML' }).click(),
      ]);
      const graphml = fs.readFileSync((await graphmlDownload.path())!, 'utf8');
      const wrong: string[] = [];
      for (const address of order) {
        const own = labels.get(address)!;
        const node = exported.nodes.find((n) => n.address === address);
        if (!node) {
          wrong.push(`${address}: not in the export`);
          continue;
        }
        // An address without labels keeps no entity; a labelled one has one of its own.
        if (own.length === 0 ? node.entity !== null : !own.some((l) => l.entity === node.entity))
          wrong.push(
            `${address}: exported entity ${node.entity}, its labels ${JSON.stringify(own)}`,
          );
        // The GraphML export: the node's own entity element, or none.
        const element = new RegExp(`<node id="[^"]*:${address}">(.*?)</node>`).exec(graphml)?.[1];
        const graphmlEntity = element
          ? (/<data key="entity">([^<]*)<\/data>/.exec(element)?.[1] ?? null)
          : undefined;
        if (graphmlEntity === undefined) wrong.push(`${address}: not in the GraphML export`);
        else if (graphmlEntity !== node.entity)
          wrong.push(`${address}: GraphML entity ${graphmlEntity}, JSON entity ${node.entity}`);
        const text = await list.locator('button.gv-node', { hasText: address }).first().innerText();
        const foreign = new Set(
          labelled
            .flatMap((other) => labels.get(other)!.map((l) => l.entity))
            .filter((e): e is string => !!e && !own.some((o) => o.entity === e)),
        );
        for (const entity of foreign)
          if (text.includes(entity)) wrong.push(`${address}: listed as ${entity}, not its label`);
      }
      expect(wrong).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
