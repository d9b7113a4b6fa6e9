import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaseStore } from '../../src/api/cases/case-store.ts';
import { saveTracedCase } from '../../src/api/cases/traced-case.ts';
import { formatUnits } from '../../src/model/amount.ts';
import { simAccount } from '../../src/simulate/accounts.ts';
import { createDuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';
import { isFreezable } from '../../src/trace/freezable.ts';
import type { TraceResult } from '../../src/trace/types.ts';
import { pdfText, pdfToolsMissing } from '../helpers/pdf-tools.ts';
import { runCli } from '../helpers/run-cli.ts';
import { ETH, SIM, seedSimulatedTheft, simTransfers } from '../helpers/simulated-theft.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// A small store as a user builds one: the simulated theft (100 ETH; 60 into a labelled exchange
// deposit address), then 15 of mule 2's 40 into a second exchange, and gas. Traced and reported
// through the real binary.
const dir = makeTempDir();
const db = path.join(dir.path, 'case.duckdb');
const traceFile = path.join(dir.path, 'trace.json');
const env = { env: { CHAINTRAIL_NO_REFERENCE: '1' } };
const move = simTransfers('cli-report-test');
const secondDeposit = simAccount(1, 'fixture/report/second-exchange-deposit').address;

beforeAll(async () => {
  const store = await createDuckDbStore({ path: db });
  try {
    await seedSimulatedTheft(store, move);
    await store.write(async (w) => {
      await w.appendTransfers([
        move(5, SIM.mule2, secondDeposit, 15n * ETH),
        move(6, SIM.mule2, null, ETH / 1000n, { kind: 'fee' }),
      ]);
      await w.recordLabelImport({
        format: 'csv',
        source: 'report-test-labels.csv',
        listName: 'report test list',
        listDate: '2026-12-01',
        sha256: null,
      });
      await w.addLabels([
        {
          chain: 'anvil',
          address: secondDeposit,
          entity: 'Second Exchange',
          category: 'deposit_wallet',
          source: 'report-test-labels.csv',
          confidence: 100,
        },
      ]);
    });
  } finally {
    await store.close();
  }
  const traced = await runCli(['trace', SIM.thief, '--chain', 'anvil', '--json', '--db', db], env);
  expect(traced.code, traced.stderr).toBe(0);
  fs.writeFileSync(traceFile, traced.stdout);
});
afterAll(() => dir.cleanup());

type ReportJson = {
  out: string;
  reconciled: boolean;
  dataSha256: string;
  reproduction: string | null;
};

async function report(args: string[]): Promise<ReportJson> {
  const run = await runCli(['report', ...args, '--json'], env);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as ReportJson;
}

describe('chaintrail report', () => {
  it('writes a self-contained HTML report whose only links would be explorer pages (none on a simulated chain)', async () => {
    const out = path.join(dir.path, 'report.html');
    const made = await report([traceFile, '--format', 'html', '--out', out, '--db', db]);
    expect(made.reconciled).toBe(true);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/\b(src|href)\s*=|url\(|<script/i);
    expect(html).toContain('Second Exchange');
    expect(html).toContain('report test list');
  });

  const missing = pdfToolsMissing();
  it.skipIf(missing !== null)(
    `prints a PDF holding every exchange, amount and arrival transaction of the freeze list, and the reproduction command gives the same data hash${missing ? `: NOT RUN, ${missing}` : ''}`,
    async () => {
      const out = path.join(dir.path, 'report.pdf');
      const made = await report([
        traceFile,
        '--format',
        'pdf',
        '--page',
        'letter',
        '--out',
        out,
        '--db',
        db,
      ]);
      expect(made.reconciled).toBe(true);
      const text = pdfText(out);

      // The freeze list, from the trace itself: every freezable endpoint's service, amount and the
      // transactions into it.
      const trace = JSON.parse(fs.readFileSync(traceFile, 'utf8')) as TraceResult;
      const freezable = trace.endpoints.filter((e) => isFreezable(e.category));
      expect(freezable.map((e) => [e.entity, e.amount]).sort()).toEqual([
        ['Second Exchange', (15n * ETH).toString()],
        ['Simulated Exchange', (60n * ETH).toString()],
      ]);
      for (const e of freezable) {
        expect(text).toContain(e.entity!);
        expect(text).toContain(e.address);
        expect(text).toContain(`${formatUnits(BigInt(e.amount), 18)} ETH`);
        const node = trace.nodes.find((n) => n.address === e.address)!;
        const into = trace.edges.filter((x) => x.to === node.id);
        expect(into.length).toBeGreaterThan(0);
        for (const x of into) expect(text).toContain(x.txHash);
      }
      expect(text).toContain(move.txHash(4));
      expect(text).toContain(move.txHash(5));

      // The reproduction command, run again on the same database, gives the same trace and hash.
      expect(made.reproduction).not.toBeNull();
      const words = made.reproduction!.split(' ');
      expect(words[0]).toBe('chaintrail');
      expect(made.reproduction).not.toMatch(/['"\\]/);
      const rerun = await runCli(words.slice(1), env);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stdout).toBe(fs.readFileSync(traceFile, 'utf8'));
      const again = path.join(dir.path, 'trace-again.json');
      fs.writeFileSync(again, rerun.stdout);
      const second = await report([again, '--out', path.join(dir.path, 'again.html'), '--db', db]);
      expect(second.dataSha256).toBe(made.dataSha256);
      expect(text).toContain(made.dataSha256);
    },
    120_000,
  );

  it('names a missing or invalid trace file, and leaves the output as it was', async () => {
    const out = path.join(dir.path, 'kept.html');
    fs.writeFileSync(out, 'an earlier report');
    const bad = path.join(dir.path, 'not-a-trace.json');
    fs.writeFileSync(bad, JSON.stringify({ addresses: [] }));
    const cases: [string, string][] = [
      [path.join(dir.path, 'missing.json'), 'FILE_NOT_FOUND'],
      [bad, 'REPORT_BAD_TRACE'],
    ];
    fs.writeFileSync(
      path.join(dir.path, 'truncated.json'),
      fs.readFileSync(traceFile, 'utf8').slice(0, 200),
    );
    cases.push([path.join(dir.path, 'truncated.json'), 'REPORT_BAD_TRACE']);
    for (const [file, code] of cases) {
      const run = await runCli(['report', file, '--out', out, '--db', db], env);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`error [${code}]`);
      expect(run.stderr).toContain(path.basename(file));
    }
    expect(fs.readFileSync(out, 'utf8')).toBe('an earlier report');
    expect(fs.readdirSync(dir.path).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses an output it cannot write and a database that does not exist', async () => {
    const unwritable = await runCli(
      ['report', traceFile, '--out', path.join(dir.path, 'no-such-folder', 'r.html')],
      env,
    );
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toContain('error [OUTPUT_UNWRITABLE]');
    const noDb = await runCli(
      [
        'report',
        traceFile,
        '--out',
        path.join(dir.path, 'r.html'),
        '--db',
        path.join(dir.path, 'none.duckdb'),
      ],
      env,
    );
    expect(noDb.code).toBe(2);
    expect(noDb.stderr).toContain('error [FILE_NOT_FOUND]');
    expect(fs.existsSync(path.join(dir.path, 'none.duckdb'))).toBe(false);
  });

  it('reports a case by its id: its latest forward trace, with its name, author and notes, and the same data hash as the trace file', async () => {
    const trace = JSON.parse(fs.readFileSync(traceFile, 'utf8')) as TraceResult;
    const store = await createDuckDbStore({ path: db });
    let caseId: string;
    try {
      // A case as `chaintrail demo` stores one: a finished trace job, the case, an investigator key.
      ({ caseId } = await saveTracedCase({
        store,
        name: 'Report test theft',
        description: 'the simulated theft, for the report',
        seeds: [SIM.thief],
        parameters: trace.parameters,
        result: trace,
        startedAt: new Date(),
      }));
      const cases = createCaseStore({ store, traceExists: () => Promise.resolve(true) });
      const made = await cases.get('default', caseId);
      await cases.addNote(
        'default',
        caseId,
        made!.createdBy,
        'Freeze request sent to Second Exchange',
      );
    } finally {
      await store.close();
    }
    const fromFile = await report([
      traceFile,
      '--out',
      path.join(dir.path, 'file.html'),
      '--db',
      db,
    ]);
    const out = path.join(dir.path, 'case.html');
    const fromCase = await report([caseId, '--out', out, '--db', db]);
    expect(fromCase.dataSha256).toBe(fromFile.dataSha256);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toContain('<title>Investigation report: Report test theft</title>');
    expect(html).toContain('chaintrail demo (web UI)');
    expect(html).toContain('Freeze request sent to Second Exchange');
    expect(html).toContain(move.txHash(5));

    const unknown = await runCli(
      ['report', '00000000-0000-4000-8000-000000000000', '--out', out, '--db', db],
      env,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error [NOT_FOUND]');
  });
});
