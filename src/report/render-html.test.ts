import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceResult } from '../trace/types.ts';
import { FIXTURE, handBuiltTrace } from '../../test/helpers/trace-fixture.ts';
import { pdfInfo, pdfText, pdfToolsMissing } from '../../test/helpers/pdf-tools.ts';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { buildReport } from './build-report.ts';
import { EXPLORER_ORIGINS } from './explorer.ts';
import { printPdf } from './print-pdf.ts';
import { renderReportHtml } from './render-html.ts';

/** The hand-built trace as if it had run on Ethereum mainnet, which has a block explorer. */
function onEthereum(trace: TraceResult): TraceResult {
  return JSON.parse(
    JSON.stringify(trace)
      .replace(/"anvil"/g, '"ethereum"')
      .replace(/"anvil:/g, '"ethereum:'),
  ) as TraceResult;
}

/** Every URL an HTML file names in a src, href, action or CSS url(). */
function urlsIn(html: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(/\b(?:src|href|action|xlink:href)\s*=\s*["']?([^"'\s>]+)/gi))
    found.push(m[1]!);
  for (const m of html.matchAll(/url\(\s*["']?([^"')]+)/gi)) found.push(m[1]!);
  return found;
}

describe('renderReportHtml', () => {
  it('is self-contained: no script, and its only links are block-explorer pages of the trace transactions', async () => {
    const trace = onEthereum(handBuiltTrace());
    const html = renderReportHtml(await buildReport({ trace }));
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import/i);
    const urls = urlsIn(html);
    // The fixture's five transfers on Ethereum: each has its explorer page.
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) {
      expect(
        EXPLORER_ORIGINS.some((o) => url.startsWith(`${o}/`)),
        url,
      ).toBe(true);
      const hash = /([0-9a-f]{64})$/.exec(url)?.[1];
      expect(
        trace.edges.some((e) => e.txHash.endsWith(hash ?? '-')),
        url,
      ).toBe(true);
    }
  });

  it('links no transaction of a simulated chain, and escapes names from label lists', async () => {
    const html = renderReportHtml(await buildReport({ trace: handBuiltTrace() }));
    expect(urlsIn(html)).toEqual([]);
    expect(html).not.toContain(FIXTURE.exchangeEntity);
    expect(html).toContain('Alder &lt;Exchange&gt; &amp; &quot;Sons&quot; &#39;Ltd&#39;');
  });

  it('leaves out the sections the investigator omits', async () => {
    const report = await buildReport({ trace: handBuiltTrace(), omit: ['evidence', 'method'] });
    const html = renderReportHtml(report);
    expect(html).not.toContain('id="evidence"');
    expect(html).not.toContain('id="method"');
    expect(html).toContain('id="freeze"');
    expect(html).toContain('Left out by the investigator: evidence, method');
  });
});

const missing = pdfToolsMissing();
describe.skipIf(missing !== null)(`printPdf${missing ? `: NOT RUN, ${missing}` : ''}`, () => {
  it('prints A4 and Letter, with the freeze list in the text', async () => {
    const dir = makeTempDir();
    try {
      const html = renderReportHtml(await buildReport({ trace: handBuiltTrace() }));
      const sizes: Record<string, RegExp> = { a4: /\(A4\)/, letter: /\(letter\)/ };
      for (const page of ['a4', 'letter'] as const) {
        const file = path.join(dir.path, `${page}.pdf`);
        fs.writeFileSync(file, await printPdf({ html, page }));
        expect(pdfInfo(file).pageSize).toMatch(sizes[page]!);
        const text = pdfText(file);
        expect(text).toContain(FIXTURE.exchangeEntity);
        expect(text).toContain('30 ETH');
      }
    } finally {
      dir.cleanup();
    }
  }, 60_000);
});
