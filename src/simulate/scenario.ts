import type { Hex } from 'viem';
import type { Background } from './background.ts';
import type { SentTransaction, SimTransaction } from './chain-driver.ts';
import type { Random } from './random.ts';
import type { TruthRecorder } from './truth.ts';
import { sweepAll, type World } from './world.ts';

/** What a scenario plays with. */
export type ScenarioContext = {
  world: World;
  random: Random;
  truth: TruthRecorder;
  /**
   * Mines the scenario's transactions together with a block's worth of background activity,
   * `seconds` after the previous block. `busyPairs` are pairs the scenario swaps on (background
   * trades avoid them in that block).
   */
  step(
    transactions: SimTransaction[],
    options?: { seconds?: number; busyPairs?: Hex[]; background?: boolean },
  ): Promise<SentTransaction[]>;
  /** Exchanges sweep their deposit wallets (a block of its own). */
  sweep(): Promise<void>;
  /** Moves the clock to `time` (Unix seconds) if it is still ahead. */
  waitUntil(time: number): void;
};

/** A laundering case the simulator can play. */
export type Scenario = {
  name: string;
  description: string;
  /** When the case happened (Unix seconds): the scenario's blocks start there on a fresh chain. */
  startTime: number;
  /** Assets whose every unit the truth accounts for. */
  trackedAssets(world: World): string[];
  play(context: ScenarioContext): Promise<void>;
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
}): ScenarioContext {
  const { world, truth, background } = parameters;
  let pendingSeconds = 0;
  const mark = (sent: SentTransaction[]) => {
    for (const s of sent) truth.markBlock(s.blockNumber);
  };
  return {
    world,
    random: parameters.random,
    truth,
    async step(transactions, options = {}) {
      const extra =
        options.background === false ? [] : background.tick(new Set(options.busyPairs ?? []));
      const seconds = (options.seconds ?? 12) + pendingSeconds;
      pendingSeconds = 0;
      const sent = await world.driver.step([...transactions, ...extra], seconds);
      mark(sent.slice(0, transactions.length));
      return sent.slice(0, transactions.length);
    },
    async sweep() {
      const txs = sweepAll(world);
      if (txs.length > 0) await world.driver.step(txs, 12);
    },
    waitUntil(time) {
      const ahead = time - world.driver.time;
      if (ahead > 0) pendingSeconds += ahead;
    },
  };
}
