import { beforeAll, describe, expect, it } from 'vitest';
import { useApi } from '../../../test/helpers/api.ts';
import { pdfToolsMissing } from '../../../test/helpers/pdf-tools.ts';
import { seedSimulatedTheft, SIM, simTransfers } from '../../../test/helpers/simulated-theft.ts';
import type { Store } from '../../store/store.ts';
import { createApiKey } from '../auth/api-keys.ts';

const move = simTransfers('api-case-report-test');
const CASE_NAME = 'Simulated theft, reported';
const seed = (store: Store) => seedSimulatedTheft(store, move);

describe("a case's investigation report", () => {
  const api = useApi({ seed });
  let caseId = '';
  const get = (query: string, headers = api.as('investigator')) =>
    api.app.inject({ method: 'GET', url: `/v1/cases/${caseId}/report${query}`, headers });

  beforeAll(async () => {
    const trace = await api.app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: api.as('investigator'),
      payload: { seeds: [move.txHash(1)], chain: 'anvil', maxHops: 5 },
    });
    await api.app.chaintrail.traces.idle();
    const created = await api.app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: api.as('investigator'),
      payload: { name: CASE_NAME, seeds: [SIM.thief], traceIds: [trace.json().id] },
    });
    caseId = created.json().id;
    await api.app.inject({
      method: 'POST',
      url: `/v1/cases/${caseId}/notes`,
      headers: api.as('investigator'),
      payload: { text: 'Exchange contacted' },
    });
  });

  it('is one HTML file with the case, its note and the freeze list, as a download', async () => {
    const res = await get('?format=html');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="chaintrail-report-${caseId}.html"`,
    );
    expect(res.body).toContain(`<title>Investigation report: ${CASE_NAME}</title>`);
    expect(res.body).toContain('Exchange contacted');
    expect(res.body).toContain(SIM.deposit.toLowerCase());
    expect(res.body).toContain(move.txHash(4));
    expect(res.body).toContain('id="method"');
    const omitted = await get('?omit=method,evidence');
    expect(omitted.body).not.toContain('id="method"');
  });

  it('refuses viewers, other organisations and a summary left out', async () => {
    expect((await get('', api.as('viewer'))).statusCode).toBe(403);
    const { key } = await createApiKey({ store: api.store, role: 'investigator', org: 'globex' });
    await api.app.chaintrail.keys.reload();
    const other = await get('', { 'x-api-key': key });
    expect(other.statusCode).toBe(404);
    const bad = await get('?omit=summary');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('BAD_USAGE');
  });

  const missing = pdfToolsMissing();
  it.skipIf(missing !== null)(
    `prints the PDF on Letter${missing ? `: NOT RUN, ${missing}` : ''}`,
    async () => {
      const res = await get('?format=pdf&page=letter');
      expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    },
    60_000,
  );
});
