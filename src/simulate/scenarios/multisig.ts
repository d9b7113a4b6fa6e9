import { encodeDeployData, type Hex } from 'viem';
import type { SimAccount } from '../accounts.ts';
import type { Movement, SentTransaction } from '../chain-driver.ts';
import type { ScenarioContext } from '../scenario.ts';
import { GAS } from '../world.ts';

/**
 * Deploys an m-of-n multisig wallet (a cold wallet, a bridge's validator set) and returns its address.
 *
 * @example
 * const cold = await deployMultisig(ctx, owners, 2);
 */
export async function deployMultisig(
  ctx: ScenarioContext,
  owners: SimAccount[],
  threshold: number,
): Promise<Hex> {
  const { world } = ctx;
  const [sent] = await ctx.step(
    [
      {
        from: world.deployer,
        to: null,
        data: encodeDeployData({
          abi: world.contracts.MultisigWallet!.abi,
          bytecode: world.contracts.MultisigWallet!.bytecode,
          args: [owners.map((o) => o.address), BigInt(threshold)],
        } as never),
        gas: GAS.deploy,
        movements: [],
      },
    ],
    { background: false },
  );
  return sent!.contractAddress!;
}

/** One call the multisig makes once enough owners confirm it. */
export type MultisigCall = { to: Hex; value: bigint; data: Hex; movements: Movement[] };

/**
 * Runs calls through a multisig: the first signer submits them (its own confirmation included),
 * the other signers confirm, the last one executes. Returns the execution transactions.
 *
 * @example
 * const executed = await multisigExecute(ctx, cold, [owners[0], owners[1]], calls);
 */
export async function multisigExecute(
  ctx: ScenarioContext,
  wallet: Hex,
  signers: SimAccount[],
  calls: MultisigCall[],
  firstId: number,
): Promise<SentTransaction[]> {
  const { world } = ctx;
  const [submitter, ...others] = signers;
  await ctx.step(
    calls.map((c) => ({
      from: submitter!,
      to: wallet,
      data: world.encode('MultisigWallet', 'submit', [c.to, c.value, c.data]),
      gas: GAS.call + 100_000n,
      movements: [],
    })),
  );
  if (others.length > 0)
    await ctx.step(
      others.flatMap((o) =>
        calls.map((_, i) => ({
          from: o,
          to: wallet,
          data: world.encode('MultisigWallet', 'confirm', [BigInt(firstId + i)]),
          gas: GAS.call,
          movements: [],
        })),
      ),
    );
  const executor = signers[signers.length - 1]!;
  return ctx.step(
    calls.map((c, i) => ({
      from: executor,
      to: wallet,
      data: world.encode('MultisigWallet', 'execute', [BigInt(firstId + i)]),
      gas: GAS.call + 100_000n,
      movements: c.movements,
    })),
  );
}
