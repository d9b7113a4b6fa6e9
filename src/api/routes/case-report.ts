import { Type } from 'typebox';
import { buildReport } from '../../report/build-report.ts';
import { createPrintGate } from '../../report/print-gate.ts';
import { readCaseTrace } from '../../report/read-case-trace.ts';
import { renderReportHtml } from '../../report/render-html.ts';
import { REPORT_SECTIONS, type ReportSection } from '../../report/sections.ts';
import type { ApiApp } from '../app.ts';
import type { ApiContext } from '../context.ts';
import { UserError } from '../../errors/base.ts';
import { withErrors } from '../schemas.ts';

const IdParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

const ReportQuery = Type.Object(
  {
    format: Type.Optional(
      Type.Union([Type.Literal('html'), Type.Literal('pdf')], { default: 'html' }),
    ),
    page: Type.Optional(
      Type.Union([Type.Literal('a4'), Type.Literal('letter')], { default: 'a4' }),
    ),
    omit: Type.Optional(
      Type.String({
        description: `Sections to leave out, comma-separated: ${REPORT_SECTIONS.filter((s) => s !== 'summary').join(', ')}`,
      }),
    ),
  },
  { additionalProperties: false },
);

/** `GET /v1/cases/{id}/report`: the case's investigation report, HTML or PDF (src/report). */
export function registerCaseReportRoutes(app: ApiApp, ctx: ApiContext): void {
  // One print at a time for this server, fair between organisations (src/report/print-gate.ts).
  const printing = createPrintGate();
  app.get(
    '/v1/cases/:id/report',
    {
      config: { role: 'investigator' },
      schema: {
        tags: ['cases'],
        summary:
          "The case's investigation report of its latest finished forward trace: summary with a Sankey, freeze requests, method, evidence, data and reproduction; one self-contained HTML file or a PDF printed from it",
        params: IdParams,
        querystring: ReportQuery,
        response: withErrors({ 200: Type.Any() }, [400, 404, 429]),
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const query = request.query as {
        format?: 'html' | 'pdf';
        page?: 'a4' | 'letter';
        omit?: string;
      };
      const omit = (query.omit ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      for (const s of omit)
        if (s === 'summary' || !(REPORT_SECTIONS as readonly string[]).includes(s))
          throw new UserError(`omit: "${s}" is not a section that can be left out`, {
            code: 'BAD_USAGE',
          });
      const { trace, case: c } = await readCaseTrace({
        store: ctx.store,
        caseId: id,
        org: request.apiKey!.org,
      });
      const report = await buildReport({
        trace,
        store: ctx.store,
        case: c,
        omit: omit as ReportSection[],
      });
      const format = query.format ?? 'html';
      ctx.audit.record(request, 'case.report', id, { format, traceId: c.traceId });
      const html = renderReportHtml(report);
      const name = `chaintrail-report-${id}.${format}`;
      reply.header('content-disposition', `attachment; filename="${name}"`);
      if (format === 'html') return reply.type('text/html; charset=utf-8').send(html);
      return reply
        .type('application/pdf')
        .send(await printing.print(request.apiKey!.org, html, query.page ?? 'a4'));
    },
  );
}
