import { keccak256, stringToBytes } from 'viem';
import type { Transfer } from '../../src/model/transfer.ts';
import { simAccount } from '../../src/simulate/accounts.ts';
import { simulatorLabelSource } from '../../src/simulate/simulator-labels.ts';
import type { Store } from '../../src/store/store.ts';

/** The simulator's own actors (seed 1): a theft's victim, thief, two mules, an exchange deposit. */
export const SIM = {
  victim: simAccount(1, 'victim').address,
  thief: simAccount(1, 'exploiter').address,
  mule1: simAccount(1, 'mule/1').address,
  mule2: simAccount(1, 'mule/2').address,
  deposit: simAccount(1, 'exchange/deposit').address,
  bystander: simAccount(1, 'bystander').address,
} as const;

export const ETH = 10n ** 18n;

/**
 * Builds native transfers on the `anvil` chain whose transaction hashes are keccak256 of
 * `<prefix>-<n>` (one transaction and block per `n`), so each test file has hashes of its own.
 *
 * @example
 * const move = simTransfers('api-trace-test');
 * move(1, SIM.victim, SIM.thief, 100n * ETH);
 */
export function simTransfers(prefix: string, options: { secondsPerBlock?: number } = {}) {
  const secondsPerBlock = options.secondsPerBlock ?? 60;
  const txHash = (n: number) => keccak256(stringToBytes(`${prefix}-${n}`));
  const move = (
    n: number,
    from: string,
    to: string | null,
    amount: bigint,
    extra: { kind?: Transfer['kind']; time?: number } = {},
  ): Transfer => {
    const kind = extra.kind ?? 'native';
    return {
      chain: 'anvil',
      blockNumber: BigInt(n),
      blockTime: extra.time ?? 1_700_000_000 + n * secondsPerBlock,
      txHash: txHash(n),
      position: kind === 'fee' ? 'fee:burn' : 'call:',
      from,
      to,
      asset: 'native',
      amount,
      kind,
    };
  };
  return Object.assign(move, { txHash });
}

/**
 * Labels {@link SIM}.deposit as a simulated exchange's deposit address, as the simulator's label
 * import does.
 *
 * @example
 * await labelSimulatedDeposit(store);
 */
export async function labelSimulatedDeposit(store: Store): Promise<void> {
  await store.write(async (w) => {
    await w.recordLabelImport({
      format: 'simulator',
      source: simulatorLabelSource(1),
      listName: null,
      listDate: null,
      sha256: null,
    });
    await w.addLabels([
      {
        chain: 'anvil',
        address: SIM.deposit,
        entity: 'Simulated Exchange',
        category: 'deposit_wallet',
        source: simulatorLabelSource(1),
        confidence: 100,
      },
    ]);
  });
}

/**
 * Writes the simulator's theft: the victim pays the thief 100 ETH (transaction 1), who splits it
 * over two mules (2, 3); mule 1 pays its 60 into the labelled exchange deposit address (4), mule 2
 * still holds its 40. `move` names the file's own transactions ({@link simTransfers}).
 *
 * @example
 * await seedSimulatedTheft(store, simTransfers('api-trace-test'));
 */
export async function seedSimulatedTheft(
  store: Store,
  move: ReturnType<typeof simTransfers>,
): Promise<void> {
  const { victim, thief, mule1, mule2, deposit } = SIM;
  await store.write(async (w) =>
    w.appendTransfers([
      move(1, victim, thief, 100n * ETH),
      move(2, thief, mule1, 60n * ETH),
      move(3, thief, mule2, 40n * ETH),
      move(4, mule1, deposit, 60n * ETH),
    ]),
  );
  await labelSimulatedDeposit(store);
}
