// `npm run eval`: checks chaintrail against public data sets that are too large or not licensed for
// the repository. They are read from ../shared/data (or $CHAINTRAIL_SHARED_DATA) at run time; when the
// folder is absent every check is reported as skipped. EVAL_ONLY=<id>[,<id>] runs some of them:
// import, ofac, trace-simulator, trace-mftracer, trace-crosschain, deposits.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { formatUnits, parseUnits } from '../src/model/amount.ts';
import { importTransfersCsv, parseColumnMap } from '../src/ingest/transfers-csv.ts';
import { createDuckDbStore } from '../src/store/duckdb/duckdb-store.ts';
import { evalDeposits } from './eval-deposits.ts';
import { evalOfac } from './eval-ofac.ts';
import { evalTrace } from './eval-trace.ts';
import { printCrossChainEval } from './eval-crosschain.ts';

const SHARED = path.resolve(
  process.env.CHAINTRAIL_SHARED_DATA ?? path.join(import.meta.dirname, '../../shared/data'),
);
const GROUND_TRUTH = path.join(SHARED, 'tracing-ground-truth/AnonymousMFTracer-Ground-Truth');
const USD_DECIMALS = 18;
const EVALS = [
  'import',
  'ofac',
  'trace-simulator',
  'trace-mftracer',
  'trace-crosschain',
  'deposits',
];
const only = process.env.EVAL_ONLY?.split(',').map((id) => id.trim());
for (const id of only ?? [])
  if (!EVALS.includes(id)) {
    console.error(`EVAL_ONLY: unknown evaluation "${id}" (known: ${EVALS.join(', ')})`);
    process.exit(2);
  }
const wants = (id: string) => only === undefined || only.includes(id);
const MAP = 'from=From,to=To,amount=Value_in_USD,time=Timestamp,tx=Tx_hash,block=Block';

type Row = {
  case: string;
  rows: number;
  stored: number;
  usdFile: string;
  usdStored: string;
  ok: boolean;
};

async function evalGroundTruthImport(): Promise<Row[] | null> {
  if (!fs.existsSync(GROUND_TRUTH)) return null;
  const out: Row[] = [];
  for (const name of fs.readdirSync(GROUND_TRUTH).sort()) {
    const file = path.join(GROUND_TRUTH, name, `${name}.csv`);
    if (!fs.existsSync(file)) continue;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaintrail-eval-'));
    const store = await createDuckDbStore({ path: path.join(dir, 'eval.duckdb') });
    try {
      const result = await importTransfersCsv({
        store,
        files: [file],
        map: parseColumnMap(MAP),
        asset: 'USD',
        decimals: USD_DECIMALS,
      });
      // The reference sum is computed independently of the importer, with csv-parse.
      const records = parse(fs.readFileSync(file), { columns: true }) as { Value_in_USD: string }[];
      const usdFile = records.reduce(
        (sum, r) => sum + parseUnits(r.Value_in_USD, USD_DECIMALS),
        0n,
      );
      const stats = await store.getStats();
      const usdStored = stats.assets.find((a) => a.asset === 'unit:USD')?.amount ?? 0n;
      out.push({
        case: name,
        rows: records.length,
        stored: result.written,
        usdFile: formatUnits(usdFile, USD_DECIMALS),
        usdStored: formatUnits(usdStored, USD_DECIMALS),
        ok: result.written === records.length && result.rejected === 0 && usdStored === usdFile,
      });
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

const gt = wants('import') ? await evalGroundTruthImport() : undefined;
if (gt !== undefined)
  console.log(
    'MFTracer ground truth (tracing-ground-truth): every verified edge imports, amounts exact',
  );
if (gt === undefined) {
  // not asked for
} else if (gt === null) {
  console.log(
    `  SKIPPED: ${GROUND_TRUTH} not found (set CHAINTRAIL_SHARED_DATA to the shared data folder)`,
  );
} else {
  for (const r of gt) {
    console.log(
      `  ${r.ok ? 'ok  ' : 'FAIL'} ${r.case.padEnd(8)} ${String(r.stored).padStart(5)}/${String(r.rows).padEnd(5)} edges stored, USD ${r.usdStored} (file ${r.usdFile})`,
    );
  }
  if (gt.some((r) => !r.ok)) process.exitCode = 1;
}

const ofac = wants('ofac') ? await evalOfac(SHARED) : undefined;
if (ofac !== undefined)
  console.log(
    'OFAC SDN (ofac/): the official sdn_advanced.xml of 2025-11-19 against the derived table',
  );
if (ofac === undefined) {
  // not asked for
} else if (ofac === null) {
  console.log(`  SKIPPED: ${path.join(SHARED, 'ofac')} not found (set CHAINTRAIL_SHARED_DATA)`);
} else {
  for (const line of ofac) console.log(`  ${line.ok ? 'ok  ' : 'FAIL'} ${line.text}`);
  if (ofac.some((line) => !line.ok)) process.exitCode = 1;
}

if (
  !(await evalTrace(SHARED, {
    simulator: wants('trace-simulator'),
    mftracer: wants('trace-mftracer'),
  }))
)
  process.exitCode = 1;

if (wants('trace-crosschain') && !(await printCrossChainEval())) process.exitCode = 1;
if (wants('deposits') && !(await evalDeposits(SHARED))) process.exitCode = 1;
