import { type Category, CONFIDENCE } from '../labels/taxonomy.ts';
import type { Label, Store } from '../store/store.ts';
import type { SimulateReturnType } from './simulate.ts';
import type { SimEntity } from './world.ts';

/** Label import format of the simulator's own service labels. */
export const SIMULATOR_LABEL_FORMAT = 'simulator';

/**
 * Simulator entity kinds as taxonomy categories. WETH is a token contract (wraps are conversions the
 * trace follows, not a service it stops at). Typed over every kind, so a new one fails to compile.
 */
const CATEGORY_OF: Record<SimEntity['category'], Category> = {
  exchange: 'exchange',
  hot_wallet: 'hot_wallet',
  deposit_wallet: 'deposit_wallet',
  cold_wallet: 'cold_wallet',
  dex: 'dex',
  bridge: 'bridge',
  instant_exchange: 'instant_exchange',
  mixer: 'mixer',
  otc: 'otc',
  token: 'token',
  wrapped_native: 'token',
};

/**
 * The `source` of the simulator's labels for a seed (also the label import's source).
 *
 * @example
 * simulatorLabelSource(1); // 'chaintrail simulator (seed 1)'
 */
export function simulatorLabelSource(seed: number): string {
  return `chaintrail simulator (seed ${seed})`;
}

/** Options of {@link simulatorLabels} and {@link labelSimulatedServices}. */
export type SimulatorLabelOptions = {
  /** Chain key of the simulated chain as synced (default `anvil`). */
  chain?: string | undefined;
  /**
   * Label the exchanges' per-customer deposit addresses too (default true). False leaves them
   * unlabelled, as public label sets do (they name hot wallets), so that inferring them
   * (src/trace/infer-deposits.ts) can be measured against the simulator's truth: its entities of
   * category `deposit_wallet`.
   */
  depositAddresses?: boolean | undefined;
};

/**
 * Labels for every service address of a simulation (exchanges and their hot and deposit wallets, the
 * AMM, bridge, mixer, instant exchange, OTC desk, tokens), so a trace of the simulated chain stops at
 * its services as it would at real ones; with the Bitcoin part, its services too (THORChain's vault,
 * the exchanges' hot wallets and deposit addresses, the instant exchange, the Whirlpool coordinator)
 * on `bitcoin-regtest`; with the Tron part, its OTC desk and stablecoin on `tron-test`. The simulator built them, so the confidence is `ownership`.
 *
 * @example
 * const labels = simulatorLabels(simulated); // or store them at once: labelSimulatedServices
 * const withoutDeposits = simulatorLabels(simulated, { depositAddresses: false });
 */
export function simulatorLabels(
  result: Pick<SimulateReturnType, 'entities' | 'seed' | 'bitcoin' | 'tron'>,
  options: SimulatorLabelOptions = {},
): Label[] {
  const evmChain = options.chain ?? 'anvil';
  const withDeposits = options.depositAddresses ?? true;
  const source = simulatorLabelSource(result.seed);
  const seen = new Set<string>();
  const labels: Label[] = [];
  const entities = [
    ...result.entities.map((e) => ({ ...e, chain: evmChain })),
    ...(result.bitcoin?.entities ?? []).map((e) => ({ ...e, chain: result.bitcoin!.chain })),
    ...(result.tron?.entities ?? []).map((e) => ({ ...e, chain: result.tron!.chain })),
  ];
  for (const e of entities) {
    if (!withDeposits && e.category === 'deposit_wallet') continue;
    // EVM addresses are stored lowercase; bech32 ones are lowercase already; Tron's base58 as is.
    const chain = e.chain;
    const address = chain === result.tron?.chain ? e.address : e.address.toLowerCase();
    const category = CATEGORY_OF[e.category];
    const key = `${chain}|${address}|${category}|${e.entity}`;
    if (seen.has(key)) continue;
    seen.add(key);
    labels.push({
      chain,
      address,
      entity: e.entity,
      category,
      source,
      confidence: CONFIDENCE.ownership,
    });
  }
  return labels;
}

/** Name of the simulator's label list in the label import log (and of the list without deposit addresses). */
const SIMULATOR_LIST_NAME = 'chaintrail simulator services';
const SIMULATOR_LIST_NAME_NO_DEPOSITS = `${SIMULATOR_LIST_NAME} (deposit addresses unlabelled)`;

/**
 * Stores {@link simulatorLabels} as one label import, as `chaintrail demo` does, so a trace stops at
 * the simulated services and alerts know them. A simulation whose seed was labelled before with the
 * same options (a rerun rebuilds the same addresses) is not imported again; labelling the deposit
 * addresses after a run without them adds just those. Returns the labels written.
 *
 * @example
 * await labelSimulatedServices(store, simulated); // 37
 * await labelSimulatedServices(store, simulated, { depositAddresses: false }); // the services but not the deposit addresses
 */
export async function labelSimulatedServices(
  store: Store,
  result: Pick<SimulateReturnType, 'entities' | 'seed' | 'bitcoin' | 'tron'>,
  options: SimulatorLabelOptions = {},
): Promise<number> {
  const source = simulatorLabelSource(result.seed);
  const listName =
    (options.depositAddresses ?? true) ? SIMULATOR_LIST_NAME : SIMULATOR_LIST_NAME_NO_DEPOSITS;
  const imported = (await store.listLabelImports()).some(
    (i) =>
      i.format === SIMULATOR_LABEL_FORMAT &&
      i.source === source &&
      (i.listName ?? SIMULATOR_LIST_NAME) === listName,
  );
  if (imported) return 0;
  const labels = simulatorLabels(result, options);
  const written = await store.write(async (w) => {
    await w.recordLabelImport({
      format: SIMULATOR_LABEL_FORMAT,
      source,
      listName,
      listDate: null,
      sha256: null,
    });
    await w.addLabels(labels);
  });
  return written.labelsWritten;
}
