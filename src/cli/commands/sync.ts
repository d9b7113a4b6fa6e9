import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import {
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_SYNC_BATCH_BLOCKS,
  TARGET_BATCH_TRANSFERS,
} from '../../ingest/sync/sync-chain.ts';
import type { CliContext, GlobalOptions } from '../context.ts';
import { parseNonNegativeInt, withGlobalOptions } from '../options.ts';

function parseBlock(value: string): bigint {
  if (!/^\d{1,20}$/.test(value)) throw new InvalidArgumentError('expected a block number');
  return BigInt(value);
}

export type SyncOptions = GlobalOptions & {
  rpc?: string;
  esplora?: string;
  chain?: string;
  from?: bigint;
  to?: bigint;
  /** Fixed blocks per batch; adaptive without it. */
  batch?: number;
  concurrency?: number;
  rps?: number;
  confirmations: number;
  follow?: boolean;
  pollMs: number;
  /** False with --no-internal. */
  internal: boolean;
  /** TronGrid's API key (else the TRON_PRO_API_KEY environment variable). */
  apiKey?: string;
};

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
        'sync a chain from a node: EVM JSON-RPC (native, internal and token transfers, swaps, wraps, bridge events), Bitcoin Core JSON-RPC or an Esplora REST API (inputs, outputs, fees, THORChain memos), a Tron full node or TronGrid (TRX, TRC-10, TRC-20, internal transactions, fees, USDT freezes)',
      )
      .option(
        '--rpc <url>',
        'node endpoint: EVM JSON-RPC; Bitcoin Core JSON-RPC with --chain bitcoin; a Tron full node HTTP API (e.g. http://127.0.0.1:8090, https://api.trongrid.io) with --chain tron',
      )
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
        '--api-key <key>',
        'TronGrid API key, sent as TRON-PRO-API-KEY (prefer the TRON_PRO_API_KEY environment variable: arguments show in process lists)',
      )
      .option(
        '--no-internal',
        'skip internal value transfers (no call tracing), e.g. for old blocks on a node without archive state',
      ),
  ).action(async (options: SyncOptions) => {
    const { runSync } = await import('../run/sync.ts');
    await runSync(ctx, options);
  });
}
