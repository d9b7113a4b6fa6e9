import { describe, expect, it } from 'vitest';
import { openPage, screenshot, useDemo } from './harness.ts';

type Finding = { chain: string; address: string; role: string };
type Endpoint = { chain: string; address: string; category: string };

describe('what the demo case found: marked, shown on the address page, watched (issue 17, items 4 and 5)', () => {
  const demo = useDemo('chaintrail-e2e-findings-');
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${demo.server.url}${path}`, {
      headers: { 'x-api-key': demo.server.key },
    });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };

  // Served without --follow, as `chaintrail serve` starts by default.
  it('marks the seeds and the path addresses, shows the seed as the case’s on its address page (not "Low risk"), and watches every still-held address in one click', async () => {
    const { page, errors, context } = await openPage(demo.browser, {
      width: 1280,
      height: 800,
      theme: 'light',
    });
    try {
      const exploiter = demo.server.truth.scenarios[0]!.attackerAddresses.find(
        (a) => a.role === 'exploiter',
      )!.address;
      // The case's name as stored (the demo's output names it only in part).
      const { traceIds, name: caseName } = await api<{ traceIds: string[]; name: string }>(
        `/v1/cases/${demo.server.caseId}`,
      );
      const { endpoints } = await api<{ endpoints: Endpoint[] }>(
        `/v1/traces/${traceIds[0]}/result`,
      );
      const stillHeld = [
        ...new Set(endpoints.filter((e) => e.category === 'unspent').map((e) => e.address)),
      ];
      const services = new Set(
        endpoints.filter((e) => e.category !== 'unspent').map((e) => e.address),
      );
      expect(stillHeld.length).toBeGreaterThan(0);

      await page.goto(
        `${demo.server.demoCaseUrl.replace(/^http:\/\/[^/]+/, demo.server.url)}#key=${demo.server.key}`,
      );
      await page.getByRole('heading', { name: demo.server.caseName }).waitFor();
      const findings = page.getByRole('region', { name: 'Findings' });
      await findings.getByText('Nothing marked yet.').waitFor();

      await findings.getByRole('button', { name: 'Mark seeds' }).click();
      await findings
        .getByRole('status')
        .getByText(/^Marked 1 seed\./)
        .waitFor();
      await findings.getByRole('button', { name: 'Mark path addresses' }).click();
      await findings
        .getByRole('status')
        .getByText(/^Marked \d+ endpoints? still holding value/)
        .waitFor();
      await findings
        .getByTestId('findings-summary')
        .getByText(/^Marked: 1 seed, /)
        .waitFor();
      await screenshot(page, 'findings-case-1280-light');

      // What the API says was marked: the exploiter as the seed, no service's address.
      const marked = (
        await api<{ findings: Finding[] }>(`/v1/cases/${demo.server.caseId}/findings`)
      ).findings;
      expect(marked.filter((f) => f.role === 'seed').map((f) => f.address)).toEqual([
        exploiter.toLowerCase(),
      ]);
      expect(marked.filter((f) => services.has(f.address))).toEqual([]);
      expect(marked.length).toBeGreaterThan(1);

      // The seed's address page: the case names it, and its risk is not a green "Low risk".
      await page.goto(`${demo.server.url}/ui/address/anvil/${exploiter.toLowerCase()}`);
      const note = page.getByRole('list', { name: 'Cases that marked this address' });
      await note.getByText(`In case ${caseName}: seed`).waitFor();
      await expect(note.getByRole('link', { name: caseName }).getAttribute('href')).resolves.toBe(
        `/ui/cases/${demo.server.caseId}`,
      );
      const level = page.locator('#risk-level');
      await level.waitFor();
      await expect(level.textContent()).resolves.toBe('Severe risk');
      await expect(page.getByText('Low risk').count()).resolves.toBe(0);
      await screenshot(page, 'findings-address-seed-1280-light');
      // "Watch" on the address page: into a new watchlist of the organisation.
      await page.getByRole('button', { name: 'Watch', exact: true }).click();
      await page.getByRole('button', { name: 'Start watching' }).click();
      await page
        .getByRole('status')
        .getByText(/^Watching it in the new watchlist “/)
        .waitFor();
      const { watchlists } = await api<{ watchlists: { addresses: { address: string }[] }[] }>(
        '/v1/watchlists',
      );
      expect(watchlists.map((w) => w.addresses.map((a) => a.address))).toEqual([
        [exploiter.toLowerCase()],
      ]);

      // Where the money is: watch every still-held address in one click.
      await page.goto(`${demo.server.url}/ui/cases/${demo.server.caseId}?view=money`);
      await page.getByRole('heading', { name: 'Still held' }).waitFor();
      await page.getByRole('button', { name: 'Watch all still-held addresses' }).click();
      await page
        .getByRole('status')
        .getByText(`Watching ${stillHeld.length} addresses in “${caseName}: still-held addresses”`)
        .waitFor();
      await screenshot(page, 'findings-money-1280-light');

      // The alerts page: the watchlist with every still-held address, and no green "Live".
      await page.goto(`${demo.server.url}/ui/alerts`);
      await page.getByTestId('live-status').getByText('Not following any chain').waitFor();
      await page.getByText('alerts fire only when the server follows a chain').waitFor();
      const watchlist = page
        .getByRole('listitem')
        .filter({ hasText: `${caseName}: still-held addresses` });
      await watchlist
        .getByRole('button', { name: `Show all ${stillHeld.length} addresses` })
        .click();
      const shown = await watchlist
        .getByRole('list', { name: /^Addresses watched by / })
        .getByRole('link')
        .evaluateAll((links) => links.map((l) => l.getAttribute('title')));
      expect(shown.sort()).toEqual([...stillHeld].sort());
      await screenshot(page, 'findings-alerts-1280-light');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
