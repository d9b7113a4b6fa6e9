import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { syntheticTxHash } from '../helpers/screen-fixtures.ts';
import { openPage, screenshot, useDemo } from './harness.ts';

// On OFAC's SDN list (Lazarus Group), in the shipped reference labels.
const OFAC_ADDRESS = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96';
const FILE_COLUMNS = ['customer_id', 'address', 'deposit_tx', 'amount'];

type ApiResult = {
  input: string;
  chain: string | null;
  sanctioned: boolean | null;
  riskLevel: string | null;
  error: string | null;
};

describe("an uploaded screening file's columns come back beside each verdict (issue 17, item 11)", () => {
  const demo = useDemo('chaintrail-e2e-file-');

  it('uploads customer_id,address,deposit_tx,amount, screens, and the downloaded CSV keeps every row with its verdict', async () => {
    const { page, errors, context } = await openPage(demo.browser, {
      width: 1280,
      height: 800,
      theme: 'light',
    });
    try {
      const scenario = demo.server.truth.scenarios[0]!;
      const exploiter = scenario.attackerAddresses.find((a) => a.role === 'exploiter')!.address;
      const split = scenario.attackerAddresses.find((a) => a.role === 'split')!.address;
      const deposit = scenario.endpoints.find((e) => e.category === 'deposit_wallet')!.address;
      // Customers as a deposit pipeline exports them: one address twice, one invalid, one blank,
      // amounts with thousands separators (quoted), a name with a comma and quotes.
      const rows: string[][] = [
        ['cust-001', exploiter, syntheticTxHash('deposit-1'), '1,250.00'],
        ['cust-002 "Smith, J."', OFAC_ADDRESS, syntheticTxHash('deposit-2'), '99.5'],
        ['cust-003', split, syntheticTxHash('deposit-3'), '12,000'],
        ['cust-004', deposit, syntheticTxHash('deposit-4'), '0.01'],
        ['cust-005', exploiter, syntheticTxHash('deposit-5'), '7'],
        ['cust-006', '0x1234', syntheticTxHash('deposit-6'), '3'],
        ['cust-007', '', syntheticTxHash('deposit-7'), '4'],
      ];
      const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
      const file = path.join(demo.dir, 'deposits.csv');
      fs.writeFileSync(
        file,
        `\uFEFF${[FILE_COLUMNS, ...rows].map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`,
      );

      await page.goto(`${demo.server.url}/ui/screen#key=${demo.server.key}`);
      await page.getByLabel('Upload CSV').setInputFiles(file);
      await page
        .getByRole('status')
        .filter({
          hasText:
            /Read 5 addresses from deposits\.csv: column “address”, 7 rows, 1 blank, 1 repeated/,
        })
        .waitFor();
      await page.getByRole('button', { name: 'Screen', exact: true }).click();
      await page.getByRole('table', { name: 'Screening results' }).waitFor();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download CSV' }).click(),
      ]);
      await screenshot(page, 'screening-file-1280-light');
      const out = parse(fs.readFileSync((await download.path())!, 'utf8'), {
        columns: true,
      }) as Record<string, string>[];

      // The file's columns first, in its order and under its names; the verdict's `address` is
      // `screened_address` beside the file's own.
      const header = Object.keys(out[0]!);
      expect(header.slice(0, 6)).toEqual([...FILE_COLUMNS, 'screened_address', 'chain']);
      expect(header).toContain('sanctioned');
      expect(header).toContain('risk_level');
      // Every row of the file, in order, with all its cells as written.
      expect(out.map((r) => FILE_COLUMNS.map((c) => r[c]))).toEqual(rows);

      // Each row's verdict is the API's for its address.
      const res = await page.request.post(`${demo.server.url}/v1/screen`, {
        headers: { 'x-api-key': demo.server.key },
        data: { addresses: [exploiter, OFAC_ADDRESS, split, deposit, '0x1234'] },
      });
      const api = new Map(
        ((await res.json()) as { results: ApiResult[] }).results.map((r) => [r.input, r]),
      );
      const verdict = (r: ApiResult) => [
        r.chain ?? '',
        r.sanctioned === null ? '' : String(r.sanctioned),
        r.riskLevel ?? '',
        r.error ?? '',
      ];
      expect(out.map((r) => [r.customer_id, r.chain, r.sanctioned, r.risk_level, r.error])).toEqual(
        rows.map(([customer, address]) => [
          customer,
          ...(address
            ? verdict(api.get(address!)!)
            : ['', '', '', 'no address in column "address"']),
        ]),
      );
      // What those verdicts are: the exploiter on the demo's chain, the OFAC address sanctioned.
      expect(out[0]!.chain).toBe('anvil');
      expect(out[1]!.sanctioned).toBe('true');
      expect(out[4]!.screened_address).toBe(out[0]!.screened_address);
      expect(out[5]!.error).toMatch(/40 hex/);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
