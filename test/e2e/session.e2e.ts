import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.ts';
import {
  createKey,
  launchChromium,
  openPage,
  screenshot,
  type Served,
  startServe,
} from './harness.ts';

/** Where the UI keeps its key (web/src/api/session.tsx). */
const KEY_STORAGE = 'chaintrail.apiKey';

/** The public id of a key `ct_<id>_<secret>`. */
const keyId = (key: string) => /^ct_([0-9a-f]+)_/.exec(key)![1]!;

// A `#key=` link must not silently sign a person into another organisation (issue 16, section 2):
// keys of two organisations on one server, a person signed in with acme's key opening a link
// that carries globex's.
describe('signing in from a #key= link, in Chromium', () => {
  const dir = makeTempDir('chaintrail-e2e-session-');
  let server: Served;
  let browser: Browser;
  let acmeKey: string;
  let globexKey: string;
  const acmeCase = 'Acme incident 7';

  beforeAll(async () => {
    const db = path.join(dir.path, 'session.duckdb');
    acmeKey = createKey(db, 'investigator', { org: 'acme', name: 'acme-desk' });
    globexKey = createKey(db, 'viewer', { org: 'globex' });
    server = await startServe(['--db', db]);
    const created = await fetch(`${server.url}/v1/cases`, {
      method: 'POST',
      headers: { 'x-api-key': acmeKey, 'content-type': 'application/json' },
      body: JSON.stringify({ name: acmeCase }),
    });
    expect(created.status).toBe(201);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    dir.cleanup();
  });

  const acme = 'acme / acme-desk (investigator)';
  const globex = () => `globex / key ${keyId(globexKey)} (viewer)`;
  const question = () =>
    `This link signs you in as ${globex()}; you are signed in as ${acme}. Switch?`;
  const header = (page: Page) => page.getByRole('banner');
  const heldKey = (page: Page) => page.evaluate((name) => localStorage.getItem(name), KEY_STORAGE);
  const expectNoKeyInUrl = (page: Page) => {
    expect(page.url()).not.toContain('key=');
    expect(page.url()).not.toContain(acmeKey);
    expect(page.url()).not.toContain(globexKey);
  };

  it('asks before a link of another organisation replaces the key in use: Keep current keeps it, Switch switches', async () => {
    const { page, errors, context } = await openPage(browser, {
      width: 1280,
      height: 800,
      theme: 'light',
    });
    try {
      // Without a key held, the link signs in as before, and says who it signed in as.
      await page.goto(`${server.url}/ui/#key=${acmeKey}`);
      await header(page).getByText(acme).waitFor();
      await page.getByRole('status').getByText(`This link signed you in as ${acme}.`).waitFor();
      expectNoKeyInUrl(page);
      // Only the key's public id is shown, never its secret.
      expect(await header(page).innerText()).not.toContain(acmeKey.slice(16));

      // Globex's link: the page asks, naming both, and the key left the address bar already.
      await page.goto(`${server.url}/ui/cases#key=${globexKey}`);
      const dialog = page.getByRole('dialog', { name: 'Switch to another key?' });
      await dialog.waitFor();
      expect(await dialog.getByText(/^This link signs you in as/).innerText()).toBe(question());
      expectNoKeyInUrl(page);
      // The safe answer has the focus: Enter does not switch.
      const keep = dialog.getByRole('button', { name: 'Keep current' });
      expect(await keep.evaluate((el) => el === document.activeElement)).toBe(true);
      await screenshot(page, 'key-switch-dialog-1280-light');

      // Keep current: still acme, acme's case listed, acme's key held.
      await keep.click();
      await dialog.waitFor({ state: 'hidden' });
      await header(page).getByText(acme).waitFor();
      await page.getByText(acmeCase).waitFor();
      expect(await heldKey(page)).toBe(acmeKey);
      // Globex's key was kept nowhere: a reload asks nothing and stays acme.
      await page.reload();
      await page.getByText(acmeCase).waitFor();
      expect(await page.getByRole('dialog').count()).toBe(0);
      expectNoKeyInUrl(page);

      // The same link again, answered Switch: globex, which does not see acme's case.
      await page.goto(`${server.url}/ui/cases#key=${globexKey}`);
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Switch' }).click();
      await header(page).getByText(globex()).waitFor();
      await page.getByText('No cases yet', { exact: false }).waitFor();
      expect(await page.getByText(acmeCase).count()).toBe(0);
      expect(await header(page).getByText(acme).count()).toBe(0);
      expect(await heldKey(page)).toBe(globexKey);
      expectNoKeyInUrl(page);
      // No page of this tab's history kept a key.
      await page.goBack();
      expectNoKeyInUrl(page);
      await page.goBack();
      expectNoKeyInUrl(page);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('asks too when the link is pasted into a page already open, and keeps the work under it', async () => {
    const { page, errors, context } = await openPage(browser, {
      width: 390,
      height: 844,
      theme: 'dark',
    });
    try {
      await page.goto(`${server.url}/ui/cases#key=${acmeKey}`);
      await page.getByText(acmeCase).waitFor();
      // On a phone's width too, the header says who is signed in.
      expect(await header(page).getByText(acme).isVisible()).toBe(true);
      // Work begun in the page, not saved yet.
      const draft = page.getByLabel('Name', { exact: true });
      await draft.fill('Draft of a new case');
      await page.evaluate((key) => {
        window.location.hash = `key=${key}`;
      }, globexKey);
      const dialog = page.getByRole('dialog', { name: 'Switch to another key?' });
      await dialog.waitFor();
      expect(await dialog.getByText(/^This link signs you in as/).innerText()).toBe(question());
      expectNoKeyInUrl(page);
      await screenshot(page, 'key-switch-dialog-390-dark');
      // Escape is Keep current.
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await header(page).getByText(acme).waitFor();
      await page.getByText(acmeCase).waitFor();
      expect(await draft.inputValue()).toBe('Draft of a new case');
      expect(await heldKey(page)).toBe(acmeKey);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('keeps the key in use and says so when the link carries a key the server refuses', async () => {
    const { page, context } = await openPage(browser, { width: 1280, height: 800, theme: 'light' });
    try {
      await page.goto(`${server.url}/ui/#key=${acmeKey}`);
      await header(page).getByText(acme).waitFor();
      // A key of the right form that the server never issued.
      const unknown = `ct_${'0'.repeat(12)}_${'x'.repeat(43)}`;
      await page.goto(`${server.url}/ui/cases#key=${unknown}`);
      await page
        .getByRole('alert')
        .getByText(/^The link's key was not accepted \(.+\); you are still signed in as /)
        .waitFor();
      expect(await page.getByRole('dialog').count()).toBe(0);
      await header(page).getByText(acme).waitFor();
      await page.getByText(acmeCase).waitFor();
      expect(await heldKey(page)).toBe(acmeKey);
      expectNoKeyInUrl(page);
      // The refused look-up is a 401 the browser logs; nothing else failed on the page.
    } finally {
      await context.close();
    }
  });
});
