import { NATIVE_ASSET } from '../../model/asset.ts';
import type { Scenario } from '../scenario.ts';
import { ETHER, GAS, sendEther, spendable, takeDepositWallet } from '../world.ts';
import { SCENARIO_DESCRIPTIONS } from '../scenario-descriptions.ts';

/** Victims paying a ransom, per unit of scale. */
const VICTIMS = 6;
/** Ransom range per victim, in whole ether (a scenario setting). */
const RANSOM_ETH = [5, 40] as const;
/** Hops of the peel chain, per unit of scale. */
const HOPS = 30;
/** Share of the balance peeled off at each hop, in percent. */
const PEEL_PERCENT = [1, 5] as const;
const START_TIME = Date.UTC(2024, 5, 3, 8, 0, 0) / 1000;

/**
 * peel-chain: ransom payments collected at one address, then a long chain where each hop sends a
 * small part to an exchange deposit address and the rest to a fresh address; the last hop keeps
 * what is left.
 */
export const peelChain: Scenario = {
  name: 'peel-chain',
  description: SCENARIO_DESCRIPTIONS['peel-chain'],
  startTime: START_TIME,
  trackedAssets: () => [NATIVE_ASSET],
  async play(ctx) {
    const { world, truth, random } = ctx;
    const label = (s: string) => `peel-chain/${s}`;
    const count = (n: number) => Math.max(1, Math.round(n * world.scale));
    const collector = world.account(label('collector'));
    truth.attacker(collector, 'collector');
    const victims = Array.from({ length: count(VICTIMS) }, (_, i) =>
      world.account(label(`victim/${i}`)),
    );
    const ransoms = victims.map(() => BigInt(random.int(RANSOM_ETH[0], RANSOM_ETH[1])) * ETHER);
    for (let i = 0; i < victims.length; i++)
      await world.driver.fund(victims[i]!, ransoms[i]! + ETHER);
    const paid = await ctx.step(
      victims.map((v, i) => sendEther(v, collector.address, ransoms[i]!)),
    );
    paid.forEach((p, i) => {
      truth.theft(p.hash, victims[i]!.address);
      truth.stolen(NATIVE_ASSET, ransoms[i]!);
    });

    let current = collector;
    const hops = count(HOPS);
    for (let h = 0; h < hops; h++) {
      const next = world.account(label(`hop/${h}`));
      truth.attacker(next, 'peel');
      const available = spendable(world, current, 2, GAS.payContract);
      const peel = (available * BigInt(random.int(PEEL_PERCENT[0], PEEL_PERCENT[1]))) / 100n;
      const exchange = random.pick(world.exchanges);
      const wallet = takeDepositWallet(exchange);
      truth.endpoint({
        address: wallet,
        category: 'deposit_wallet',
        entity: exchange.name,
        asset: NATIVE_ASSET,
        amount: peel,
      });
      await ctx.step(
        [
          sendEther(current, wallet, peel, true),
          sendEther(current, next.address, available - peel),
        ],
        { seconds: random.int(60, 3600) },
      );
      if (h % 5 === 4) await ctx.sweep();
      current = next;
    }
    await ctx.sweep();
  },
};
