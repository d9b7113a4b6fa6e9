import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Anvil, startAnvil } from '../../src/chains/evm/anvil.ts';
import { SIMULATOR_ANVIL_ARGS, type SimulateReturnType } from '../../src/simulate/simulate.ts';
import { labelSimulatedServices } from '../../src/simulate/simulator-labels.ts';
import { createDuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';
import { createRpc, sendExploiterFunds, simulateRoninTheft } from '../helpers/exploiter-funds.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import {
  createKey,
  launchChromium,
  openPage,
  type Served,
  screenshot,
  startServe,
} from './harness.ts';

/** How long the page may take to show the alert after the block is mined. */
const ALERT_SHOWN_MS = 15_000;

// The alerts page with a real alert: `chaintrail serve --follow` on a simulated chain, a watchlist
// made in the page, the exploiter moving funds on anvil, and the alert arriving live over SSE.
describe('the alerts page, live, with a real chain', () => {
  const dir = makeTempDir('chaintrail-e2e-alerts-');
  let anvil: Anvil;
  let sim: SimulateReturnType;
  let server: Served;
  let browser: Browser;
  let key: string;

  beforeAll(async () => {
    anvil = await startAnvil({ args: SIMULATOR_ANVIL_ARGS });
    sim = await simulateRoninTheft(anvil.url);
    // The simulator's services labelled, as `chaintrail demo` does, so that reaching an exchange
    // is an alert of its own kind.
    const db = path.join(dir.path, 'alerts.duckdb');
    const store = await createDuckDbStore({ path: db });
    try {
      await labelSimulatedServices(store, sim);
    } finally {
      await store.close();
    }
    key = createKey(db, 'investigator');
    server = await startServe(['--db', db, '--follow', '--rpc', anvil.url, '--poll-ms', '100']);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await anvil?.stop();
    dir.cleanup();
  });

  it('watches the exploiter from the page, shows its move to an exchange live, and acknowledges it', async () => {
    const truth = sim.truths[0]!;
    const exploiter = truth.attackerAddresses.find((a) => a.role === 'exploiter')!.address;
    const deposit = sim.entities.find((e) => e.category === 'deposit_wallet')!;
    expect(deposit.entity).toBeTruthy();

    const { page, errors, context } = await openPage(browser, {
      width: 1280,
      height: 800,
      theme: 'light',
    });
    try {
      await page.goto(`${server.url}/ui/alerts#key=${key}`);
      await page.getByRole('heading', { name: 'Alerts', exact: true }).waitFor();
      await page.getByTestId('live-status').getByText('Live', { exact: true }).waitFor();

      // Watch the exploiter, from the page's form.
      await page.getByLabel('Watchlist name').fill('Ronin exploiter');
      await page.getByLabel('Chain').selectOption('anvil');
      await page.getByLabel('Addresses to watch').fill(exploiter);
      await page.getByRole('button', { name: 'Start watching' }).click();
      await page.getByText('Watching 1 address as “Ronin exploiter”.').waitFor();

      // The exploiter sends what it has left to an exchange deposit address, as in the API's test.
      const { hash } = await sendExploiterFunds({
        rpc: createRpc(anvil.url),
        sim,
        to: deposit.address,
      });

      // The alert arrives without a reload: the page's stream brings it.
      const item = page.getByRole('listitem').filter({ hasText: deposit.entity! });
      await item.getByRole('button', { name: 'Acknowledge' }).waitFor({ timeout: ALERT_SHOWN_MS });
      await expect(item.textContent()).resolves.toContain(`tx ${hash.slice(0, 10)}`);
      // Marked new: the stream brought it, not a page load.
      await item.getByText('new', { exact: true }).waitFor();
      await page.getByTestId('live-status').getByText('Live', { exact: true }).waitFor();
      await screenshot(page, 'alerts-live-1280-light');

      await item.getByRole('button', { name: 'Acknowledge' }).click();
      await item.getByText('Acknowledged by').waitFor();

      // The API agrees: one alert, for this transaction, acknowledged.
      const listed = (await (
        await fetch(`${server.url}/v1/alerts`, { headers: { 'x-api-key': key } })
      ).json()) as {
        alerts: { txHash: string; kind: string; acknowledgedAt: string | null }[];
      };
      expect(listed.alerts.map((a) => [a.txHash, a.kind])).toEqual([[hash, 'service_reached']]);
      expect(listed.alerts[0]!.acknowledgedAt).not.toBeNull();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
