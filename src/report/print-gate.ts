import { LimitedError } from '../errors/base.ts';
import { type PaperSize, printPdf } from './print-pdf.ts';

/**
 * Prints waiting besides the one running, across all organisations: each print launches a browser
 * (about 150 MB and a core for a second or more; the demo case's 161 pages took about 10 s), so a
 * queue longer than this would keep a person waiting a minute or more.
 */
export const MAX_WAITING_PRINTS = 4;
/** How long a refused caller is told to wait. */
const RETRY_AFTER_MS = 10_000;

/** One Chromium print at a time for a server, fair between organisations. */
export type PrintGate = {
  print(org: string, html: string, page: PaperSize): Promise<Buffer>;
};

/**
 * A print gate: one print runs at a time; each organisation has at most one print running or
 * waiting (a second is refused, so one organisation's burst cannot fill the queue and slow
 * another's reports without bound), and at most {@link MAX_WAITING_PRINTS} wait in all. A refusal
 * is a {@link LimitedError} (HTTP 429 with Retry-After). One per server app, not a module singleton.
 *
 * @example
 * const gate = createPrintGate();
 * const pdf = await gate.print('acme', html, 'a4');
 */
export function createPrintGate(
  parameters: { printer?: (html: string, page: PaperSize) => Promise<Buffer> } = {},
): PrintGate {
  const printer = parameters.printer ?? ((html, page) => printPdf({ html, page }));
  let chain: Promise<unknown> = Promise.resolve();
  const busy = new Set<string>();
  return {
    async print(org, html, page) {
      if (busy.has(org))
        throw new LimitedError('A report of this organisation is being printed already', {
          code: 'RATE_LIMITED',
          details:
            'one PDF at a time per organisation: ask again when it is done, or take the HTML',
          retryAfterMs: RETRY_AFTER_MS,
        });
      // The one running counts apart from those waiting.
      if (busy.size > MAX_WAITING_PRINTS)
        throw new LimitedError('Too many reports are being printed on this server', {
          code: 'RATE_LIMITED',
          details: 'ask again in a few seconds, or take the HTML',
          retryAfterMs: RETRY_AFTER_MS,
        });
      busy.add(org);
      const next = chain.then(() => printer(html, page));
      chain = next.catch(() => undefined);
      try {
        return await next;
      } finally {
        busy.delete(org);
      }
    },
  };
}
