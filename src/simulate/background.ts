import type { Hex } from 'viem';
import type { SimAccount } from './accounts.ts';
import type { SimTransaction } from './chain-driver.ts';
import type { Random } from './random.ts';
import {
  ETHER,
  type Exchange,
  GAS,
  sendEther,
  spendable,
  swapEtherForToken,
  takeDepositWallet,
  transferToken,
  USD,
  type World,
} from './world.ts';

/** A customer's deposit address, once given. */
type Customer = { account: SimAccount; exchange: Exchange; depositWallet: Hex | null };

/**
 * Ordinary activity around a scenario, so its transactions sit among unrelated ones as on mainnet:
 * exchange withdrawals to customers, payments between customers, deposits to their exchange deposit
 * addresses, DEX trades and stablecoin payments.
 */
export type Background = {
  /**
   * One block's worth of independent transactions. `busy` names pairs a scenario trades on in the
   * same block: the simulator predicts swap outputs, which needs one trade per pair per block.
   */
  tick(busy?: ReadonlySet<Hex>): SimTransaction[];
};

/** Transactions of each kind per block, per unit of scale. */
const PER_TICK = { withdrawals: 4, payments: 5, deposits: 3, stablePayments: 3 } as const;

/**
 * Background activity for a world, drawn from its own random stream.
 *
 * @example
 * const background = createBackground(world, random.fork('background'));
 * await world.driver.step([...scenarioTxs, ...background.tick()]);
 */
export function createBackground(world: World, random: Random): Background {
  const customers: Customer[] = world.users.map((account) => ({
    account,
    exchange: random.pick(world.exchanges),
    depositWallet: null,
  }));
  const count = (n: number) => Math.max(1, Math.round(n * world.scale));
  return {
    tick(busy = new Set()) {
      const txs: SimTransaction[] = [];
      // Each account acts at most once per block, so the ledger's balances hold for every send.
      const acted = new Set<string>();
      const idle = (c: Customer) => !acted.has(c.account.address);
      const pickIdle = (filter: (c: Customer) => boolean) => {
        const candidates = customers.filter((c) => idle(c) && filter(c));
        if (candidates.length === 0) return undefined;
        const c = random.pick(candidates);
        acted.add(c.account.address);
        return c;
      };
      for (let i = 0; i < count(PER_TICK.withdrawals); i++) {
        const c = pickIdle(() => true);
        if (!c) break;
        const amount = random.bigint(ETHER / 20n, 3n * ETHER);
        if (world.driver.balance(c.exchange.hotWallet.address) < amount + ETHER) continue;
        txs.push(sendEther(c.exchange.hotWallet, c.account.address, amount));
      }
      const rich = (c: Customer) => spendable(world, c.account, 2, GAS.swap) > ETHER / 10n;
      for (let i = 0; i < count(PER_TICK.payments); i++) {
        const from = pickIdle(rich);
        if (!from) break;
        const to = random.pick(customers);
        const amount = spendable(world, from.account, 2, GAS.swap) / BigInt(random.int(3, 10));
        txs.push(sendEther(from.account, to.account.address, amount));
      }
      for (let i = 0; i < count(PER_TICK.deposits); i++) {
        const c = pickIdle(rich);
        if (!c) break;
        c.depositWallet ??= takeDepositWallet(c.exchange);
        const amount = spendable(world, c.account, 2, GAS.swap) / BigInt(random.int(2, 5));
        txs.push(sendEther(c.account, c.depositWallet, amount, true));
      }
      if (!busy.has(world.pairs.get(world.stablecoin)!)) {
        const c = pickIdle(rich);
        if (c) {
          const amount = spendable(world, c.account, 2, GAS.swap) / BigInt(random.int(3, 8));
          txs.push(
            swapEtherForToken(world, c.account, world.stablecoin, amount, c.account.address).tx,
          );
        }
      }
      const hasStable = (c: Customer) =>
        world.driver.balance(c.account.address, world.stablecoin) > 10n * USD &&
        spendable(world, c.account, 1, GAS.call) > 0n;
      for (let i = 0; i < count(PER_TICK.stablePayments); i++) {
        const from = pickIdle(hasStable);
        if (!from) break;
        const to = random.pick(customers);
        const amount =
          world.driver.balance(from.account.address, world.stablecoin) / BigInt(random.int(2, 6));
        txs.push(
          transferToken(from.account, world.stablecoin, to.account.address, amount, world.encode),
        );
      }
      return txs;
    },
  };
}
