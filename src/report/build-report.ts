import type { Store } from '../store/store.ts';
import type { TraceResult } from '../trace/types.ts';
import { comparePolicies } from './compare-policies.ts';
import { describeMethod } from './describe-method.ts';
import { buildEvidence } from './evidence-paths.ts';
import { buildFreezeRequests } from './freeze-requests.ts';
import { readProvenance } from './read-provenance.ts';
import { reconcileTrace } from './reconcile-trace.ts';
import { type AssetLookup, assetLookup } from './report-assets.ts';
import { reportDataHash } from './report-data-hash.ts';
import { summariseTrace } from './summarise-trace.ts';
import { traceCommand } from './trace-command.ts';
import type { Report, ReportCase, ReportSection } from './types.ts';

export type BuildReportParameters = {
  trace: TraceResult;
  /** The store the trace was run on: its data provenance and asset metadata. */
  store?: Store | undefined;
  /** How the user named the database, for the reproduction command. */
  db?: string | undefined;
  title?: string | undefined;
  /** The case the trace is of: its name titles the report, its notes and annotations appear in it. */
  case?: ReportCase | undefined;
  omit?: readonly ReportSection[] | undefined;
  /**
   * Trace again under every other taint policy for the method section (needs `store`; a trace each,
   * so the API, which prints under a lock, leaves it off). Default false.
   */
  comparePolicies?: boolean | undefined;
  /** When the report is made (default now); in no hash. */
  now?: Date | undefined;
};
export type BuildReportReturnType = Report;

/**
 * The investigation report of a trace result: summary, freeze requests, method, evidence, data and
 * reproduction (src/report/types.ts), with the trace's figures reconciled. The untraced row of the
 * summary gets its per-asset amounts from the reconciliation (seed minus what reached endpoints,
 * exact) when the seed is of one asset.
 *
 * @example
 * const report = await buildReport({ trace: JSON.parse(fs.readFileSync('trace.json', 'utf8')), store });
 */
export async function buildReport(
  parameters: BuildReportParameters,
): Promise<BuildReportReturnType> {
  const { trace, store } = parameters;
  const assets: AssetLookup = assetLookup(store ? await store.listAssets() : []);
  const summary = summariseTrace({ trace, assets });
  const reconciliation = reconcileTrace({ trace, assets });
  const untracedRow = summary.where.find((r) => r.bucket === 'untraced');
  if (untracedRow)
    untracedRow.amounts = reconciliation.assets
      .filter((a) => BigInt(a.untraced.raw) > 0n)
      .map((a) => a.untraced);
  const data = await readProvenance({ trace, store });
  const command = traceCommand({ parameters: trace.parameters, db: parameters.db });
  const seeds = trace.parameters.seeds;
  const comparison =
    store && parameters.comparePolicies && !(parameters.omit ?? []).includes('method')
      ? await comparePolicies({ trace, store })
      : null;
  return {
    case: parameters.case ?? null,
    title:
      parameters.title ??
      (parameters.case ? `Investigation report: ${parameters.case.name}` : undefined) ??
      `Investigation report: ${trace.parameters.direction} trace from ${seeds.length === 1 ? `${seeds[0]!.chain} ${seeds[0]!.kind === 'address' ? seeds[0]!.address : seeds[0]!.txHash}` : `${seeds.length} seeds`}`,
    generatedAt: (parameters.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    omitted: [...(parameters.omit ?? [])],
    summary,
    freezeRequests: buildFreezeRequests({ trace, assets }),
    method: {
      ...describeMethod(trace.parameters),
      comparison,
      comparisonNote:
        comparison !== null
          ? 'Each policy traced on the same database with the same seeds, direction, hops, value floor and window.'
          : store === undefined
            ? 'Not computed: the report was made without the database the trace was run on.'
            : 'Not computed for this report.',
    },
    evidence: buildEvidence({ trace, assets }),
    reconciliation,
    data,
    reproduction: {
      command: 'command' in command ? command.command : null,
      reason: 'reason' in command ? command.reason : null,
      dataSha256: reportDataHash(data),
    },
  };
}
