import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { redactUrl } from '../../chains/evm/redact-url.ts';
import { DEFAULT_SYNC_BATCH_BLOCKS, syncEvm } from '../../ingest/sync/sync-evm.ts';
import { type CliContext, type GlobalOptions, withStore } from '../context.ts';
import { parseNonNegativeInt, withGlobalOptions } from '../options.ts';
import { printJson } from '../output.ts';

function parseBlock(value: string): bigint {
  if (!/^\d{1,20}$/.test(value)) throw new InvalidArgumentError('expected a block number');
  return BigInt(value);
}

/**
 * `chaintrail sync --rpc <url>`: pulls blocks from an EVM JSON-RPC node into the store, from the
 * checkpoint (or `--from`) to `--to` (default: the node's latest block). Each batch is atomic.
 *
 * @example
 * chaintrail sync --rpc http://127.0.0.1:8545 --to 1000
 */
export function registerSyncCommand(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command('sync')
      .description(
        'sync an EVM chain from a JSON-RPC node (native, internal and token transfers, swaps, wraps, bridge events)',
      )
      .requiredOption('--rpc <url>', 'JSON-RPC endpoint')
      .option('--chain <chain>', 'chain key (default: from eth_chainId)')
      .option('--from <block>', 'first block when the database has no checkpoint', parseBlock)
      .option('--to <block>', 'last block (default: the latest)', parseBlock)
      .option(
        '--batch <blocks>',
        'blocks per atomic batch',
        parseNonNegativeInt,
        DEFAULT_SYNC_BATCH_BLOCKS,
      ),
  ).action(
    async (
      options: GlobalOptions & {
        concurrency?: number;
        rps?: number;
        rpc: string;
        chain?: string;
        from?: bigint;
        to?: bigint;
        batch: number;
      },
    ) => {
      const result = await withStore(ctx, options, (store) =>
        syncEvm({
          store,
          rpcUrl: options.rpc,
          chain: options.chain,
          from: options.from,
          to: options.to,
          batchBlocks: Math.max(1, options.batch),
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
          onBatch: (p) =>
            ctx.logger.info(
              {
                chain: p.chain,
                fromBlock: String(p.fromBlock),
                toBlock: String(p.toBlock),
                target: String(p.target),
                transfers: p.transfers,
              },
              'sync batch committed',
            ),
          onWarning: (m) => ctx.stderr.write(`warning: ${m}\n`),
        }).catch((error: unknown) => {
          ctx.logger.warn({ rpc: redactUrl(options.rpc) }, 'sync failed');
          throw error;
        }),
      );
      if (options.json) return printJson(result);
      ctx.stdout.write(
        result.blocks === 0
          ? `${result.chain}: already synced to the requested block.\n`
          : `${result.chain}: synced blocks ${result.fromBlock}-${result.toBlock} (${result.blocks} blocks): ${result.transfers} transfers, ${result.events} events.\n`,
      );
    },
  );
}
