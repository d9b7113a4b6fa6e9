import { describe, expect, it } from 'vitest';
import { openPage, screenshot, useDemo } from './harness.ts';

// The demo's chain is anvil: its exploiter and split addresses have no transfer on ethereum, where a
// 0x address given without a chain used to be screened ("Low risk", no warning).
describe('screening on the chain where an address moved funds (issue 17, item 3)', () => {
  const demo = useDemo('chaintrail-e2e-activity-');
  const attacker = (role: string) =>
    demo.server.truth.scenarios[0]!.attackerAddresses.find((a) => a.role === role)!.address;

  it("opens the exploiter's address page without a chain and screens it on anvil, saying why", async () => {
    const { page, errors, context } = await openPage(demo.browser, {
      width: 1280,
      height: 800,
      theme: 'light',
    });
    try {
      const exploiter = attacker('exploiter');
      await page.goto(`${demo.server.url}/ui/address/${exploiter}#key=${demo.server.key}`);
      await page.getByRole('heading', { level: 1, name: exploiter }).waitFor();
      const note = page.getByRole('note', { name: 'Chain' });
      await note.waitFor();
      expect(await note.innerText()).toBe(
        'No chain given: anvil is the only EVM chain where it has transfers.',
      );
      expect(await page.locator('.eyebrow').innerText()).toBe('Address on anvil');
      // Its transfers and its risk are those on anvil: the transfers are there, and no warning of
      // activity elsewhere (the page did not screen it on ethereum).
      const totals = page.getByRole('table', { name: 'Totals per asset' });
      await totals.waitFor();
      expect(await totals.getByRole('row').count()).toBeGreaterThan(1);
      await page.getByLabel(/^Risk level: /).waitFor();
      expect(await page.getByText(/no activity on/i).count()).toBe(0);
      await screenshot(page, 'address-without-chain-1280-light');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('screens an address seen only on anvil with ethereum forced: "no activity on ethereum; seen on anvil", not low risk', async () => {
    const { page, errors, context } = await openPage(demo.browser, {
      width: 1280,
      height: 800,
      theme: 'dark',
    });
    try {
      const split = attacker('split');
      await page.goto(`${demo.server.url}/ui/screen#key=${demo.server.key}`);
      await page.getByLabel('Addresses').fill(split);
      await page.getByLabel('Chain', { exact: true }).selectOption('ethereum');
      await page.getByRole('button', { name: 'Screen', exact: true }).click();
      const row = page
        .getByRole('table', { name: 'Screening results' })
        .getByRole('row', { name: new RegExp(split, 'i') });
      await row.getByText('No activity on ethereum; seen on anvil', { exact: true }).waitFor();
      expect(await row.getByText('Medium risk', { exact: true }).count()).toBe(1);
      expect(await row.getByText('Low risk', { exact: true }).count()).toBe(0);
      const summary = page.getByLabel('Summary', { exact: true });
      expect(await summary.innerText()).toMatch(/Seen only on other chains\s+1/);
      await screenshot(page, 'screening-activity-elsewhere-1280-dark');

      // Its address page on ethereum says the same, first, with the way to anvil.
      await page.goto(`${demo.server.url}/ui/address/ethereum/${split}`);
      const warning = page.getByRole('alert').filter({ hasText: 'No activity on ethereum' });
      await warning.waitFor();
      expect(await warning.innerText()).toMatch(/^No activity on ethereum; seen on anvil\./);
      expect(await page.getByLabel(/^Risk level: /).innerText()).toBe('Medium risk');
      await warning.getByRole('link', { name: 'anvil' }).click();
      await page.waitForURL(new RegExp(`/ui/address/anvil/${split}$`));
      await page.getByLabel(/^Risk level: /).waitFor();
      expect(await page.getByText(/no activity on/i).count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
