import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { etlTransactions } from '../helpers/bitcoin-etl-expected.ts';
import { BITCOIN_ETL_FIXTURES } from '../helpers/replay-bitcoin-rpc.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import {
  createKey,
  launchChromium,
  openPage,
  runCli,
  screenshotOf,
  type Served,
  startServe,
} from './harness.ts';

// bitcoin-etl's recorded mainnet blocks 50001-50002 (test/fixtures/bitcoin-etl, MIT), imported with
// the CLI as a user does, then served: no demo needed.
const FOLDER = path.join(BITCOIN_ETL_FIXTURES, 'stream_50001_50002');
const TXID = '7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a';
/** Satoshis per bitcoin. */
const SATS_PER_BTC = 100_000_000n;

/** Satoshis as the page writes them: whole bitcoins, then the fraction without trailing zeros. */
const btc = (sats: number) => {
  const v = BigInt(sats);
  const fraction = (v % SATS_PER_BTC).toString().padStart(8, '0').replace(/0+$/, '');
  return `${(v / SATS_PER_BTC).toLocaleString('en-US')}${fraction ? `.${fraction}` : ''} BTC`;
};

describe('a Bitcoin transaction in the UI: inputs, outputs, fee, and its addresses (issue 18, item 7)', () => {
  const dir = makeTempDir('chaintrail-e2e-btc-');
  const db = path.join(dir.path, 'btc.duckdb');
  let served: Served | undefined;
  let browser: Browser | undefined;
  let key = '';
  beforeAll(async () => {
    runCli([
      'import',
      'bitcoin-etl',
      path.join(FOLDER, 'expected_blocks.json'),
      path.join(FOLDER, 'expected_transactions.json'),
      '--db',
      db,
    ]);
    key = createKey(db, 'investigator', { name: 'e2e investigator' });
    served = await startServe(['--db', db]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    dir.cleanup();
  });

  it('shows both inputs with their label and value, the output and the fee, and opens an input’s address page', async () => {
    const expected = etlTransactions('stream_50001_50002').find((t) => t.hash === TXID)!;
    const [first, second] = expected.inputs;
    const headers = { 'x-api-key': key };
    const { page, errors, context } = await openPage(browser!, {
      width: 1280,
      height: 900,
      theme: 'light',
    });
    try {
      // The organisation's own label on one input (a test label, not an attribution).
      const labelled = await page.request.post(`${served!.url}/v1/labels/private`, {
        headers,
        data: {
          chain: 'bitcoin',
          address: second!.addresses[0],
          category: 'theft',
          entity: 'E2E test label',
        },
      });
      expect(labelled.status()).toBe(201);

      await page.goto(`${served!.url}/ui/tx/bitcoin/${TXID}#key=${key}`);
      const inputs = page.getByRole('table', { name: /2 inputs/ });
      await inputs.waitFor();
      const inputRows = inputs.locator('tbody tr');
      expect(await inputRows.count()).toBe(expected.inputs.length);
      for (const [i, leg] of expected.inputs.entries()) {
        const row = inputRows.nth(i);
        await expect.poll(() => row.innerText()).toContain(leg.addresses[0]!);
        expect(await row.getByRole('cell').nth(2).innerText()).toBe(btc(leg.value!));
      }
      expect(await inputRows.nth(1).innerText()).toContain('E2E test label');
      expect(await inputRows.nth(0).innerText()).not.toContain('E2E test label');
      expect(await inputs.locator('tfoot').innerText()).toContain(
        btc(expected.inputs.reduce((s, l) => s + l.value!, 0)),
      );

      const outputs = page.getByRole('table', { name: /1 output/ });
      const outputRows = outputs.locator('tbody tr');
      expect(await outputRows.count()).toBe(expected.outputs.length);
      const out = expected.outputs[0]!;
      expect(await outputRows.nth(0).innerText()).toContain(out.addresses[0]!);
      expect(await outputRows.nth(0).getByRole('cell').nth(2).innerText()).toBe(btc(out.value!));
      const feeRow = outputs.getByRole('row', { name: /Fee/ });
      expect(await feeRow.getByRole('cell').innerText()).toBe(btc(expected.fee));
      // The facts above say the same fee; the transfer list of account chains is not shown.
      const facts = page.locator('dl.facts');
      expect(await facts.innerText()).toMatch(new RegExp(`Fee\\s+${btc(expected.fee)}`));
      expect(await page.getByRole('heading', { name: 'Transfers' }).count()).toBe(0);
      await screenshotOf(page.locator('.tx-page'), 'bitcoin-tx-1280-light');

      // An input's address opens its Bitcoin address page, where the input reads as spent there.
      await inputRows.nth(0).getByRole('link', { name: first!.addresses[0] }).click();
      await page.waitForURL(`**/ui/address/bitcoin/${first!.addresses[0]}`);
      await page.getByRole('heading', { name: first!.addresses[0] }).waitFor();
      const transfers = page.getByRole('table', { name: 'Transfers' });
      const row = transfers.locator('tbody tr').first();
      await row.waitFor();
      const text = await row.innerText();
      expect(text).toContain('spent (input)');
      expect(text).toContain('input 0 of the transaction');
      expect(text).toContain(btc(first!.value!));
      expect(text).not.toMatch(/\bnull\b|utxo_in/);
      const txLink = row.getByRole('link', { name: /^7940cdde/ });
      expect(await txLink.getAttribute('href')).toBe(`/ui/tx/bitcoin/${TXID}`);

      // The output's address: received there.
      await page.goto(`${served!.url}/ui/address/bitcoin/${out.addresses[0]}`);
      const received = page.getByRole('table', { name: 'Transfers' }).locator('tbody tr').first();
      await received.waitFor();
      expect(await received.innerText()).toContain('received (output)');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('reads in the dark theme on a phone', async () => {
    const { page, errors, context } = await openPage(browser!, {
      width: 390,
      height: 844,
      theme: 'dark',
    });
    try {
      await page.goto(`${served!.url}/ui/tx/bitcoin/${TXID}#key=${key}`);
      await page.getByRole('table', { name: /2 inputs/ }).waitFor();
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
      await screenshotOf(page.locator('.tx-page'), 'bitcoin-tx-390-dark');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
