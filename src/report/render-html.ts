import { formatUnits } from '../model/amount.ts';
import { escapeHtml } from './escape-html.ts';
import { explorerTxUrl } from './explorer.ts';
import { sankeySvg } from './sankey-svg.ts';
import { BUCKET_LABELS } from './summarise-trace.ts';
import type { Report, ReportAmount, ReportSection } from './types.ts';
import { seedArgument } from './describe-method.ts';

/** Styles inline: the file makes no request of its own (fonts are the reader's). */
const STYLE = `
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #24292f; margin: 0 auto; max-width: 190mm; padding: 8mm; }
h1 { font-size: 16pt; margin: 0 0 4pt; }
h2 { font-size: 13pt; border-bottom: 1px solid #d0d7de; padding-bottom: 2pt; margin-top: 16pt; break-after: avoid; }
h3 { font-size: 11pt; margin: 10pt 0 4pt; break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; }
th, td { border: 1px solid #d0d7de; padding: 2pt 4pt; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
tr { break-inside: avoid; }
td.num { text-align: right; white-space: nowrap; }
.mono, code { font-family: "DejaVu Sans Mono", monospace; font-size: 8pt; overflow-wrap: anywhere; }
.hash { font-family: "DejaVu Sans Mono", monospace; font-size: 6.5pt; white-space: nowrap; }
.ok { color: #1a7f37; } .bad { color: #cf222e; font-weight: bold; }
.meta { color: #57606a; }
.request { border: 1px solid #d0d7de; padding: 4pt 8pt; margin: 6pt 0; break-inside: avoid-page; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f8fa; padding: 4pt; }
@media print { a { color: inherit; } body { padding: 0; max-width: none; } }
`;

/** An amount in whole units with its symbol, every digit kept (never rounded); raw units when unknown. */
export function amountText(a: ReportAmount): string {
  if (a.decimals === null || a.symbol === null)
    return `${a.raw} raw units of ${a.asset === 'native' ? `${a.chain}'s coin` : a.asset}`;
  return `${formatUnits(BigInt(a.raw), a.decimals)} ${a.symbol}`;
}

const amounts = (list: readonly ReportAmount[]) =>
  list.length === 0 ? '' : list.map((a) => escapeHtml(amountText(a))).join('<br>');
const pct = (share: number) =>
  share > 0 && share < 0.0005 ? '&lt; 0.1%' : `${(share * 100).toFixed(1)}%`;
const time = (seconds: number) =>
  new Date(seconds * 1000).toISOString().replace('.000Z', 'Z').replace('T', ' ');
const mono = (text: string) => `<span class="mono">${escapeHtml(text)}</span>`;
/**
 * A transaction hash on one line (a hash broken over two lines is not found by a search of the PDF's
 * text), linked to the chain's explorer where it has one (a plain link: nothing loads).
 */
const txLink = (hash: string, url: string | null) =>
  url
    ? `<a class="hash" href="${escapeHtml(url)}">${escapeHtml(hash)}</a>`
    : `<span class="hash">${escapeHtml(hash)}</span>`;

function summaryHtml(r: Report): string {
  const s = r.summary;
  const seeds = s.seeds.map((x) => `${x.chain} ${x.kind} ${seedArgument(x)}`);
  const rows = s.where
    .map(
      (w) =>
        `<tr><td>${escapeHtml(BUCKET_LABELS[w.bucket])}</td><td>${escapeHtml(w.bucket === 'untraced' ? untracedWhy(r) : (w.entity ?? w.category.replace(/_/g, ' ')))}</td><td class="num">${amounts(w.amounts)}</td><td class="num">${pct(w.share)}</td></tr>`,
    )
    .join('');
  const rec = r.reconciliation;
  return `<section id="summary"><h2>1. Summary</h2>
<p>${s.direction === 'forward' ? 'Traced forward (where the value went)' : 'Traced backward (where the value came from)'} from ${seeds.map((x) => mono(x)).join(', ')}${s.firstTime !== null ? `, transfers from ${time(s.firstTime)} to ${time(s.lastTime!)} UTC` : ''}.</p>
<table><tr><th>Traced (seed value)</th><td>${amounts(s.seedValue) || 'none: no seed transfer in the window'}</td></tr>
${s.valuedIn && s.seedValue.length > 1 ? `<tr><th>Shares valued in</th><td>${escapeHtml(s.seedValue.find((v) => v.chain === s.valuedIn!.chain && v.asset === s.valuedIn!.asset)?.symbol ?? s.valuedIn.asset)} on ${escapeHtml(s.valuedIn.chain)} at the swap rates in the data</td></tr>` : s.seedValue.length > 1 ? "<tr><th>Shares</th><td>no swap rate links the seed's assets: each counts as an equal part</td></tr>" : ''}
${s.freezable ? `<tr><th>To freeze</th><td>${amounts(s.freezable.amounts) || 'nothing'} (${pct(s.freezable.share)}) at ${s.freezable.services} service(s)</td></tr>` : ''}</table>
<h3>Where it is now</h3>
<table><tr><th>where</th><th>entity</th><th>amount</th><th>share</th></tr>${rows}</table>
<p>Traced ${pct(s.traced)} + untraced ${pct(s.untraced)} = ${pct(s.traced + s.untraced)} of the seed.</p>
${sankeySvg(s.where)}
<h3>Reconciliation</h3>
<p class="${rec.ok ? 'ok' : 'bad'}">${rec.ok ? 'Every check below holds: the figures of this report reconcile.' : 'Some figures do NOT reconcile: the failed checks below say where and by how much.'}</p>
<table><tr><th>check</th><th>result</th><th>figures</th></tr>${rec.checks
    .map(
      (c) =>
        `<tr><td>${escapeHtml(c.name)}</td><td class="${c.ok ? 'ok' : 'bad'}">${c.ok ? 'holds' : 'DOES NOT HOLD'}</td><td>${escapeHtml(c.text)}</td></tr>`,
    )
    .join('')}</table>
${rec.assets.length > 0 ? `<table><tr><th>asset</th><th>seed</th><th>traced to endpoints</th><th>untraced</th></tr>${rec.assets.map((a) => `<tr><td>${escapeHtml(a.seed.symbol ?? a.seed.asset)} (${escapeHtml(a.seed.chain)})</td><td class="num">${escapeHtml(amountText(a.seed))}</td><td class="num">${escapeHtml(amountText(a.traced))}</td><td class="num">${escapeHtml(amountText(a.untraced))}</td></tr>`).join('')}</table>` : ''}
</section>`;
}

function untracedWhy(r: Report): string {
  const by = r.summary.untracedBy;
  const causes: [string, number][] = [
    ['gas fees', by.fees],
    ['hop limit', by.hopLimit],
    ['dust', by.dust],
    ['unresolved swaps', by.conversion],
  ];
  const text = causes
    .filter(([, share]) => share > 0)
    .map(
      ([cause, share]) =>
        `${cause} ${share > 0 && share < 0.0005 ? '< 0.1%' : `${(share * 100).toFixed(1)}%`}`,
    )
    .join(', ');
  return text === '' ? '' : `(${text})`;
}

function freezeHtml(r: Report): string {
  if (r.freezeRequests === null)
    return `<section id="freeze"><h2>2. Freeze requests</h2><p>A backward trace finds where value came from: nothing in it is to freeze.</p></section>`;
  if (r.freezeRequests.length === 0)
    return `<section id="freeze"><h2>2. Freeze requests</h2><p>No traced value reached a service that can freeze it (an exchange, OTC desk or instant exchange).</p></section>`;
  const requests = r.freezeRequests.map((q) => {
    const deposits = q.deposits
      .map((d) => {
        const how =
          d.attribution.kind === 'labelled'
            ? `labelled ${escapeHtml(d.category.replace(/_/g, ' '))} by a label list`
            : `inferred: it swept to the exchange's labelled address ${mono(d.attribution.exchangeAddress)} in ${d.attribution.sweeps.length} transaction(s) (${d.attribution.sweeps.map((h) => txLink(h, explorerTxUrl(d.chain, h))).join(', ')}), confidence ${d.attribution.confidence}/100`;
        const arrivals = d.arrivals
          .map(
            (a) =>
              `<tr><td>${txLink(a.txHash, a.explorerUrl)}</td><td>${time(a.time)}</td><td class="num">${escapeHtml(amountText(a.amount))}</td></tr>`,
          )
          .join('');
        return `<h3>Deposit address ${mono(d.address)} on ${escapeHtml(d.chain)}</h3>
<p>${how}. Traced value there: <b>${escapeHtml(amountText(d.amount))}</b> (${pct(d.share)} of the seed).</p>
<table><tr><th>arrival transaction</th><th>time (UTC)</th><th>tainted amount</th></tr>${arrivals}</table>`;
      })
      .join('');
    return `<div class="request"><h3>${escapeHtml(q.service)}</h3><p>To freeze: <b>${amounts(q.totals)}</b> (${pct(q.share)} of the seed) at ${q.deposits.length} deposit address(es).</p>${deposits}</div>`;
  });
  return `<section id="freeze"><h2>2. Freeze requests</h2><p>One request per service; each lists the deposit addresses, the traced amounts and the transactions by which the value arrived.</p>${requests.join('')}</section>`;
}

function methodHtml(r: Report): string {
  const m = r.method;
  return `<section id="method"><h2>3. Method</h2><p>${escapeHtml(m.policyText)}</p>
<table><tr><th>parameter</th><th>value</th><th>meaning</th></tr>${m.parameters
    .map(
      (p) =>
        `<tr><td>${escapeHtml(p.name)}</td><td>${mono(p.value)}</td><td>${escapeHtml(p.meaning)}</td></tr>`,
    )
    .join('')}</table>
<h3>Rules</h3><ul>${m.rules.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>
<h3>The other taint policies</h3><p>${escapeHtml(m.comparisonNote)}</p>${
    m.comparison === null
      ? ''
      : `<table><tr><th>policy</th><th>traced</th><th>untraced</th><th>freezable</th><th>endpoints</th><th>largest categories</th></tr>${m.comparison
          .map(
            (c) =>
              `<tr><td>${escapeHtml(c.policy)}${c.policy === m.policy ? ' (this report)' : ''}</td><td>${pct(c.traced)}</td><td>${pct(c.untraced)}</td><td>${c.freezable === null ? '-' : pct(c.freezable)}</td><td>${c.endpoints}</td><td>${c.categories.map((k) => `${escapeHtml(k.category)} ${pct(k.share)}`).join(', ')}</td></tr>`,
          )
          .join('')}</table>`
  }</section>`;
}

function evidenceHtml(r: Report): string {
  // The investigator's annotations, by the address they are about (graph node ids are chain:address).
  const annotation = new Map(
    (r.case?.annotations ?? []).map((a) => [a.node.slice(a.node.indexOf(':') + 1), a.text]),
  );
  const withNote = (address: string) => {
    const text = annotation.get(address);
    return text ? `${mono(address)} <i>(${escapeHtml(text)})</i>` : mono(address);
  };
  const endpoints = r.evidence.map((e, i) => {
    const paths = e.paths
      .map((path, j) => {
        const hops = path
          .map((h) => {
            const transfers =
              h.transfers.length === 0
                ? `<tr><td colspan="5">${escapeHtml(h.note ?? '')}</td></tr>`
                : h.transfers
                    .map(
                      (t) =>
                        `<tr><td>${t.hop}</td><td>${txLink(t.txHash, t.explorerUrl)}</td><td>${time(t.time)}</td><td class="num">${escapeHtml(amountText(t.amount))}</td><td class="num">${escapeHtml(amountText(t.tainted))}</td></tr>`,
                    )
                    .join('');
            return `<tr><td colspan="5">${withNote(h.from)} &rarr; ${withNote(h.to)}</td></tr>${transfers}`;
          })
          .join('');
        return `<p class="meta">Path ${j + 1} of ${e.paths.length}</p><table><tr><th>hop</th><th>transaction</th><th>time (UTC)</th><th>amount</th><th>tainted</th></tr>${hops}</table>`;
      })
      .join('');
    return `<h3>${i + 1}. ${escapeHtml(e.finding)}</h3><p>${mono(`${e.chain} ${e.address}`)}: ${escapeHtml(amountText(e.amount))} (${pct(e.share)} of the seed)</p>${paths}`;
  });
  return `<section id="evidence"><h2>4. Evidence</h2><p>Per endpoint, its paths hop by hop with every transfer of the trace: amount moved and the tainted amount in it. Links go to public block explorers; simulated and local chains have none.</p>${endpoints.join('')}</section>`;
}

function dataHtml(r: Report): string {
  const d = r.data;
  const chains = d.store
    ? `<table><tr><th>chain</th><th>blocks in the store</th><th>time range (UTC)</th><th>transfers</th></tr>${d.chains
        .map(
          (c) =>
            `<tr><td>${escapeHtml(c.name)} (${escapeHtml(c.chain)})</td><td>${escapeHtml(c.firstBlock ?? '?')} to ${escapeHtml(c.lastBlock ?? '?')}</td><td>${c.firstTime === null ? '?' : time(c.firstTime)} to ${c.lastTime === null ? '?' : time(c.lastTime)}</td><td class="num">${c.transfers}</td></tr>`,
        )
        .join('')}</table>
<h3>Label lists</h3>${
        d.labelLists.length === 0
          ? '<p>None imported.</p>'
          : `<table><tr><th>list</th><th>format</th><th>date</th><th>SHA-256</th><th>labels</th></tr>${d.labelLists
              .map(
                (l) =>
                  `<tr><td>${escapeHtml(l.name ?? l.source)}</td><td>${escapeHtml(l.format)}</td><td>${escapeHtml(l.date ?? 'no date')}</td><td>${mono(l.sha256 ?? 'not recorded')}</td><td class="num">${l.labels}</td></tr>`,
              )
              .join('')}</table>`
      }`
    : '<p class="bad">No store was given (--db): the chains, block ranges and label lists the trace used are not recorded in this report.</p>';
  return `<section id="data"><h2>5. Data</h2>${chains}
<table><tr><th>Trace (canonical JSON) SHA-256</th><td>${mono(d.traceSha256)}</td></tr>
<tr><th>Risk rules</th><td>${d.riskRules ? `version ${escapeHtml(d.riskRules.version)}, SHA-256 ${mono(d.riskRules.sha256)}` : 'not loaded'}</td></tr>
<tr><th>chaintrail</th><td>version ${escapeHtml(d.chaintrail.version)}, commit ${mono(d.chaintrail.commit ?? 'unknown (not a git checkout)')}</td></tr></table></section>`;
}

function reproductionHtml(r: Report): string {
  const p = r.reproduction;
  return `<section id="reproduction"><h2>6. Reproduction</h2>
${p.command ? `<p>This command regenerates the trace (its JSON) from the same database:</p><pre>${escapeHtml(p.command)}</pre><p>Then <code>chaintrail report &lt;that JSON&gt; --db &lt;the database&gt;</code> gives a report whose data section has the same SHA-256:</p>` : `<p>No single command regenerates this trace: ${escapeHtml(p.reason ?? '')}.</p>`}
<table><tr><th>Data section SHA-256</th><td>${mono(p.dataSha256)}</td></tr></table>
<p class="meta">The hash is over the canonical JSON of the data section (keys sorted; the trace's own SHA-256 is in it), not over this file.</p></section>`;
}

function caseHeaderHtml(r: Report): string {
  const c = r.case!;
  return `<table><tr><th>Case</th><td>${escapeHtml(c.name)} (${mono(c.id)})</td></tr>
<tr><th>Author</th><td>${escapeHtml(c.author)}</td></tr>
<tr><th>Opened</th><td>${escapeHtml(c.createdAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'))}</td></tr>
${c.description ? `<tr><th>Description</th><td>${escapeHtml(c.description)}</td></tr>` : ''}
<tr><th>Trace</th><td>${mono(c.traceId)}</td></tr></table>`;
}

/** The case's notes, after the summary they comment on. */
function notesHtml(r: Report): string {
  const notes = r.case?.notes ?? [];
  if (notes.length === 0) return '';
  return `<section id="notes"><h3>Case notes</h3><table><tr><th>time (UTC)</th><th>by</th><th>note</th></tr>${notes
    .map(
      (n) =>
        `<tr><td>${escapeHtml(n.time.replace('T', ' ').replace(/\.\d+Z$|Z$/, ''))}</td><td>${escapeHtml(n.author)}</td><td>${escapeHtml(n.text)}</td></tr>`,
    )
    .join('')}</table></section>`;
}

const SECTIONS: Readonly<Record<ReportSection, (r: Report) => string>> = {
  summary: (r) => summaryHtml(r) + notesHtml(r),
  freeze: freezeHtml,
  method: methodHtml,
  evidence: evidenceHtml,
  data: dataHtml,
  reproduction: reproductionHtml,
};

/**
 * The report as one self-contained HTML file: styles and the Sankey inline, no script, no image or
 * font to fetch; its only links to elsewhere are block-explorer pages of transactions (plain links).
 *
 * @example
 * fs.writeFileSync('report.html', renderReportHtml(report));
 */
export function renderReportHtml(report: Report): string {
  const omitted = new Set(report.omitted);
  const body = (Object.keys(SECTIONS) as ReportSection[])
    .filter((s) => !omitted.has(s))
    .map((s) => SECTIONS[s](report))
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(report.title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(report.title)}</h1>
${report.case ? caseHeaderHtml(report) : ''}
<p class="meta">Made ${escapeHtml(report.generatedAt.replace('T', ' ').replace('Z', ' UTC'))} by chaintrail ${escapeHtml(report.data.chaintrail.version)}. Data section SHA-256 ${mono(report.reproduction.dataSha256)}.${omitted.size > 0 ? ` Left out by the investigator: ${[...omitted].map((s) => escapeHtml(s)).join(', ')}.` : ''}</p>
${body}
</body></html>
`;
}
