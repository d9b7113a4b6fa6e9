import { saveTracedCase } from '../../api/cases/traced-case.ts';
import { DEFAULT_HOST, DEFAULT_PORT, UI_PREFIX } from '../../api/server.ts';
import { startAnvil } from '../../chains/evm/anvil.ts';
import { createSourceRegistry, openChainSource } from '../../ingest/sync/registry.ts';
import { syncChain } from '../../ingest/sync/sync-chain.ts';
import { formatAddress } from '../../model/address.ts';
import { getChain } from '../../model/chains.ts';
import { SIMULATOR_ANVIL_ARGS, simulate } from '../../simulate/simulate.ts';
import { labelSimulatedServices, simulatorLabels } from '../../simulate/simulator-labels.ts';
import { traceToJson } from '../../trace/export-trace.ts';
import { labelInferredDeposits } from '../../trace/label-inferred-deposits.ts';
import { traceStore } from '../../trace/trace-store.ts';
import { syncSimulatedBitcoin } from './demo-bitcoin.ts';
import { DEMO_SCENARIO, type DemoOptions } from '../commands/demo.ts';
import { simulatorPaths } from '../commands/simulate.ts';
import type { CliContext } from '../context.ts';
import { printJson } from '../output.ts';
import { renderTrace } from '../render-trace.ts';
import { withStore } from '../with-store.ts';
import { bitcoinSummary, renderTruth, withBitcoinNode, writeTruthFile } from './simulate.ts';
import { renderStats } from './stats.ts';
import { createSyncProgress } from './sync.ts';

/**
 * Hops the demo's trace follows: on Ethereum the split, the routes and peel chains of up to 8 hops;
 * then across THORChain onto Bitcoin, where each transaction is a hop in and a hop out (a peel chain
 * of 6 transactions is 12 hops) and a CoinJoin is reached through its Tx0.
 */
const DEMO_TRACE_HOPS = 40;
/**
 * Runs `chaintrail demo` (its options and help: src/cli/commands/demo.ts).
 *
 * @example
 * await runDemo(ctx, { seed: 1, bitcoin: true, db: '/tmp/demo.duckdb' });
 */
export async function runDemo(ctx: CliContext, options: DemoOptions): Promise<void> {
  const started = Date.now();
  const say = (m: string) => {
    if (!options.json) ctx.stderr.write(`${m}\n`);
  };
  say('starting a local anvil node ...');
  const anvil = await startAnvil({ args: SIMULATOR_ANVIL_ARGS });
  try {
    say(
      `simulating ${DEMO_SCENARIO} (seed ${options.seed}) on ${anvil.url}${options.bitcoin ? ' and a bcoin regtest node in memory' : ''} ...`,
    );
    // The Bitcoin node lives until its chain is synced too.
    await withBitcoinNode([DEMO_SCENARIO], options.bitcoin, async (bitcoinNode) => {
      const simulated = await simulate({
        rpcUrl: anvil.url,
        scenarios: [DEMO_SCENARIO],
        seed: options.seed,
        ...simulatorPaths(),
        onProgress: (m) => ctx.logger.info({ step: m }, 'simulate'),
        bitcoin: bitcoinNode,
      });
      if (options.truth) writeTruthFile(options.truth, simulated);
      say(`syncing blocks 0-${simulated.lastBlock} into the database ...`);
      const progress = createSyncProgress(ctx);
      const { sync, bitcoinSync, stats, matches, labels, trace, tracedCase } = await withStore(
        ctx,
        options,
        async (store) => {
          const syncSimulated = async () => {
            // The simulated chain is an EVM chain: the source knows it from the node's chain id.
            const source = await openChainSource(createSourceRegistry(), 'evm', {
              store,
              url: anvil.url,
            });
            const synced = await syncChain({
              store,
              source,
              to: simulated.lastBlock,
              onBatch: progress.onBatch,
            });
            return { ...synced, ...source.counts };
          };
          const sync = await syncSimulated().finally(() => progress.stop());
          // The Bitcoin side, where THORChain paid out: synced like any Bitcoin node, then clustered.
          const bitcoinSync =
            simulated.bitcoin && bitcoinNode
              ? await syncSimulatedBitcoin({
                  store,
                  simulated: simulated.bitcoin,
                  node: bitcoinNode,
                  say,
                })
              : null;
          // The simulated services get labels, so a trace of this chain stops at them (a rerun with
          // the same seed finds them there).
          const labelOptions = { depositAddresses: !options.unlabelledDeposits };
          const labels = simulatorLabels(simulated, labelOptions);
          const labelsWritten = await labelSimulatedServices(store, simulated, labelOptions);
          // Without their labels, the deposit addresses are inferred from their sweeps.
          const inference = options.unlabelledDeposits
            ? await labelInferredDeposits({ store })
            : null;
          const stats = await store.getStats();
          // The stored totals per asset and kind must be the simulator's, to the last wei.
          const stored = new Map(
            stats.assets
              .filter((a) => a.chain === 'anvil')
              .map((a) => [`${a.asset}|${a.kind}`, `${a.transfers}|${a.amount}`]),
          );
          const matches =
            stored.size === simulated.totals.length &&
            simulated.totals.every(
              (t) => stored.get(`${t.asset}|${t.kind}`) === `${t.count}|${t.amount}`,
            );
          // The investigator's question: where is the stolen money now? Forward from the theft.
          const truthOfDemo = simulated.truths[0]!;
          const traceStarted = new Date();
          const { result: trace } = await traceStore({
            store,
            seeds: truthOfDemo.theftTransactions.map((txHash) => ({
              kind: 'tx' as const,
              chain: 'anvil',
              txHash,
            })),
            direction: 'forward',
            policy: 'haircut',
            maxHops: DEMO_TRACE_HOPS,
          });
          // The traced case, for the web UI (`chaintrail serve`) to open.
          const exploiterAddress = truthOfDemo.attackerAddresses.find(
            (a) => a.role === 'exploiter',
          )?.address;
          const tracedCase = await saveTracedCase({
            store,
            name: `Simulated Bybit theft (${DEMO_SCENARIO}, seed ${options.seed})`,
            description:
              'The laundering simulator played a Bybit-like theft on a local anvil chain; `chaintrail demo` traced it forward (haircut) from the theft transactions.',
            seeds: [
              ...(exploiterAddress ? [formatAddress('anvil', exploiterAddress)] : []),
              ...truthOfDemo.theftTransactions,
            ],
            parameters: trace.parameters,
            result: trace,
            startedAt: traceStarted,
          });
          return {
            sync,
            bitcoinSync,
            stats,
            matches,
            trace,
            tracedCase,
            labels: {
              count: labels.length,
              written: labelsWritten,
              ...(inference
                ? {
                    inferredDeposits: inference.deposits.length,
                    inferredWritten: inference.written,
                    truthDeposits: simulated.entities.filter(
                      (e) =>
                        e.category === 'deposit_wallet' &&
                        inference.deposits.some((d) => d.address === e.address.toLowerCase()),
                    ).length,
                  }
                : {}),
            },
          };
        },
      );
      const truth = simulated.truths[0]!;
      const exploiter = truth.attackerAddresses.find((a) => a.role === 'exploiter')?.address;
      const dbArg = options.db ? ` --db ${options.db}` : '';
      const caseUrl = `http://${DEFAULT_HOST}:${DEFAULT_PORT}${UI_PREFIX}cases/${tracedCase.caseId}`;
      if (options.json)
        return printJson({
          simulation: { ...simulated, movements: undefined },
          sync,
          matches,
          ...(bitcoinSync ? { bitcoinSync } : {}),
          labels,
          stats,
          trace: JSON.parse(traceToJson(trace)) as unknown,
          case: {
            id: tracedCase.caseId,
            traceId: tracedCase.traceId,
            url: caseUrl,
            key: tracedCase.key,
          },
        });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      ctx.stdout.write(
        `chaintrail demo: ${simulated.transactions} simulated transactions in ${simulated.lastBlock} blocks on a local anvil chain${bitcoinSummary(simulated)}; ${bitcoinSync ? 'both chains' : 'the anvil chain'} synced into ${options.db ?? ctx.env.CHAINTRAIL_DB ?? './chaintrail.duckdb'} in ${seconds} s total.\n` +
          `Sync check: ${matches ? "the stored transfers equal the simulator's record of every value movement (count and sum per asset and kind)" : "MISMATCH between the stored transfers and the simulator's record (please report this)"}.\n` +
          (bitcoinSync
            ? `Bitcoin sync check: ${bitcoinSync.matches ? `every block up to ${bitcoinSync.lastStored} stored, with its coinbase and the simulator's ${simulated.bitcoin!.transactions} transactions (${bitcoinSync.transactions} transactions, ${bitcoinSync.transfers} transfers); ${bitcoinSync.clusters} clusters by the multi-input heuristic, ${bitcoinSync.coinjoins} CoinJoins left out` : `MISMATCH: ${bitcoinSync.transactions} transactions stored up to block ${bitcoinSync.lastStored} (please report this)`}.\n`
            : '') +
          '\n' +
          (options.unlabelledDeposits
            ? `Labels: ${labels.count} simulated service addresses (exchanges, hot wallets, bridge, mixer, …) labelled, ${labels.written} new; the deposit addresses left unlabelled: ${labels.inferredDeposits} inferred from their sweeps (${labels.truthDeposits} of them deposit addresses in the simulator's truth), ${labels.inferredWritten} new inferred labels.\n\n`
            : `Labels: ${labels.count} simulated service addresses (exchanges, deposit wallets, bridge, mixer, …) labelled, ${labels.written} new.\n\n`) +
          renderTruth(truth, simulated) +
          '\n' +
          renderStats(stats, { topAssets: 10 }) +
          `\nTrace of the theft (forward, haircut, up to ${DEMO_TRACE_HOPS} hops), as an investigator would run it:\n` +
          renderTrace(trace, {
            assets: (chain, asset) =>
              asset === 'native'
                ? {
                    symbol: getChain(chain).nativeSymbol,
                    decimals: getChain(chain).nativeDecimals,
                  }
                : simulated.assets.find((a) => a.asset === asset),
          }) +
          (exploiter
            ? `\nNext: chaintrail address ${formatAddress('anvil', exploiter)}${dbArg}   (the exploiter)\n`
            : '') +
          `\nThe traced case in the web UI: run \`chaintrail serve${dbArg}\`, then open\n` +
          `  ${caseUrl}#key=${tracedCase.key}\n` +
          `(the part after # is an investigator API key made for the demo: it stays in your browser; each demo run replaces it)\n`,
      );
      if (!matches || bitcoinSync?.matches === false) process.exitCode = 1;
    });
  } finally {
    await anvil.stop();
  }
}
