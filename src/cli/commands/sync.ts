import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { redactUrl } from '../../chains/evm/redact-url.ts';
import type { EvmSourceOptions } from '../../chains/evm/evm-source.ts';
import { createSourceRegistry, openChainSource } from '../../ingest/sync/registry.ts';
import {
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_SYNC_BATCH_BLOCKS,
  TARGET_BATCH_TRANSFERS,
  type SyncBatchProgress,
  syncChain,
} from '../../ingest/sync/sync-chain.ts';
import type { Store } from '../../store/store.ts';
import { UserError } from '../../errors/base.ts';
import { type CliContext, type GlobalOptions, shippedTokenList, withStore } from '../context.ts';
import { parseNonNegativeInt, withGlobalOptions } from '../options.ts';
import { printJson } from '../output.ts';
import { progressEnabled } from '../progress.ts';

function parseBlock(value: string): bigint {
  if (!/^\d{1,20}$/.test(value)) throw new InvalidArgumentError('expected a block number');
  return BigInt(value);
}

type SyncOptions = GlobalOptions & {
  rpc?: string;
  esplora?: string;
  chain?: string;
  from?: bigint;
  to?: bigint;
  batch?: number;
  concurrency?: number;
  rps?: number;
  confirmations: number;
  follow?: boolean;
  pollMs: number;
  /** False with --no-internal. */
  internal: boolean;
};

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
 * `chaintrail sync --rpc <url>`: pulls blocks from an EVM JSON-RPC node into the store, from the
 * checkpoint (or `--from`) to `--to` (default: the head less `--confirmations`); with `--follow` it
 * keeps polling for new blocks until interrupted. Each batch is atomic, so a killed sync resumes.
 * The source is the registry's for the chain's family (`--chain`, else the node's chain id); a
 * chain of a family without one is refused (`CHAIN_NOT_SYNCABLE`).
 *
 * @example
 * chaintrail sync --rpc http://127.0.0.1:8545 --follow --confirmations 2
 */
export function registerSyncCommand(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command('sync')
      .description(
        'sync a chain from a node: EVM JSON-RPC (native, internal and token transfers, swaps, wraps, bridge events), Bitcoin Core JSON-RPC or an Esplora REST API (inputs, outputs, fees, THORChain memos)',
      )
      .option('--rpc <url>', 'JSON-RPC endpoint (EVM node, or Bitcoin Core with --chain bitcoin)')
      .option(
        '--esplora <url>',
        'Esplora REST API of a Bitcoin chain (blockstream.info or mempool.space, e.g. https://blockstream.info/api)',
      )
      .option(
        '--chain <chain>',
        "chain key (default: from the EVM node's eth_chainId; bitcoin, bitcoin-testnet, bitcoin-regtest: told by the node's genesis block)",
      )
      .option('--from <block>', 'first block when the database has no checkpoint', parseBlock)
      .option('--to <block>', 'last block (default: the head less --confirmations)', parseBlock)
      .option('--confirmations <n>', 'blocks to stay behind the head', parseNonNegativeInt, 0)
      .option(
        '--follow',
        'keep syncing new blocks until interrupted (Ctrl-C stops after the current batch)',
      )
      .option(
        '--poll-ms <ms>',
        'how often --follow polls for a new head',
        parseNonNegativeInt,
        DEFAULT_POLL_INTERVAL_MS,
      )
      .option(
        '--batch <blocks>',
        `blocks per atomic batch (default: adaptive, from ${DEFAULT_SYNC_BATCH_BLOCKS} blocks toward about ${TARGET_BATCH_TRANSFERS.toLocaleString('en-US')} transfers a batch)`,
        parseNonNegativeInt,
      )
      .option('--concurrency <n>', 'most JSON-RPC requests in flight', parseNonNegativeInt)
      .option(
        '--rps <n>',
        'most JSON-RPC calls in any second (each call of a batch and each retry counts)',
        parseNonNegativeInt,
      )
      .option(
        '--no-internal',
        'skip internal value transfers (no call tracing), e.g. for old blocks on a node without archive state',
      ),
  ).action(async (options: SyncOptions) => {
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
          internal: options.internal,
          tokenList: shippedTokenList(ctx),
        } satisfies EvmSourceOptions,
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
  });
}
