import path from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { SCENARIO_DESCRIPTIONS } from '../../simulate/scenario-descriptions.ts';
import type { CliContext } from '../context.ts';
import { packageRoot } from '../paths.ts';

function parseSeed(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError('expected a non-negative integer');
  return Number(value);
}

function parseScale(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0) || n > 100)
    throw new InvalidArgumentError('expected a number above 0 and at most 100, e.g. 0.5 or 2');
  return n;
}

/** Where the simulator's Solidity sources and its compile cache live. */
export function simulatorPaths(): { contractsDir: string; cacheDir: string } {
  const root = packageRoot();
  return {
    contractsDir: path.join(root, 'contracts'),
    cacheDir: path.join(root, 'node_modules', '.cache', 'chaintrail'),
  };
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n > 65_535)
    throw new InvalidArgumentError('expected a TCP port (0-65535)');
  return n;
}

export type SimulateOptions = {
  rpc: string;
  seed: number;
  scale: number;
  truth?: string;
  json?: boolean;
  /** False with --no-bitcoin. */
  bitcoin: boolean;
  /** Port to serve the scenarios' Tron part on (a Tron test chain), until interrupted. */
  tron?: number;
};

/**
 * `chaintrail simulate <scenario...> --rpc <url>`: plays laundering scenarios on a fresh local
 * development chain and writes their truth.
 *
 * @example
 * chaintrail simulate bybit-2025 --rpc http://127.0.0.1:8545 --seed 1 --truth truth.json
 */
export function registerSimulateCommand(program: Command, ctx: CliContext): void {
  program
    .command('simulate')
    .description(
      'deploy the simulator contracts on a fresh local dev chain (anvil) and play laundering scenarios with background activity',
    )
    .argument(
      '<scenario...>',
      `one or more of: ${Object.keys(SCENARIO_DESCRIPTIONS).join(', ')} (played in the order given)`,
    )
    .requiredOption(
      '--rpc <url>',
      'JSON-RPC URL of a fresh anvil node (e.g. http://127.0.0.1:8545)',
    )
    .option(
      '--seed <n>',
      'random seed: the same seed on a fresh node gives the same chain',
      parseSeed,
      1,
    )
    .option('--scale <s>', 'multiplies actors and transactions (not amounts)', parseScale, 1)
    .option('--truth <file>', 'write the truth (attackers, endpoints, record) as JSON to this file')
    .option('--json', 'machine-readable JSON on stdout (logs stay on stderr)')
    .option(
      '--no-bitcoin',
      "skip the scenarios' Bitcoin part (played by default on a regtest bcoin node started in memory for the run)",
    )
    .option(
      '--tron <port>',
      "play the scenarios' Tron part (it-worker-salaries) on a Tron test chain and serve it at http://127.0.0.1:<port> until interrupted, for `sync --chain tron-test --rpc` (0 picks a free port)",
      parsePort,
    )
    .addHelpText(
      'after',
      `\nScenarios:\n${Object.entries(SCENARIO_DESCRIPTIONS)
        .map(([name, description]) => `  ${name.padEnd(20)} ${description}`)
        .join('\n')}\n`,
    )
    .action(async (scenarios: string[], options: SimulateOptions) => {
      const { runSimulate } = await import('../run/simulate.ts');
      await runSimulate(ctx, scenarios, options);
    });
}
