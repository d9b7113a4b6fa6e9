import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { CliContext, GlobalOptions } from '../context.ts';
import { withGlobalOptions } from '../options.ts';

/** The case the demo plays. */
export const DEMO_SCENARIO = 'bybit-2025';

export type DemoOptions = GlobalOptions & {
  seed: number;
  truth?: string;
  unlabelledDeposits?: boolean;
  /** False with --no-bitcoin. */
  bitcoin: boolean;
};

function parseSeed(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError('expected a non-negative integer');
  return Number(value);
}

/**
 * `chaintrail demo`: starts a local anvil node, plays the Bybit-like theft and its laundering with
 * background activity, syncs that chain into the database like any other node, checks the stored
 * data against the simulator's own record, labels the simulated services (so a trace stops at
 * them), and prints what happened. Running it again with the same
 * seed rebuilds the same chain, so the database gains nothing twice.
 *
 * @example
 * chaintrail demo --db /tmp/demo.duckdb --truth /tmp/bybit-truth.json
 */
export function registerDemoCommand(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command('demo')
      .description(
        `simulate the ${DEMO_SCENARIO} theft and laundering on a local anvil chain, sync it into the database and summarise it`,
      )
      .option('--seed <n>', 'simulation seed', parseSeed, 1)
      .option('--truth <file>', 'also write the simulation truth (attackers, endpoints) as JSON')
      .option(
        '--unlabelled-deposits',
        "leave the exchanges' deposit addresses unlabelled (as public label sets do) and infer them from their sweeps instead (labels infer-deposits) before the trace",
      )
      .option(
        '--no-bitcoin',
        'skip the Bitcoin part of the theft (played by default on a regtest bcoin node in memory: THORChain pays out, peel chains, CoinJoins, exchange deposits)',
      ),
  ).action(async (options: DemoOptions) => {
    const { runDemo } = await import('../run/demo.ts');
    await runDemo(ctx, options);
  });
}
