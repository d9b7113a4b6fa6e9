import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_CLUSTER_PAGE, MAX_CLUSTER_PAGE } from '../../cluster/cluster-page.ts';
import type { CliContext, GlobalOptions } from '../context.ts';
import { parseNonNegativeInt, withGlobalOptions } from '../options.ts';

const DEFAULT_CHAIN = 'bitcoin';

function parseBlock(value: string): bigint {
  if (!/^\d{1,20}$/.test(value)) throw new InvalidArgumentError('expected a block number');
  return BigInt(value);
}

function parseLimit(value: string): number {
  const n = parseNonNegativeInt(value);
  if (n < 1 || n > MAX_CLUSTER_PAGE)
    throw new InvalidArgumentError(`expected 1 to ${MAX_CLUSTER_PAGE}`);
  return n;
}

export type ShowOptions = GlobalOptions & { chain: string; limit: number; offset: number };
export type BuildOptions = GlobalOptions & { chain: string; toBlock?: bigint; rebuild?: boolean };

/**
 * `chaintrail cluster <address>`: the address's cluster (multi-input heuristic) with its addresses
 * and the transactions that joined them (paged), its labels (the address's and, via the cluster,
 * its other addresses'), and the merges refused; `chaintrail cluster build`: builds or extends the
 * clusters of a chain from its stored UTXO transfers.
 *
 * @example
 * chaintrail cluster build --chain bitcoin
 * chaintrail cluster 1PZMgkF2x161qvfP7dhoWSEEU3SjnQE1m9 --json
 */
export function registerClusterCommand(program: Command, ctx: CliContext): void {
  const cluster = withGlobalOptions(
    program
      .command('cluster')
      .description(
        'who else controls an address: its cluster by the multi-input heuristic (blocks stored since the last build are clustered first)',
      )
      .argument('<address>', 'a Bitcoin address (any accepted form)')
      .option('--chain <chain>', 'chain of the address (Bitcoin family)', DEFAULT_CHAIN)
      .option(
        '--limit <n>',
        `addresses and transactions listed (1 to ${MAX_CLUSTER_PAGE})`,
        parseLimit,
        DEFAULT_CLUSTER_PAGE,
      )
      .option(
        '--offset <n>',
        'addresses and transactions skipped (paging)',
        parseNonNegativeInt,
        0,
      ),
  ).action(async (address: string, options: ShowOptions) => {
    const { runCluster } = await import('../run/cluster.ts');
    await runCluster(ctx, address, options);
  });

  cluster
    .command('build')
    .description(
      "clusters a chain's addresses from its stored UTXO transfers, after its checkpoint (stream `clusters`); takes `cluster`'s --chain, --db and --json",
    )
    .option('--to-block <n>', 'last block to cluster (default: the last stored)', parseBlock)
    .option('--rebuild', "drop the chain's clusters and start over")
    .action(async (_own: BuildOptions, command: Command) => {
      // --chain, --db and --json are `cluster`'s options, which commander reads wherever they stand
      // (after `build` too): declared here as well, a default of build's would hide the one given.
      const options = command.optsWithGlobals<BuildOptions>();
      const { runClusterBuild } = await import('../run/cluster.ts');
      await runClusterBuild(ctx, options);
    });
}
