import { sweepAll, type World } from './world.ts';

/**
 * Longest a simulated exchange lets customer deposits sit in their deposit wallets (simulated
 * seconds): it sweeps at least this often while any wallet holds ether, as real exchanges sweep on a
 * schedule of minutes to hours. Before this schedule a scenario without explicit sweeps
 * (it-worker-salaries) left all of its 53 used deposit wallets unswept, and bybit-2025's warm-up
 * deposits waited 25 hours (seed 1, scale 1), longer than exchanges take and than the deposit
 * heuristic's window (src/trace/infer-deposits.ts).
 */
export const SWEEP_INTERVAL_SECONDS = 3_600;
/** Seconds between the sweep's block and the block before it. */
const SWEEP_BLOCK_SECONDS = 12;

/** When and how the simulated exchanges sweep their deposit wallets into their hot wallets. */
export type Sweeper = {
  /**
   * Whether a block mined at `time` (Unix seconds) would pass the sweep schedule with deposits
   * still waiting: the exchanges must sweep first.
   */
  dueBefore(time: number): boolean;
  /** Every exchange sweeps every deposit wallet holding ether, in a block of its own (nothing when none does). */
  sweep(): Promise<void>;
};

/**
 * The exchanges' sweeping of one world: explicit sweeps (a scenario's `ctx.sweep()`) and scheduled
 * ones share one clock, so a deposit waits at most {@link SWEEP_INTERVAL_SECONDS} (plus one block).
 *
 * @example
 * const sweeper = createSweeper(world);
 * if (sweeper.dueBefore(world.driver.time + 86_400)) await sweeper.sweep();
 */
export function createSweeper(world: World): Sweeper {
  let last = world.driver.time;
  const waiting = () =>
    world.exchanges.some((e) =>
      e.depositWallets.slice(0, e.nextFree).some((w) => world.driver.balance(w) > 0n),
    );
  return {
    dueBefore: (time) => time > last + SWEEP_INTERVAL_SECONDS && waiting(),
    async sweep() {
      // A sweep must be a block of its own: a deposit in the same block would change what is swept.
      const txs = sweepAll(world);
      if (txs.length > 0) await world.driver.step(txs, SWEEP_BLOCK_SECONDS);
      last = world.driver.time;
    },
  };
}
