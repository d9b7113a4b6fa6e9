import fs from 'node:fs';
import { type BcoinNode, startBcoinNode } from '../../chains/bitcoin/bcoin-node.ts';
import { UserError } from '../../errors/base.ts';
import { formatUnits } from '../../model/amount.ts';
import { NATIVE_ASSET } from '../../model/asset.ts';
import { SCENARIOS, simulate, type SimulateReturnType } from '../../simulate/simulate.ts';
import { createTronTestChain, type TronTestChain } from '../../simulate/tron/tron-test-chain.ts';
import { startTronTestNode, type TronTestNode } from '../../simulate/tron/tron-test-node.ts';
import { SIM_TRON_CHAIN } from '../../simulate/tron/tron-world.ts';
import { getChain } from '../../model/chains.ts';
import { type Truth, truthToJson } from '../../simulate/truth.ts';
import { type SimulateOptions, simulatorPaths } from '../commands/simulate.ts';
import type { CliContext } from '../context.ts';
import { formatTable, groupDigits, printJson } from '../output.ts';

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
    ...(result.bitcoin ? { bitcoin: result.bitcoin } : {}),
    ...(result.tron ? { tron: result.tron } : {}),
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
export function renderTruth(
  truth: Truth,
  result: Pick<SimulateReturnType, 'assets'> & Partial<Pick<SimulateReturnType, 'tron'>>,
): string {
  const meta = (asset: string) =>
    asset === NATIVE_ASSET
      ? { symbol: 'ETH', decimals: 18 }
      : (result.assets.find((a) => a.asset === asset) ?? { symbol: asset, decimals: 0 });
  const show = (asset: string, amount: bigint) => {
    const m = meta(asset);
    const [whole, fraction = ''] = formatUnits(amount, m.decimals).split('.');
    return `${groupDigits(whole!)}${fraction ? `.${fraction.slice(0, 4)}` : ''} ${m.symbol}`;
  };
  const btc = (_asset: string, amount: bigint) => `${formatBtc(amount)} BTC`;
  const coin = result.tron?.stablecoin;
  const showTron = (asset: string, amount: bigint) => {
    const native = getChain(SIM_TRON_CHAIN);
    const m =
      coin && asset === coin.asset
        ? coin
        : { symbol: native.nativeSymbol, decimals: native.nativeDecimals };
    const [whole, fraction = ''] = formatUnits(amount, m.decimals).split('.');
    return `${groupDigits(whole!)}${fraction ? `.${fraction.slice(0, 4)}` : ''} ${m.symbol}`;
  };
  const bitcoin = truth.bitcoin;
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
    endpointTable(truth.endpoints, show) +
    (bitcoin
      ? `  on Bitcoin (${bitcoin.chain}, blocks ${bitcoin.blocks.from}-${bitcoin.blocks.to}): ${bitcoin.payouts.length} payouts of ${formatBtc(bitcoin.received)} BTC in all from THORChain and the instant exchange, then ${[...bitcoinRoles(bitcoin)].map(([r, n]) => `${n} ${r}`).join(', ')} addresses; where it ended:\n` +
        endpointTable(bitcoin.endpoints, btc)
      : '') +
    (truth.tron
      ? `  on Tron (${truth.tron.chain}, blocks ${truth.tron.blocks.from}-${truth.tron.blocks.to}): ${truth.tron.theftTransactions.length} illicit payments of ${truth.tron.stolen.map((s) => showTron(s.asset, s.amount)).join(' + ')}; where it ended:\n` +
        endpointTable(truth.tron.endpoints, showTron)
      : '')
  );
}

/** Satoshis as BTC with 8 decimals, digits grouped. */
function formatBtc(sats: bigint): string {
  const [whole, fraction = ''] = formatUnits(sats, 8).split('.');
  return `${groupDigits(whole!)}${fraction ? `.${fraction.padEnd(8, '0')}` : ''}`;
}

function bitcoinRoles(bitcoin: NonNullable<Truth['bitcoin']>): Map<string, number> {
  const roles = new Map<string, number>();
  for (const a of bitcoin.attackerAddresses) roles.set(a.role, (roles.get(a.role) ?? 0) + 1);
  return roles;
}

/** Endpoints summed by category and asset, largest first, as an indented table. */
function endpointTable(
  endpoints: readonly Truth['endpoints'][number][],
  show: (asset: string, amount: bigint) => string,
): string {
  const byCategory = new Map<string, { asset: string; amount: bigint; endpoints: number }>();
  for (const e of endpoints) {
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
  return (
    formatTable(['category', 'amount', 'share', 'endpoints'], rows)
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n') + '\n'
  );
}

/**
 * Plays `run` with a bcoin regtest node in this process when one of the scenarios continues on
 * Bitcoin and `wanted`, stopping it after; with no node otherwise. The node lives in memory: its
 * chain ends with the command.
 *
 * @example
 * const result = await withBitcoinNode(['bybit-2025'], true, (bitcoin) => simulate({ ..., bitcoin }));
 */
export async function withBitcoinNode<T>(
  scenarios: readonly string[],
  wanted: boolean,
  run: (bitcoin: BcoinNode | undefined) => Promise<T>,
): Promise<T> {
  const needed =
    wanted && scenarios.some((name) => SCENARIOS.find((s) => s.name === name)?.bitcoin);
  const node = needed ? await startBcoinNode() : undefined;
  try {
    return await run(node);
  } finally {
    await node?.stop();
  }
}

/** What the Bitcoin part of a run mined, for the summary line. */
export function bitcoinSummary(result: Pick<SimulateReturnType, 'bitcoin'>): string {
  const b = result.bitcoin;
  return b
    ? `; on Bitcoin (${b.chain}, a bcoin node in memory for the run): ${b.transactions} transactions up to block ${b.lastBlock}`
    : '';
}

/**
 * Runs `chaintrail simulate` (its options and help: src/cli/commands/simulate.ts).
 *
 * @example
 * await runSimulate(ctx, ['bybit-2025'], { rpc: 'http://127.0.0.1:8545', seed: 1, scale: 1, bitcoin: true });
 */
export async function runSimulate(
  ctx: CliContext,
  scenarios: string[],
  options: SimulateOptions,
): Promise<void> {
  const started = Date.now();
  const wantsTron =
    options.tron !== undefined && scenarios.some((n) => SCENARIOS.find((s) => s.name === n)?.tron);
  if (options.tron !== undefined && !wantsTron)
    throw new UserError(
      `--tron: none of ${scenarios.join(', ')} plays on Tron (it-worker-salaries does)`,
      { code: 'BAD_USAGE' },
    );
  const tron = wantsTron ? createTronTestChain({ startTime: 0 }) : undefined;
  // The port is taken first: a busy one fails now, not after the whole simulation.
  const tronNode = tron ? await startTronTestNode(tron, { port: options.tron }) : undefined;
  const result = await withBitcoinNode(scenarios, options.bitcoin, (bitcoin) =>
    simulate({
      rpcUrl: options.rpc,
      scenarios,
      seed: options.seed,
      scale: options.scale,
      ...simulatorPaths(),
      onProgress: (message) => ctx.logger.info({ step: message }, 'simulate'),
      bitcoin,
      tron,
    }),
  );
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
        ...(result.bitcoin ? { bitcoin: result.bitcoin } : {}),
        ...(result.tron ? { tron: result.tron } : {}),
      },
      ctx.stdout,
    );
  } else
    ctx.stdout.write(
      `Simulated ${scenarios.join(', ')} (seed ${result.seed}, scale ${result.scale}): ${result.transactions} transactions in blocks 1-${result.lastBlock}${bitcoinSummary(result)}, ${((Date.now() - started) / 1000).toFixed(1)} s\n\n` +
        result.truths.map((t) => renderTruth(t, result)).join('\n') +
        (options.truth ? `\nTruth written to ${options.truth}\n` : ''),
    );
  if (tron && tronNode) await serveTron(ctx, tron, tronNode);
}

/**
 * Serves the run's Tron test chain until SIGINT or SIGTERM: it lives in this process's memory, as
 * the bcoin node does, so `sync --chain tron-test` must read it while this command runs.
 */
async function serveTron(ctx: CliContext, chain: TronTestChain, node: TronTestNode): Promise<void> {
  ctx.stderr.write(
    `Serving the Tron test chain (blocks 0-${chain.height}) at ${node.url} until interrupted (Ctrl-C):\n` +
      `  chaintrail sync --chain tron-test --rpc ${node.url}\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await node.close();
}
