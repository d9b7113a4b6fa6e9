import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { UserError } from '../../errors/base.ts';
import { NATIVE_ASSET } from '../../model/asset.ts';
import { formatUnits } from '../../model/amount.ts';
import { SCENARIOS, simulate, type SimulateReturnType } from '../../simulate/simulate.ts';
import { type Truth, truthToJson } from '../../simulate/truth.ts';
import type { CliContext } from '../context.ts';
import { formatTable, groupDigits, printJson } from '../output.ts';
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

/**
 * Writes the truth file atomically (temporary file, then rename): a crash never leaves half a file.
 *
 * @example
 * writeTruthFile('truth.json', result);
 */
export function writeTruthFile(file: string, result: SimulateReturnType): void {
  const data = {
    chainId: result.chainId,
    seed: result.seed,
    scale: result.scale,
    lastBlock: result.lastBlock,
    transactions: result.transactions,
    scenarios: result.truths,
    entities: result.entities,
    assets: result.assets,
    record: result.totals,
  };
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, `${JSON.stringify(truthToJson(data), null, 2)}\n`);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw new UserError(`Cannot write the truth file ${file}: ${(error as Error).message}`, {
      code: 'OUTPUT_UNWRITABLE',
      cause: error,
    });
  }
}

/**
 * A scenario's truth for people: what was stolen and where each part ended, by category.
 *
 * @example
 * ctx.stdout.write(renderTruth(result.truths[0], result));
 */
export function renderTruth(truth: Truth, result: Pick<SimulateReturnType, 'assets'>): string {
  const meta = (asset: string) =>
    asset === NATIVE_ASSET
      ? { symbol: 'ETH', decimals: 18 }
      : (result.assets.find((a) => a.asset === asset) ?? { symbol: asset, decimals: 0 });
  const show = (asset: string, amount: bigint) => {
    const m = meta(asset);
    const [whole, fraction = ''] = formatUnits(amount, m.decimals).split('.');
    return `${groupDigits(whole!)}${fraction ? `.${fraction.slice(0, 4)}` : ''} ${m.symbol}`;
  };
  const byCategory = new Map<string, { asset: string; amount: bigint; endpoints: number }>();
  for (const e of truth.endpoints) {
    const key = `${e.category}|${e.asset}`;
    const row = byCategory.get(key) ?? { asset: e.asset, amount: 0n, endpoints: 0 };
    row.amount += e.amount;
    row.endpoints++;
    byCategory.set(key, row);
  }
  const totals = new Map<string, bigint>();
  for (const row of byCategory.values())
    totals.set(row.asset, (totals.get(row.asset) ?? 0n) + row.amount);
  const rows = [...byCategory]
    .sort((a, b) => (b[1].amount > a[1].amount ? 1 : b[1].amount < a[1].amount ? -1 : 0))
    .map(([key, row]) => {
      const total = totals.get(row.asset) ?? 1n;
      const share = Number((row.amount * 10_000n) / (total === 0n ? 1n : total)) / 100;
      return [
        key.split('|')[0]!,
        show(row.asset, row.amount),
        `${share.toFixed(2)}%`,
        String(row.endpoints),
      ];
    });
  const roles = new Map<string, number>();
  for (const a of truth.attackerAddresses) roles.set(a.role, (roles.get(a.role) ?? 0) + 1);
  return (
    `${truth.scenario}: ${truth.description}\n` +
    `  blocks ${truth.blocks.from}-${truth.blocks.to}; theft in ${truth.theftTransactions.length} transaction(s)\n` +
    `  stolen: ${truth.stolen.map((s) => show(s.asset, s.amount)).join(' + ')}\n` +
    `  attacker addresses: ${[...roles].map(([r, n]) => `${n} ${r}`).join(', ')}\n` +
    (truth.conversions.length > 0
      ? `  swapped: ${truth.conversions.map((c) => `${show(c.assetIn, c.amountIn)} -> ${show(c.assetOut, c.amountOut)}`).join('; ')}\n`
      : '') +
    `  where it ended (the simulator's truth):\n` +
    formatTable(['category', 'amount', 'share', 'endpoints'], rows)
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n') +
    '\n'
  );
}

type SimulateOptions = {
  rpc: string;
  seed: number;
  scale: number;
  truth?: string;
  json?: boolean;
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
      `one or more of: ${SCENARIOS.map((s) => s.name).join(', ')} (played in the order given)`,
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
    .addHelpText(
      'after',
      `\nScenarios:\n${SCENARIOS.map((s) => `  ${s.name.padEnd(20)} ${s.description}`).join('\n')}\n`,
    )
    .action(async (scenarios: string[], options: SimulateOptions) => {
      const started = Date.now();
      const result = await simulate({
        rpcUrl: options.rpc,
        scenarios,
        seed: options.seed,
        scale: options.scale,
        ...simulatorPaths(),
        onProgress: (message) => ctx.logger.info({ step: message }, 'simulate'),
      });
      if (options.truth) writeTruthFile(options.truth, result);
      if (options.json) {
        printJson(
          {
            chainId: result.chainId,
            seed: result.seed,
            scale: result.scale,
            lastBlock: result.lastBlock,
            transactions: result.transactions,
            scenarios: result.truths,
            record: result.totals,
          },
          ctx.stdout,
        );
        return;
      }
      ctx.stdout.write(
        `Simulated ${scenarios.join(', ')} (seed ${result.seed}, scale ${result.scale}): ${result.transactions} transactions in blocks 1-${result.lastBlock}, ${((Date.now() - started) / 1000).toFixed(1)} s\n\n` +
          result.truths.map((t) => renderTruth(t, result)).join('\n') +
          (options.truth ? `\nTruth written to ${options.truth}\n` : ''),
      );
    });
}
