import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { ApiApp } from './app.ts';
import { UI_PREFIX } from './server.ts';

// The UI's own code and styles only: no inline scripts, no third-party origins. Inline styles are
// allowed because the graph and chart libraries position their elements with them.
const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * Serves the built web UI (`dist/web`, made by `npm run build`) under {@link UI_PREFIX}: its files,
 * and `index.html` for every other path below it, so a deep link such as `/ui/cases/<id>` opens
 * the page it names. `/` redirects to the UI. The UI talks to the API like any client, with a key.
 * Without a built UI, `/ui/` answers 404 with a message saying how to build it.
 *
 * @example
 * await registerUi(app, { dir: path.join(packageRoot(), 'dist/web') });
 */
export async function registerUi(app: ApiApp, options: { dir: string }): Promise<void> {
  const index = path.join(options.dir, 'index.html');
  const built = fs.existsSync(index);
  app.get('/', { config: { role: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.redirect(UI_PREFIX),
  );
  if (!built) {
    app.get(
      `${UI_PREFIX}*`,
      { config: { role: 'public' }, schema: { hide: true } },
      (request, reply) =>
        reply.code(404).send({
          error: {
            code: 'UI_NOT_BUILT',
            message: 'The web UI is not built',
            details: 'Run `npm run build` in the chaintrail checkout (it writes dist/web).',
            requestId: String(request.id),
          },
        }),
    );
    return;
  }
  const html = fs.readFileSync(index);
  await app.register(fastifyStatic, {
    root: options.dir,
    prefix: UI_PREFIX,
    wildcard: false,
    index: false,
    decorateReply: false,
    // `npm run build` writes .br and .gz beside each asset (scripts/precompress-web.mjs): sent to
    // browsers that accept them (the case page's JavaScript: 1.1 MB, about 300 kB in Brotli).
    preCompressed: true,
    // Vite names built assets by content hash: they never change under their name.
    setHeaders: (res, file) => {
      res.header('content-security-policy', UI_CONTENT_SECURITY_POLICY);
      res.header('x-content-type-options', 'nosniff');
      if (file.includes(`${path.sep}assets${path.sep}`))
        res.header('cache-control', 'public, max-age=31536000, immutable');
    },
  });
  app.get(
    `${UI_PREFIX}*`,
    { config: { role: 'public' }, schema: { hide: true } },
    (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', UI_CONTENT_SECURITY_POLICY)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-cache')
        .send(html),
  );
}
