import type { Hex } from 'viem';
import type { Background } from './background.ts';
import type { BitcoinWorld } from './bitcoin/bitcoin-world.ts';
import type { BitcoinTruthRecorder } from './bitcoin/bitcoin-truth.ts';
import type { SimBitcoinKey } from './bitcoin/keys.ts';
import type { SentTransaction, SimTransaction } from './chain-driver.ts';
import type { Random } from './random.ts';
import type { Sweeper } from './sweeper.ts';
import type { TronTruthRecorder } from './tron/tron-truth.ts';
import type { TronWorld } from './tron/tron-world.ts';
import type { TruthRecorder } from './truth.ts';
import type { World } from './world.ts';

/** Seconds between blocks when a step does not say. */
const BLOCK_SECONDS = 12;

/**
 * Ether a scenario paid a service that pays out in bitcoin (THORChain's router, the instant
 * exchange): the Bitcoin part of the run pays it, when it runs.
 */
export type BitcoinPayoutRequest = {
  service: 'thorchain' | 'instant_exchange';
  /** The Ethereum transaction that paid the service: THORChain's outbound memo names it. */
  inboundTxHash: Hex;
  /** Unix seconds of its block. */
  time: number;
  amountWei: bigint;
  /** Where the bitcoin goes: a key of the scenario's, so the simulation can spend it on. */
  destination: SimBitcoinKey;
};

/** What a scenario plays with. */
export type ScenarioContext = {
  world: World;
  random: Random;
  truth: TruthRecorder;
  /**
   * Mines the scenario's transactions together with a block's worth of background activity,
   * `seconds` after the previous block. `busyPairs` are pairs the scenario swaps on (background
   * trades avoid them in that block). When that block would pass the exchanges' sweep schedule,
   * they sweep first, in a block of its own 12 s after the previous one.
   */
  step(
    transactions: SimTransaction[],
    options?: { seconds?: number; busyPairs?: Hex[]; background?: boolean },
  ): Promise<SentTransaction[]>;
  /** Exchanges sweep their deposit wallets now (a block of its own). */
  sweep(): Promise<void>;
  /** Moves the clock to `time` (Unix seconds) if it is still ahead. */
  waitUntil(time: number): void;
  /** Asks for a payout in bitcoin for ether paid to a service (see {@link BitcoinPayoutRequest}). */
  requestBitcoinPayout(request: BitcoinPayoutRequest): void;
  /** The payout requests so far, in order. */
  readonly bitcoinPayouts: readonly BitcoinPayoutRequest[];
};

/** What a scenario's Bitcoin part plays with. */
export type BitcoinScenarioContext = {
  world: BitcoinWorld;
  random: Random;
  truth: BitcoinTruthRecorder;
};

/** What a scenario's Tron part plays with. */
export type TronScenarioContext = {
  world: TronWorld;
  /** The run's scale: multiplies actors, as on the EVM side. */
  scale: number;
  random: Random;
  truth: TronTruthRecorder;
};

/** A laundering case the simulator can play. */
export type Scenario = {
  name: string;
  description: string;
  /** What it does on Bitcoin, added to `description` when a Bitcoin node is given. */
  bitcoinDescription?: string | undefined;
  /** What it does on Tron, added to `description` when a Tron test chain is given. */
  tronDescription?: string | undefined;
  /** When the case happened (Unix seconds): the scenario's blocks start there on a fresh chain. */
  startTime: number;
  /** Assets whose every unit the truth accounts for. */
  trackedAssets(world: World): string[];
  play(context: ScenarioContext): Promise<void>;
  /**
   * The scenario's continuation on Bitcoin, after every scenario's EVM part: the services pay the
   * requests `play` made, and the bitcoin moves on. Runs when the simulation has a Bitcoin node.
   */
  bitcoin?(
    context: BitcoinScenarioContext,
    requests: readonly BitcoinPayoutRequest[],
  ): Promise<void>;
  /**
   * The scenario's part on Tron, played on the Tron test chain (src/simulate/tron/) after every
   * scenario's EVM part, when the simulation has one.
   */
  tron?(context: TronScenarioContext): Promise<void>;
};

/**
 * A scenario context over a world, with background activity mixed into every step.
 *
 * @example
 * const ctx = createScenarioContext({ world, random, truth, background });
 */
export function createScenarioContext(parameters: {
  world: World;
  random: Random;
  truth: TruthRecorder;
  background: Background;
  /** The exchanges' sweeps, shared by every scenario of a run (one schedule). */
  sweeper: Sweeper;
}): ScenarioContext {
  const { world, truth, background, sweeper } = parameters;
  let pendingSeconds = 0;
  const bitcoinPayouts: BitcoinPayoutRequest[] = [];
  const mark = (sent: SentTransaction[]) => {
    for (const s of sent) truth.markBlock(s.blockNumber);
  };
  return {
    world,
    random: parameters.random,
    truth,
    async step(transactions, options = {}) {
      let seconds = (options.seconds ?? BLOCK_SECONDS) + pendingSeconds;
      pendingSeconds = 0;
      if (sweeper.dueBefore(world.driver.time + seconds)) {
        await sweeper.sweep();
        seconds = Math.max(BLOCK_SECONDS, seconds - BLOCK_SECONDS);
      }
      // Background activity is drawn after the sweep: withdrawals check the hot wallets' balances.
      const extra =
        options.background === false ? [] : background.tick(new Set(options.busyPairs ?? []));
      const sent = await world.driver.step([...transactions, ...extra], seconds);
      mark(sent.slice(0, transactions.length));
      return sent.slice(0, transactions.length);
    },
    sweep: () => sweeper.sweep(),
    waitUntil(time) {
      const ahead = time - world.driver.time;
      if (ahead > 0) pendingSeconds += ahead;
    },
    requestBitcoinPayout(request) {
      bitcoinPayouts.push(request);
    },
    bitcoinPayouts,
  };
}
