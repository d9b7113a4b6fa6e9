import cliProgress from 'cli-progress';
import type { EvmSourceOptions } from '../../chains/evm/evm-source.ts';
import { redactUrl } from '../../chains/evm/redact-url.ts';
import type { TronSourceOptions } from '../../chains/tron/tron-source.ts';
import { UserError } from '../../errors/base.ts';
import { createSourceRegistry, openChainSource } from '../../ingest/sync/registry.ts';
import { type SyncBatchProgress, syncChain } from '../../ingest/sync/sync-chain.ts';
import type { Store } from '../../store/store.ts';
import type { SyncOptions } from '../commands/sync.ts';
import type { CliContext } from '../context.ts';
import { printJson } from '../output.ts';
import { progressEnabled } from '../progress.ts';
import { shippedTokenList } from '../token-list.ts';
import { withStore } from '../with-store.ts';

/** A TTY progress line for the sync: blocks, blocks/s, transfers/s, ETA and lag behind the head. */
export function createSyncProgress(ctx: CliContext): {
  onBatch: (progress: SyncBatchProgress) => void;
  stop(): void;
} {
  const stream = ctx.stderr as NodeJS.WriteStream;
  if (!progressEnabled(stream, ctx.env)) return { onBatch: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      noTTYOutput: !stream.isTTY,
      notTTYSchedule: 1000,
      format:
        '{bar} {value}/{total} blocks | {bps} blocks/s | {tps} transfers/s | ETA {eta_formatted} | {lag} behind head',
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let first: bigint | null = null;
  let begun = false;
  return {
    onBatch(p) {
      first ??= p.fromBlock;
      const done = Number(p.toBlock - first + 1n);
      const total = Number(p.target - first + 1n);
      const seconds = Math.max(0.001, (Date.now() - started) / 1000);
      const payload = {
        bps: Math.round(done / seconds),
        tps: Math.round(p.transfers / seconds),
        lag: `${p.target - p.toBlock} blocks`,
      };
      if (!begun) {
        bar.start(total, done, payload);
        begun = true;
      } else {
        bar.setTotal(total);
        bar.update(done, payload);
      }
    },
    stop() {
      if (begun) bar.stop();
      begun = false;
    },
  };
}

/**
 * Runs `chaintrail sync` (its options and help: src/cli/commands/sync.ts).
 *
 * @example
 * await runSync(ctx, { rpc: 'http://127.0.0.1:8545', batch: 100, confirmations: 0, pollMs: 2000, internal: true });
 */
export async function runSync(ctx: CliContext, options: SyncOptions): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const progress = createSyncProgress(ctx);
  const sources = createSourceRegistry();
  const onWarning = (m: string) => ctx.stderr.write(`warning: ${m}\n`);
  if ((options.rpc === undefined) === (options.esplora === undefined))
    throw new UserError('Give the node to sync from: --rpc <url> or --esplora <url>, not both', {
      code: 'BAD_USAGE',
    });
  const url = (options.rpc ?? options.esplora)!;
  // An Esplora API is a Bitcoin chain's; otherwise the chain picks the source: --chain, else (an
  // EVM node) the node's chain id.
  const familyOrChain = options.chain ?? (options.esplora !== undefined ? 'bitcoin' : 'evm');
  const sync = async (store: Store) => {
    const source = await openChainSource(sources, familyOrChain, {
      store,
      url,
      endpoint: options.esplora !== undefined ? 'esplora' : 'rpc',
      concurrency: options.concurrency || undefined,
      rps: options.rps || undefined,
      onRetry: (r) =>
        ctx.logger.warn(
          {
            method: r.method,
            attempt: r.attempt,
            delayMs: Math.round(r.delayMs),
            reason: r.reason,
          },
          'RPC retry',
        ),
      onWarning,
      options: {
        ...({
          internal: options.internal,
          tokenList: shippedTokenList(ctx),
        } satisfies EvmSourceOptions),
        ...({
          apiKey: options.apiKey ?? (ctx.env.TRON_PRO_API_KEY || undefined),
        } satisfies TronSourceOptions),
      },
    });
    const result = await syncChain({
      store,
      source,
      from: options.from,
      to: options.to,
      confirmations: options.confirmations,
      follow: options.follow,
      pollIntervalMs: Math.max(1, options.pollMs),
      signal: controller.signal,
      batchBlocks: options.batch === undefined ? undefined : Math.max(1, options.batch),
      onBatch: (p) => {
        progress.onBatch(p);
        ctx.logger.info(
          {
            chain: p.chain,
            fromBlock: String(p.fromBlock),
            toBlock: String(p.toBlock),
            target: String(p.target),
            transfers: p.transfers,
          },
          'sync batch committed',
        );
      },
      onWarning,
    });
    return { result, counts: source.counts ?? {} };
  };
  try {
    const { result, counts } = await withStore(ctx, options, (store) =>
      sync(store).catch((error: unknown) => {
        ctx.logger.debug({ endpoint: redactUrl(url) }, 'sync failed');
        throw error;
      }),
    );
    progress.stop();
    // The source's own totals (EVM: tokensAsked) follow the loop's, as they always did.
    if (options.json) return printJson({ ...result, ...counts });
    const tokens =
      counts.tokensAsked === undefined
        ? ''
        : `, ${counts.tokensAsked} token contracts asked for symbol and decimals`;
    ctx.stdout.write(
      result.blocks === 0
        ? `${result.chain}: already synced to the requested block.\n`
        : `${result.chain}: synced blocks ${result.fromBlock}-${result.toBlock} (${result.blocks} blocks): ${result.transfers} transfers, ${result.events} events${tokens}` +
            `${result.reorgs ? `, ${result.reorgs} reorganisation(s) rolled back` : ''}.\n`,
    );
  } finally {
    progress.stop();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
