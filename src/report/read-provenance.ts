import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../cli/paths.ts';
import { getChain } from '../model/chains.ts';
import { loadRiskRules } from '../screen/risk-rules.ts';
import type { Store } from '../store/store.ts';
import { traceToJson } from '../trace/export-trace.ts';
import type { TraceResult } from '../trace/types.ts';
import type { DataSection } from './types.ts';

/** How long `git rev-parse` may take: a report must not hang on a broken checkout. */
const GIT_TIMEOUT_MS = 5_000;

/** chaintrail's version (package.json) and, in a git checkout, its commit (null otherwise). */
export function chaintrailVersion(): { version: string; commit: string | null } {
  const root = packageRoot();
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    version: string;
  };
  let commit: string | null = null;
  if (fs.existsSync(path.join(root, '.git'))) {
    try {
      const out = execFileSync('git', ['rev-parse', 'HEAD'], {
        cwd: root,
        encoding: 'utf8',
        timeout: GIT_TIMEOUT_MS,
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
      commit = /^[0-9a-f]{40}$/.test(out) ? out : null;
    } catch {
      // No git, or not a checkout after all: the report says the commit is unknown.
    }
  }
  return { version, commit };
}

function chainName(chain: string): string {
  try {
    return getChain(chain).name;
  } catch {
    return chain;
  }
}

export type ReadProvenanceParameters = {
  trace: TraceResult;
  /** Without a store, the data section holds the trace's hash and the version only. */
  store?: Store | undefined;
};
export type ReadProvenanceReturnType = DataSection;

/**
 * The data a trace was computed from, as far as the store records it: the chains of the trace and
 * their block and time ranges in the store, the label lists imported (name, date, SHA-256), the
 * default risk rules' version, and chaintrail's version and commit, with the trace's own SHA-256.
 * Nothing in it depends on when it is read (no import or report times), so
 * the same store and trace give the same section, and the same hash (src/report/report-data-hash.ts).
 *
 * @example
 * const data = await readProvenance({ trace, store });
 */
export async function readProvenance({
  trace,
  store,
}: ReadProvenanceParameters): Promise<ReadProvenanceReturnType> {
  const traceSha256 = createHash('sha256').update(traceToJson(trace)).digest('hex');
  const chaintrail = chaintrailVersion();
  const rules = loadRiskRules();
  const riskRules = { version: rules.version, sha256: rules.sha256 };
  if (!store)
    return { traceSha256, store: false, chains: [], labelLists: [], riskRules, chaintrail };
  const traced = new Set<string>([
    ...trace.parameters.seeds.map((s) => s.chain),
    ...trace.nodes.map((n) => n.chain),
  ]);
  const stats = await store.getStats();
  const chains = stats.chains
    .filter((c) => traced.has(c.chain))
    .map((c) => ({
      chain: c.chain,
      name: chainName(c.chain),
      firstBlock: c.firstBlock === null ? null : c.firstBlock.toString(),
      lastBlock: c.lastBlock === null ? null : c.lastBlock.toString(),
      firstTime: c.firstTime,
      lastTime: c.lastTime,
      transfers: c.transfers,
    }))
    .sort((a, b) => (a.chain < b.chain ? -1 : 1));
  const imports = await store.listLabelImports();
  const labelLists = imports
    .map((i) => ({
      format: i.format,
      source: i.source,
      name: i.listName,
      date: i.listDate,
      sha256: i.sha256,
      labels: i.labels,
    }))
    .sort(
      (a, b) =>
        (a.source < b.source ? -1 : a.source > b.source ? 1 : 0) ||
        ((a.sha256 ?? '') < (b.sha256 ?? '') ? -1 : 1),
    );
  return { traceSha256, store: true, chains, labelLists, riskRules, chaintrail };
}
