import { type Anvil, startAnvil } from '../../src/chains/evm/anvil.ts';
import { simulatorPaths } from '../../src/cli/commands/simulate.ts';
import { syncEvm } from '../../src/ingest/sync/sync-evm.ts';
import {
  SIMULATOR_ANVIL_ARGS,
  simulate,
  type SimulateReturnType,
} from '../../src/simulate/simulate.ts';
import { labelSimulatedServices } from '../../src/simulate/simulator-labels.ts';
import { createDuckDbStore } from '../../src/store/duckdb/duckdb-store.ts';

/** A simulation played on a fresh anvil and synced into a database file, for CLI tests. */
export type SimulatedDb = { anvil: Anvil; simulated: SimulateReturnType };

/**
 * Plays `scenario` at `scale` on a fresh anvil, syncs it into the DuckDB file `db` and labels the
 * simulator's services as the demo does (`depositAddresses: false` leaves the exchanges' deposit
 * addresses unlabelled). Stop the returned anvil when done.
 *
 * @example
 * const { anvil, simulated } = await simulatedDb(db, { scenario: 'peel-chain', scale: 0.3 });
 */
export async function simulatedDb(
  db: string,
  options: { scenario: string; scale: number; depositAddresses?: boolean },
): Promise<SimulatedDb> {
  const anvil = await startAnvil({ args: SIMULATOR_ANVIL_ARGS });
  const simulated = await simulate({
    rpcUrl: anvil.url,
    scenarios: [options.scenario],
    scale: options.scale,
    ...simulatorPaths(),
  });
  const store = await createDuckDbStore({ path: db });
  try {
    await syncEvm({ store, rpcUrl: anvil.url });
    await labelSimulatedServices(store, simulated, {
      depositAddresses: options.depositAddresses ?? true,
    });
  } finally {
    await store.close();
  }
  return { anvil, simulated };
}
