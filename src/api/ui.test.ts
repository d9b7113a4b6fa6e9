import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { useApi } from '../../test/helpers/api.ts';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';

// A built UI as Vite writes it: index.html and content-hashed assets.
const ui = makeTempDir('chaintrail-ui-');
fs.mkdirSync(path.join(ui.path, 'assets'));
fs.writeFileSync(
  path.join(ui.path, 'index.html'),
  '<!doctype html><div id="root"></div><script type="module" src="/ui/assets/index-abc123.js"></script>',
);
fs.writeFileSync(path.join(ui.path, 'assets', 'index-abc123.js'), 'console.log("ui");');
// What `npm run build` writes beside an asset (scripts/precompress-web.mjs).
const bundle = 'export const chart = "sankey";\n'.repeat(200);
fs.writeFileSync(path.join(ui.path, 'assets', 'chart-def456.js'), bundle);
fs.writeFileSync(
  path.join(ui.path, 'assets', 'chart-def456.js.br'),
  zlib.brotliCompressSync(bundle),
);
fs.writeFileSync(path.join(ui.path, 'assets', 'chart-def456.js.gz'), zlib.gzipSync(bundle));
const missing = makeTempDir('chaintrail-ui-missing-');
afterAll(() => {
  ui.cleanup();
  missing.cleanup();
});

describe('the web UI under /ui/', () => {
  const api = useApi({ app: { uiDir: ui.path } });

  it('serves index.html for the UI root and for deep links, with a strict content security policy', async () => {
    for (const url of ['/ui/', '/ui/cases/48b572b8-4744-4a2e-9153-e0ee9fc25320', '/ui/screen']) {
      const res = await api.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toContain('text/html');
      expect(res.body, url).toContain('<div id="root">');
      expect(res.headers['content-security-policy'], url).toContain("script-src 'self'");
      expect(res.headers['content-security-policy'], url).toContain("frame-ancestors 'none'");
    }
  });

  it('serves the built assets as immutable files, with no key needed', async () => {
    const res = await api.app.inject({ url: '/ui/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('console.log("ui");');
    expect(res.headers['cache-control']).toContain('immutable');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('sends an asset compressed to a browser that accepts it (Brotli, else gzip), and whole to one that does not', async () => {
    const url = '/ui/assets/chart-def456.js';
    const br = await api.app.inject({ url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(String(br.headers.vary).toLowerCase()).toContain('accept-encoding');
    expect(br.rawPayload.length).toBeLessThan(bundle.length / 10);
    expect(zlib.brotliDecompressSync(br.rawPayload).toString()).toBe(bundle);
    const gz = await api.app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.rawPayload).toString()).toBe(bundle);
    const plain = await api.app.inject({ url, headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(bundle);
    expect(plain.headers['content-type']).toContain('javascript');
  });

  it('redirects / to the UI', async () => {
    const res = await api.app.inject({ url: '/' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/ui/');
  });

  it('never serves files outside the UI folder', async () => {
    for (const url of [
      '/ui/../package.json',
      '/ui/%2e%2e/%2e%2e/package.json',
      '/ui/assets/..%2f..%2fpackage.json',
    ]) {
      const res = await api.app.inject({ url });
      expect(res.body, url).not.toContain('"dependencies"');
    }
  });

  it('keeps the API behind its keys', async () => {
    expect((await api.app.inject({ url: '/v1/cases' })).statusCode).toBe(401);
    const me = await api.app.inject({ url: '/v1/me', headers: api.as('screener') });
    expect(me.json()).toMatchObject({ role: 'screener', org: 'acme' });
  });
});

describe('the web UI when it is not built', () => {
  const api = useApi({ app: { uiDir: missing.path } });

  it('answers 404 with how to build it', async () => {
    const res = await api.app.inject({ url: '/ui/cases/x' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('UI_NOT_BUILT');
    expect(res.json().error.details).toContain('npm run build');
  });
});
