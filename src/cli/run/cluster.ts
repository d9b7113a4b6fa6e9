import cliProgress from 'cli-progress';
import {
  buildClusters,
  type BuildClustersProgress,
  type BuildClustersReturnType,
} from '../../cluster/build-clusters.ts';
import { type ClusterDescription, describeCluster } from '../../cluster/describe-cluster.ts';
import type { Store } from '../../store/store.ts';
import type { BuildOptions, ShowOptions } from '../commands/cluster.ts';
import type { CliContext } from '../context.ts';
import { formatTable, groupDigits, printJson } from '../output.ts';
import { progressEnabled } from '../progress.ts';
import { withStore } from '../with-store.ts';

/** A TTY progress bar for a cluster build: blocks, rows/s, transactions joined, ETA. */
function createBuildProgress(ctx: CliContext): {
  onProgress: (p: BuildClustersProgress) => void;
  stop(): void;
} {
  const stream = ctx.stderr as NodeJS.WriteStream;
  if (!progressEnabled(stream, ctx.env))
    return { onProgress: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      noTTYOutput: !stream.isTTY,
      notTTYSchedule: 1000,
      format:
        '{bar} {value}/{total} blocks | {rps} rows/s | {txs} transactions joined, {cjs} coinjoins left out | ETA {eta_formatted}',
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let begun = false;
  return {
    onProgress(p) {
      const done = Number(p.toBlock - p.fromBlock + 1n);
      const payload = {
        rps: Math.round(p.rows / Math.max(0.001, (Date.now() - started) / 1000)).toLocaleString(
          'en-US',
        ),
        txs: p.transactions.toLocaleString('en-US'),
        cjs: p.coinjoins.toLocaleString('en-US'),
      };
      if (!begun) {
        bar.start(Number(p.targetBlock - p.fromBlock + 1n), done, payload);
        begun = true;
      } else bar.update(done, payload);
    },
    stop() {
      if (begun) bar.stop();
    },
  };
}

/**
 * Records a build that changed the clusters in the audit log (`clusters.build`, actor `cli`):
 * every organisation's screening reads them. A build that found nothing new records nothing.
 */
async function auditBuild(store: Store, built: BuildClustersReturnType): Promise<void> {
  if (built.fromBlock === null && built.restarted === null) return;
  await store.appendAudit([
    {
      actor: 'cli',
      org: null,
      action: 'clusters.build',
      target: built.chain,
      detail: {
        fromBlock: String(built.fromBlock),
        toBlock: String(built.toBlock),
        restarted: built.restarted,
        transactions: built.transactions,
        coinjoins: built.coinjoins,
        refusals: built.refusals,
        clusters: built.state?.clusters ?? 0,
      },
    },
  ]);
}

/** What `cluster build` prints. */
export function renderBuild(r: BuildClustersReturnType): string {
  const lines: string[] = [];
  if (r.restarted) lines.push(`started over: ${r.restarted}`);
  if (r.fromBlock === null) lines.push(`${r.chain}: no new blocks to cluster`);
  else
    lines.push(
      `${r.chain}: clustered blocks ${r.fromBlock}-${r.toBlock} (${groupDigits(String(r.rows))} UTXO rows) in ${(r.ms / 1000).toFixed(1)} s: ${groupDigits(String(r.transactions))} transactions joined their inputs, ${groupDigits(String(r.coinjoins))} coinjoins left out, ${groupDigits(String(r.refusals))} merges refused`,
    );
  if (r.state)
    lines.push(
      `${groupDigits(String(r.state.clusters))} clusters of ${groupDigits(String(r.state.addresses))} addresses, built to block ${r.state.blockNumber}`,
    );
  return `${lines.join('\n')}\n`;
}

/** What `cluster <address>` prints. */
export function renderCluster(c: ClusterDescription): string {
  const lines = [
    `${c.address} on ${c.chain}: ${c.size === 1 ? 'in no cluster (an address of its own)' : `cluster ${c.id} of ${groupDigits(String(c.size))} addresses`} (clusters built to block ${c.built.blockNumber})`,
  ];
  const last = Math.min(c.size, c.offset + c.addresses.length);
  lines.push(
    '',
    c.addresses.length === 0
      ? `addresses: none from ${c.offset + 1} (of ${groupDigits(String(c.size))})`
      : `addresses ${c.offset + 1}-${last} of ${groupDigits(String(c.size))}, first clustered first:`,
    ...c.addresses.map((a) => `  ${a}`),
  );
  lines.push('', c.labels.length === 0 ? 'labels: none' : 'labels:');
  if (c.labels.length > 0)
    lines.push(
      formatTable(
        ['category', 'entity', 'confidence', 'from', 'source'],
        c.labels.map((l) => [
          l.category,
          l.entity ?? '',
          l.confidence === null ? '' : String(l.confidence),
          l.viaCluster ? l.viaCluster.provenance : 'the address itself',
          l.viaCluster ? l.source.slice(l.viaCluster.provenance.length + 2) : l.source,
        ]),
      ),
    );
  lines.push(
    '',
    c.linksTotal === 0
      ? 'transactions that joined it: none'
      : `transactions that joined it (${groupDigits(String(c.linksTotal))}${c.links.length < c.linksTotal ? `, ${c.links.length} from ${c.offset + 1}` : ''}):`,
  );
  if (c.links.length > 0)
    lines.push(
      formatTable(
        ['block', 'transaction', 'clusters joined', 'input addresses'],
        c.links.map((l) => [String(l.blockNumber), l.txHash, String(l.joined), String(l.inputs)]),
      ),
    );
  lines.push(
    '',
    c.refusals.length === 0
      ? 'refused merges: none'
      : `refused merges (${c.refusals.length}): their inputs' clusters carry labels of different owners`,
    ...c.refusals.map(
      (r) =>
        `  block ${r.blockNumber} ${r.txHash}: ${r.sides
          .map(
            (s) =>
              `${s.clusterId} (${s.labels.map((l) => [l.category, l.entity].filter(Boolean).join(' ')).join(', ') || 'no label'})`,
          )
          .join(' and ')}`,
    ),
  );
  return `${lines.join('\n')}\n`;
}

/**
 * Runs `chaintrail cluster <address>` (its options and help: src/cli/commands/cluster.ts).
 *
 * @example
 * await runCluster(ctx, '1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m9', { chain: 'bitcoin', limit: 100, offset: 0 });
 */
export async function runCluster(
  ctx: CliContext,
  address: string,
  options: ShowOptions,
): Promise<void> {
  const found = await withStore(ctx, options, async (store) => {
    // Clusters follow the stored blocks: what was synced or imported since the last build is
    // clustered first (nothing to do, and quick, when they are up to date).
    const built = await buildClusters({ store, chain: options.chain });
    await auditBuild(store, built);
    if (built.fromBlock !== null && !options.json)
      ctx.stderr.write(
        `clustered ${built.chain} blocks ${built.fromBlock}-${built.toBlock} first (${built.transactions} multi-input transactions, ${built.coinjoins} CoinJoins left out)\n`,
      );
    return describeCluster({
      store,
      chain: options.chain,
      address,
      limit: options.limit,
      offset: options.offset,
    });
  });
  if (options.json) return printJson(found);
  ctx.stdout.write(renderCluster(found));
}

/**
 * Runs `chaintrail cluster build`, with `cluster`'s options merged in.
 *
 * @example
 * await runClusterBuild(ctx, { chain: 'bitcoin' });
 */
export async function runClusterBuild(ctx: CliContext, options: BuildOptions): Promise<void> {
  const progress = createBuildProgress(ctx);
  try {
    const r = await withStore(ctx, options, async (store) => {
      const built = await buildClusters({
        store,
        chain: options.chain,
        toBlock: options.toBlock,
        rebuild: options.rebuild,
        onProgress: progress.onProgress,
      });
      await auditBuild(store, built);
      return built;
    });
    progress.stop();
    if (options.json) return printJson(r);
    ctx.stdout.write(renderBuild(r));
  } finally {
    progress.stop();
  }
}
