import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { isFreezable } from '../../src/trace/freezable.ts';
import type { TraceEndpoint, TraceResult } from '../../src/trace/types.ts';
import { openPage, SCREENSHOT_DIR, screenshotOf, useDemo } from './harness.ts';

/** The chain the demo plays the theft's Bitcoin side on. */
const BTC = 'bitcoin-regtest';
/** The money views show whole units to 2 or 4 decimals, cut: they agree with the API to this. */
const SHOWN_PRECISION = 0.01;

type Asset = { chain: string; asset: string; symbol: string | null; decimals: number | null };
/** Whole units per asset symbol (`ETH`, `rBTC`). */
type Amounts = Map<string, number>;
type CsvRow = Record<string, string>;
/** The part of the simulator's truth about the Bitcoin side the tests read (`demo --truth`). */
type BitcoinTruth = {
  payouts: {
    service: string;
    inboundTxHash: string;
    txid: string;
    address: string;
    amount: string;
    memo: string | null;
  }[];
};
type TxDoc = {
  inputs: { address: string | null; value: string }[];
  outputs: { address: string | null; value: string }[];
};

/** `127.53 ETH + 2.7 rBTC` (or `< 0.01 rBTC`, read as 0) as whole units per symbol. */
function parseAmounts(text: string): Amounts {
  const out: Amounts = new Map();
  for (const part of text.split(' + ')) {
    const m = /^(<\s*)?([\d,]+(?:\.\d+)?) ([A-Za-z]\w*)$/.exec(part.trim());
    if (!m) throw new Error(`not an amount: "${part}" in "${text}"`);
    out.set(m[3]!, m[1] ? 0 : Number(m[2]!.replace(/,/g, '')));
  }
  return out;
}

/** Shown amounts agree with the API's, symbol by symbol, to the precision shown. */
function expectAmounts(shown: Amounts, expected: Amounts, what: string): void {
  expect([...shown.keys()].sort(), what).toEqual([...expected.keys()].sort());
  for (const [symbol, value] of expected)
    expect(
      Math.abs(shown.get(symbol)! - value),
      `${what}: ${shown.get(symbol)} ${symbol} vs ${value}`,
    ).toBeLessThan(SHOWN_PRECISION);
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

/** Satoshis as the pages write them: whole bitcoins, then the fraction without trailing zeros. */
function btcText(sats: bigint): string {
  const fraction = (sats % 100_000_000n).toString().padStart(8, '0').replace(/0+$/, '');
  return `${(sats / 100_000_000n).toLocaleString('en-US')}${fraction ? `.${fraction}` : ''}`;
}

/**
 * Writes a screenshot of the page from the top of one element to the bottom of another, the
 * page's whole width (the graph's legend down to its canvas, say), and returns its path.
 */
async function screenshotBetween(
  page: Page,
  top: Locator,
  bottom: Locator,
  name: string,
): Promise<string> {
  const margin = 8;
  await top.evaluate(
    (el, margin) => window.scrollBy(0, el.getBoundingClientRect().top - margin),
    margin,
  );
  const a = (await top.boundingBox())!;
  const b = (await bottom.boundingBox())!;
  const width = page.viewportSize()!.width;
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({
    path: file,
    clip: { x: 0, y: a.y - margin, width, height: b.y + b.height - a.y + 2 * margin },
  });
  return file;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The demo's theft played on anvil and on to Bitcoin through THORChain, as an investigator opens
 * its case: what can be frozen on both chains, the graph across the chains, a path over the hop,
 * the payouts, the deposit addresses and the CoinJoins the trace stopped at.
 */
describe('the cross-chain case in the UI: Ethereum across THORChain to Bitcoin (issue 18, item 7)', () => {
  const demo = useDemo('chaintrail-e2e-xchain-', { bitcoin: true });

  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${demo.server.url}${path}`, {
      headers: { 'x-api-key': demo.server.key },
    });
    expect(res.ok, path).toBe(true);
    return (await res.json()) as T;
  };

  /** The demo's trace as the API gives it, and the assets' symbols and decimals. */
  let loaded: Promise<{ traceId: string; result: TraceResult; assets: Asset[] }> | undefined;
  const api = () =>
    (loaded ??= (async () => {
      const { traceIds } = await get<{ traceIds: string[] }>(`/v1/cases/${demo.server.caseId}`);
      const traceId = traceIds[0]!;
      const result = await get<TraceResult>(`/v1/traces/${traceId}/result`);
      const { assets } = await get<{ assets: Asset[] }>('/v1/assets');
      return { traceId, result, assets };
    })());

  /** Endpoints' amounts in whole units per symbol. */
  const amountsOf = (endpoints: readonly TraceEndpoint[], assets: readonly Asset[]): Amounts => {
    const out: Amounts = new Map();
    for (const e of endpoints) {
      const a = assets.find((x) => x.chain === e.chain && x.asset === e.asset)!;
      const whole = Number(e.amount) / 10 ** a.decimals!;
      out.set(a.symbol!, (out.get(a.symbol!) ?? 0) + whole);
    }
    return out;
  };

  /** The simulator's truth about the Bitcoin side. */
  const bitcoinTruth = () =>
    (demo.server.truth.scenarios[0] as unknown as { bitcoin: BitcoinTruth }).bitcoin;

  const openCase = async (page: Page, view = 'graph') => {
    await page.goto(
      `${demo.server.url}/ui/cases/${demo.server.caseId}?view=${view}#key=${demo.server.key}`,
    );
    await page.getByRole('heading', { name: demo.server.caseName }).waitFor();
  };

  async function downloadText(page: Page, click: () => Promise<void>): Promise<string> {
    const [download] = await Promise.all([page.waitForEvent('download'), click()]);
    return fs.readFileSync((await download.path())!, 'utf8');
  }

  /**
   * The largest Bitcoin deposit address the trace reached, its path shown from the seed as an
   * investigator asks for it (find the node, Show path from seed), with the path's table and CSV.
   */
  async function showPathToBitcoinDeposit(page: Page) {
    const { result } = await api();
    const target = result.endpoints
      .filter((e) => e.chain === BTC && e.category === 'deposit_wallet')
      .sort((a, b) => b.share - a.share)[0]!;
    await openCase(page);
    await page
      .getByRole('navigation', { name: 'Nodes' })
      .locator('button.gv-node')
      .first()
      .waitFor();
    await page.getByLabel('Find node').fill(target.address);
    await page
      .getByRole('navigation', { name: 'Nodes' })
      .getByRole('button', { name: new RegExp(target.address) })
      .click();
    await page.getByRole('button', { name: 'Show path from seed' }).click();
    const region = page.getByRole('region', { name: /Path from a seed/ });
    const table = region.getByRole('table', { name: 'Path from seed' });
    await table.waitFor();
    const csv = parseCsv(
      await downloadText(page, () => region.getByRole('button', { name: 'Download CSV' }).click()),
    );
    return { target, region, table, csv };
  }

  it('names the Bitcoin exchanges with their rBTC beside the ETH in the summary, the freeze list, the dashboard and the flows, as the trace’s result has them', async () => {
    const { result, assets } = await api();
    const freezable = result.endpoints.filter((e) => isFreezable(e.category));
    const total = amountsOf(freezable, assets);
    // The demo's exchanges received on both chains: ETH on anvil, rBTC on Bitcoin.
    expect([...total.keys()].sort()).toEqual(['ETH', 'rBTC']);
    const services = new Map<string, TraceEndpoint[]>();
    for (const e of freezable) services.set(e.entity!, [...(services.get(e.entity!) ?? []), e]);
    const onBitcoin = [...services].filter(([, es]) => es.some((e) => e.chain === BTC));
    expect(onBitcoin.length).toBeGreaterThan(1);
    // `chaintrail demo` printed the same per asset.
    const cli = /Freezable: (.+?) \(([\d.]+)%\)/.exec(demo.server.demoOutput)!;
    expectAmounts(parseAmounts(cli[1]!), total, 'the CLI’s Freezable line');

    const { page, errors, context } = await openPage(demo.browser, {
      width: 1280,
      height: 800,
      theme: 'light',
    });
    try {
      // The line the case opens on: the total and each named service, per asset.
      await openCase(page);
      const summary = await page.getByRole('region', { name: 'Case summary' }).innerText();
      const line = /Freezable: (.+?) \(([\d.]+)%\)/.exec(summary);
      expect(line, summary).not.toBeNull();
      expectAmounts(parseAmounts(line![1]!), total, 'the summary’s Freezable');
      expect(Number(line![2]) / 100).toBeCloseTo(result.summary.freezable!.share, 3);
      const named = [...services].filter(([name]) => summary.includes(`${name} `));
      expect(named.filter(([, es]) => es.some((e) => e.chain === BTC)).length).toBeGreaterThan(1);
      for (const [name, es] of named) {
        const m = new RegExp(`${escape(name)} ([\\d,.]+ \\w+(?: \\+ [\\d,.]+ \\w+)*)`).exec(
          summary,
        );
        expectAmounts(parseAmounts(m![1]!), amountsOf(es, assets), `the summary’s ${name}`);
      }

      // The freeze list: its total, and each exchange's per asset.
      await openCase(page, 'money');
      const freeze = page.getByRole('region', { name: 'Freeze list' });
      const lead = await freeze.locator('p').first().innerText();
      expectAmounts(parseAmounts(/^(.+?) \(/.exec(lead)![1]!), total, 'the freeze list’s total');
      const table = freeze.getByRole('table', { name: 'Freeze list' });
      for (const [name, es] of onBitcoin) {
        const head = table.getByRole('rowgroup').filter({ hasText: name }).getByRole('row').first();
        const totals = /Total\s+(.+?)\s+[\d.]+%/.exec(await head.innerText())!;
        expectAmounts(parseAmounts(totals[1]!), amountsOf(es, assets), `${name}’s total`);
        // Its largest Bitcoin deposit address, in rBTC.
        const deposit = es.filter((e) => e.chain === BTC).sort((a, b) => b.share - a.share)[0]!;
        const row = table.getByRole('row').filter({ hasText: deposit.address });
        expect(await row.innerText()).toMatch(/[\d.]+ rBTC/);
      }

      // The flows as a table, and the mixers and still-held lists: value where it is, per asset.
      await page.getByText('The flows as a table').click();
      const flows = page.getByRole('table', { name: 'Flows of the stolen value' });
      const mixers = result.endpoints.filter((e) => e.category === 'mixer');
      const held = result.endpoints.filter((e) => e.category === 'unspent');
      const flowOf = async (to: string) =>
        parseAmounts(
          await flows
            .getByRole('row', { name: new RegExp(`^Stolen ${escape(to)} `) })
            .getByRole('cell')
            .nth(2)
            .innerText(),
        );
      expectAmounts(await flowOf('Mixers'), amountsOf(mixers, assets), 'the flow to mixers');
      expectAmounts(await flowOf('Still held'), amountsOf(held, assets), 'the flow still held');
      const mixed = await page
        .getByRole('region', { name: 'Mixers' })
        .locator('p')
        .first()
        .innerText();
      expectAmounts(
        parseAmounts(/^(.+?) \(/.exec(mixed)![1]!),
        amountsOf(mixers, assets),
        'the mixers’ total',
      );

      // The dashboard's figures.
      await openCase(page, 'dashboard');
      const figures = page.getByRole('table', { name: 'Incident figures' });
      const figure = async (name: string) =>
        parseAmounts(
          await figures
            .getByRole('row', { name: new RegExp(`^${name}`) })
            .getByRole('cell')
            .first()
            .innerText(),
        );
      expectAmounts(await figure('Freezable'), total, 'the dashboard’s Freezable');
      expectAmounts(await figure('Mixed'), amountsOf(mixers, assets), 'the dashboard’s Mixed');
      expectAmounts(
        await figure('Still held'),
        amountsOf(held, assets),
        'the dashboard’s Still held',
      );
      const card = page.locator('.figure-card').filter({ hasText: /^Freezable/ });
      expectAmounts(
        parseAmounts(await card.locator('.figure-value').innerText()),
        total,
        'the Freezable card',
      );
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('draws the Bitcoin side on the graph: Bitcoin addresses, transactions as squares, and the THORChain hop from the router to each payout', async () => {
    const { result } = await api();
    const router = result.nodes.find((n) => n.category === 'bridge' && n.entity === 'THORChain')!;
    expect(router.chain).toBe('anvil');
    // Where the trace crosses: the router, then a Bitcoin transaction (the payout), on a path.
    const payouts = new Set<string>();
    for (const e of result.endpoints)
      for (const p of e.paths)
        for (let i = 0; i + 1 < p.length; i++)
          if (p[i] === router.address && e.chain === BTC) payouts.add(`${BTC}:${p[i + 1]}`);
    expect(payouts.size).toBeGreaterThan(1);
    const txNodes = new Set(result.nodes.filter((n) => n.kind === 'utxo_tx').map((n) => n.id));
    expect([...payouts].filter((id) => !txNodes.has(id))).toEqual([]);

    const { page, errors, context } = await openPage(demo.browser, {
      width: 1280,
      height: 800,
      theme: 'light',
    });
    try {
      await openCase(page);
      const list = page.getByRole('navigation', { name: 'Nodes' });
      await list.locator('button.gv-node').first().waitFor();
      await page.getByLabel('Layout').selectOption('time');
      await page.getByRole('button', { name: 'Apply layout' }).click();
      await page.getByText(/laid out by time/).waitFor();
      // The canvas's cytoscape instance (registered on its container), read only.
      const drawn = await page.evaluate(() => {
        type El = {
          id(): string;
          classes(): string[];
          data(k: string): string;
          source(): El;
          target(): El;
        };
        const container = document.querySelector(
          '[aria-label="Investigation graph"]',
        ) as Element & {
          _cyreg: { cy: { nodes(s?: string): El[]; edges(s?: string): El[] } };
        };
        const cy = container._cyreg.cy;
        return {
          nodes: cy
            .nodes()
            .map((n) => ({ id: n.id(), classes: n.classes(), label: n.data('label') })),
          hops: cy
            .edges('.bridge')
            .map((e) => ({ label: e.data('label'), from: e.source().id(), to: e.target().id() })),
        };
      });
      const bitcoin = drawn.nodes.filter((n) => n.id.startsWith(`${BTC}:`));
      expect(bitcoin.filter((n) => n.classes.includes('address')).length).toBeGreaterThan(10);
      const squares = bitcoin.filter((n) => n.classes.includes('utxo-tx'));
      expect(squares.length).toBeGreaterThan(10);
      expect(squares.filter((n) => !txNodes.has(n.id))).toEqual([]);
      // Labelled by their short txid, or by who they are (a CoinJoin the trace stopped at).
      const entityOf = new Map(result.nodes.map((n) => [n.id, n.entity]));
      for (const n of squares)
        if (entityOf.get(n.id)) expect(n.label).toBe(entityOf.get(n.id));
        else expect(n.label).toMatch(/^[0-9a-f]{8}…[0-9a-f]{4}$/);
      expect(squares.filter((n) => n.label === 'CoinJoin (Whirlpool)').length).toBeGreaterThan(0);
      // One THORChain hop per payout, from the router; a payout in a fold is drawn at its fold.
      expect(drawn.hops).toHaveLength(payouts.size);
      for (const hop of drawn.hops) {
        expect(hop.label).toBe('THORChain');
        expect(hop.from).toBe(router.id);
        expect(payouts.has(hop.to) || hop.to.startsWith('group:')).toBe(true);
      }
      // A fold of payouts says what it holds: transactions, not addresses.
      const folds = drawn.nodes.filter((n) => n.id === `group:${router.id}|out`);
      for (const f of folds) expect(f.label).toMatch(/^\+\d+ transactions/);

      // The legend tells the chains, the squares and the hop apart.
      const legend = await page.getByRole('list', { name: 'Legend' }).innerText();
      for (const text of [
        'on anvil',
        `on ${BTC}`,
        'transaction (UTXO, short txid)',
        'bridge hop (named, dotted)',
      ])
        expect(legend).toContain(text);
      // The node list names a payout a transaction on Bitcoin.
      const payout = [...payouts][0]!.slice(BTC.length + 1);
      await page.getByLabel('Find node').fill(payout);
      const entry = list.getByRole('button', { name: new RegExp(payout) });
      expect(await entry.innerText()).toMatch(new RegExp(`^Transaction\\s*${BTC}`));

      // As the README shows it: the payout on the largest Bitcoin deposit's path, picked in the
      // node list (the canvas centres it), then one step out: THORChain's dotted hops arriving
      // from the router on anvil, the payouts as squares, Bitcoin addresses outlined in their
      // chain's colour.
      const deposit = result.endpoints
        .filter((e) => e.chain === BTC && e.category === 'deposit_wallet')
        .sort((a, b) => b.share - a.share)[0]!;
      const route = deposit.paths[0]!;
      const shown = route[route.indexOf(router.address) + 1]!;
      await page.getByLabel('Find node').fill(shown);
      await list.getByRole('button', { name: new RegExp(shown) }).click();
      await page.getByRole('complementary', { name: 'Selected node' }).getByText(shown).waitFor();
      const settled = (zoomed: 'in' | 'out') =>
        page.waitForFunction((zoomed) => {
          const c = document.querySelector('[aria-label="Investigation graph"]') as Element & {
            _cyreg: { cy: { zoom(): number; animated(): boolean } };
          };
          const { cy } = c._cyreg;
          return !cy.animated() && (zoomed === 'in' ? cy.zoom() >= 0.8 : cy.zoom() < 0.8);
        }, zoomed);
      await settled('in');
      await page.getByRole('button', { name: 'Zoom out' }).click();
      await settled('out');
      await screenshotBetween(
        page,
        page.getByRole('list', { name: 'Legend' }),
        page.getByLabel('Investigation graph'),
        'case-graph-crosschain-time-1280-light',
      );
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows a path from the theft to a Bitcoin deposit address over the THORChain hop, hop after hop, in the table and the CSV', async () => {
    const { result, traceId } = await api();
    const router = result.nodes.find((n) => n.category === 'bridge' && n.entity === 'THORChain')!;
    const { page, errors, context } = await openPage(demo.browser, {
      width: 1280,
      height: 800,
      theme: 'light',
    });
    try {
      const { target, region, table, csv } = await showPathToBitcoinDeposit(page);
      // Every hop from the first to the last is there, each starting where the one before ended.
      const hops = [...new Set(csv.map((r) => Number(r.hop)))];
      expect(hops).toEqual(hops.map((_, i) => i + 1));
      for (let i = 1; i < csv.length; i++)
        if (csv[i]!.hop !== csv[i - 1]!.hop) expect(csv[i]!.from).toBe(csv[i - 1]!.to);
      expect(csv[0]!.chain).toBe('anvil');
      expect(csv.at(-1)!.to).toBe(target.address);
      // The hop across: from THORChain's router on anvil to its payout on Bitcoin.
      const crossing = csv.filter((r) => r.bridge === 'THORChain');
      expect(crossing).toHaveLength(1);
      const hop = crossing[0]!;
      expect(hop.from).toBe(router.address);
      expect(hop.chain).toBe('anvil');
      expect(hop.to_chain).toBe(BTC);
      expect(result.nodes.find((n) => n.id === `${BTC}:${hop.to}`)?.kind).toBe('utxo_tx');
      expect(hop.transaction).toBe(hop.to);
      expect(hop.trace_id).toBe(traceId);
      // Before it, ETH on anvil; after it, rBTC on Bitcoin, each transfer the trace's own.
      for (const r of csv) {
        const after = Number(r.hop) > Number(hop.hop);
        if (r === hop) continue;
        expect(r.chain, `hop ${r.hop}`).toBe(after ? BTC : 'anvil');
        expect(r.to_chain).toBe(r.chain);
        if (after) {
          expect(r.symbol).toBe('rBTC');
          const edge = result.edges.find(
            (e) =>
              e.txHash === r.transaction &&
              e.from === `${BTC}:${r.from}` &&
              e.to === `${BTC}:${r.to}`,
          );
          expect(edge, `hop ${r.hop}`).toBeDefined();
          expect(edge!.tainted).toBe(r.tainted_out_raw);
        }
      }
      // The table says the same: the hop's row names the bridge and links the payout.
      const row = table.getByRole('row').filter({ hasText: 'THORChain' });
      expect(await row.count()).toBe(1);
      expect(await row.getByRole('link').last().getAttribute('href')).toBe(
        `/ui/tx/${BTC}/${hop.to}`,
      );
      await screenshotOf(region, 'case-path-crosschain-1280-light');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('opens the payout of the hop from the path: its OUT memo names the deposit into THORChain, with its inputs and outputs', async () => {
    const { result } = await api();
    const router = result.nodes.find((n) => n.category === 'bridge' && n.entity === 'THORChain')!;
    const { page, errors, context } = await openPage(demo.browser, {
      width: 1280,
      height: 800,
      theme: 'light',
    });
    try {
      const { table } = await showPathToBitcoinDeposit(page);
      const row = table.getByRole('row').filter({ hasText: 'THORChain' });
      await row.getByRole('link').last().click();
      await page.waitForURL(`**/ui/tx/${BTC}/*`);
      const txid = page.url().split('/').pop()!;
      const payout = bitcoinTruth().payouts.find((p) => p.txid === txid)!;
      expect(payout.service).toBe('THORChain');
      await page.getByRole('heading', { name: txid }).waitFor();
      // The memo, as the vault wrote it: OUT:<the inbound deposit's hash>.
      await page.getByText(payout.memo!).first().waitFor();
      expect(payout.memo).toBe(`OUT:${payout.inboundTxHash.slice(2).toUpperCase()}`);
      // That deposit is one the trace followed into THORChain's router on anvil.
      expect(
        result.edges.some((e) => e.txHash === payout.inboundTxHash && e.to === router.id),
      ).toBe(true);
      // Inputs and outputs as the API has them: the vault pays the destination, the memo, change.
      const tx = await get<TxDoc>(`/v1/transactions/${BTC}/${txid}`);
      const inputs = page.getByRole('table', { name: new RegExp(`^${tx.inputs.length} inputs?`) });
      const outputs = page.getByRole('table', {
        name: new RegExp(`^${tx.outputs.length} outputs?`),
      });
      expect(await inputs.locator('tbody tr').count()).toBe(tx.inputs.length);
      expect(await outputs.locator('tbody tr').count()).toBe(tx.outputs.length);
      const paid = outputs.getByRole('row').filter({ hasText: payout.address });
      expect(await paid.innerText()).toContain('paid out by THORChain');
      expect(await paid.innerText()).toContain(`${btcText(BigInt(payout.amount))} rBTC`);
      expect(await outputs.innerText()).toContain('no address: OP_RETURN or non-standard script');
      await screenshotOf(page.locator('.tx-page'), 'bitcoin-payout-1280-light');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('opens the Bitcoin deposit address at the end of the path, where the stolen coins were received as an output', async () => {
    const { page, errors, context } = await openPage(demo.browser, {
      width: 1280,
      height: 800,
      theme: 'light',
    });
    try {
      const { target, table, csv } = await showPathToBitcoinDeposit(page);
      const last = csv.at(-1)!;
      await table
        .getByRole('row')
        .last()
        .getByRole('link', { name: `${target.address.slice(0, 6)}…${target.address.slice(-4)}` })
        .click();
      await page.waitForURL(`**/ui/address/${BTC}/${target.address}`);
      await page.getByRole('heading', { name: target.address }).waitFor();
      // Who it belongs to, and the output by which the path's last transaction paid it.
      await page.getByRole('cell', { name: target.entity!, exact: true }).first().waitFor();
      const received = page
        .getByRole('table', { name: 'Transfers' })
        .getByRole('row')
        .filter({ hasText: 'received (output)' })
        .filter({
          has: page.getByRole('link', { name: new RegExp(`^${last.transaction!.slice(0, 10)}`) }),
        });
      await received.waitFor();
      expect(await received.innerText()).toContain('rBTC');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('lists the CoinJoins the trace stopped at, "entered CoinJoin (Whirlpool)", and opens one: 5 inputs, 5 outputs of one value', async () => {
    const { result } = await api();
    const coinjoins = result.endpoints.filter((e) => e.finding === 'entered CoinJoin (Whirlpool)');
    expect(coinjoins.length).toBeGreaterThan(1);
    const { page, errors, context } = await openPage(demo.browser, {
      width: 1280,
      height: 800,
      theme: 'light',
    });
    try {
      await openCase(page, 'money');
      const mixers = page.getByRole('region', { name: 'Mixers' });
      await mixers.getByRole('button', { name: /^Show all/ }).click();
      const rows = mixers.getByRole('row').filter({ hasText: 'entered CoinJoin (Whirlpool)' });
      expect(await rows.count()).toBe(coinjoins.length);
      const first = coinjoins.sort((a, b) => b.share - a.share)[0]!;
      await rows
        .filter({
          has: page.getByRole('link', { name: new RegExp(`^${first.address.slice(0, 6)}`) }),
        })
        .first()
        .getByRole('link')
        .click();
      await page.waitForURL(`**/ui/tx/${BTC}/${first.address}`);
      const inputs = page.getByRole('table', { name: /^5 inputs/ });
      const outputs = page.getByRole('table', { name: /^5 outputs/ });
      await inputs.waitFor();
      expect(await inputs.locator('tbody tr').count()).toBe(5);
      const values = (await outputs.locator('tbody tr').allInnerTexts()).map(
        (t) => /([\d.]+) rBTC/.exec(t)![1],
      );
      expect(values).toHaveLength(5);
      expect(new Set(values).size).toBe(1);
      const tx = await get<TxDoc>(`/v1/transactions/${BTC}/${first.address}`);
      expect(new Set(tx.outputs.map((o) => o.value)).size).toBe(1);
      expect(Number(values[0]) * 1e8).toBeCloseTo(Number(tx.outputs[0]!.value), 0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("reports the case with both chains' paths joined at the THORChain hop (issue 21)", async () => {
    const { result } = await api();
    const res = await fetch(
      `${demo.server.url}/v1/cases/${demo.server.caseId}/report?format=html`,
      { headers: { 'x-api-key': demo.server.key } },
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Every check below holds');
    // Transactions of the trace on each chain (a node id is `<chain>:<address>`).
    const txsOn = (chain: string) =>
      new Set(result.edges.filter((e) => e.from.startsWith(`${chain}:`)).map((e) => e.txHash));
    const onAnvil = txsOn('anvil');
    const onBitcoin = txsOn(BTC);
    expect(onAnvil.size).toBeGreaterThan(0);
    expect(onBitcoin.size).toBeGreaterThan(0);
    // An evidence path (one table) that starts on anvil, crosses the bridge and goes on on Bitcoin.
    const joined = html.split('<table>').filter((table) => {
      const hashes = [...table.matchAll(/class="hash">([0-9a-fx]+)</g)].map((m) => m[1]!);
      const bridge = table.indexOf('bridged: the value left one chain');
      const first = hashes.findIndex((h) => onAnvil.has(h));
      const last = hashes.findIndex((h) => onBitcoin.has(h));
      return bridge >= 0 && first >= 0 && last > first;
    });
    expect(joined.length).toBeGreaterThan(0);
    // Both chains' block ranges are in the data section.
    expect(html).toContain('Local anvil (anvil)');
    expect(html).toContain(`Bitcoin regtest (${BTC})`);
  });
});
