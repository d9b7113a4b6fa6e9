import type { Hex } from 'viem';
import { NATIVE_ASSET } from '../../model/asset.ts';
import type { SimAccount } from '../accounts.ts';
import type { SimTransaction } from '../chain-driver.ts';
import { SIM_BITCOIN_CHAIN, type SimBitcoinKey, simBitcoinKey } from '../bitcoin/keys.ts';
import type { BitcoinPayoutRequest, Scenario, ScenarioContext } from '../scenario.ts';
import {
  approveRouter,
  ETHER,
  GAS,
  instantOrder,
  internal,
  type LstKey,
  native,
  sendEther,
  spendable,
  swapTokenForEther,
  takeDepositWallet,
  thorDeposit,
  tokenMove,
  type World,
} from '../world.ts';
import { playBybitBitcoin } from './bybit-2025-bitcoin.ts';
import { deployMultisig, multisigExecute } from './multisig.ts';
import { SCENARIO_DESCRIPTIONS } from '../scenario-descriptions.ts';

/**
 * Reported amounts stolen from Bybit on 2025-02-21 (shared/data FIGURES.md §3: 401,346 ETH +
 * 90,375 stETH + 8,000 mETH + 15,000 cmETH), divided by this factor so a laptop chain holds them.
 */
const AMOUNT_DIVISOR = 1000n;
const STOLEN_ETH = (401_346n * ETHER) / AMOUNT_DIVISOR;
const STOLEN_TOKENS: Record<LstKey, bigint> = {
  sstETH: (90_375n * ETHER) / AMOUNT_DIVISOR,
  smETH: (8_000n * ETHER) / AMOUNT_DIVISOR,
  scmETH: (15_000n * ETHER) / AMOUNT_DIVISOR,
};
/** The first split went to about 50 addresses of about 10,000 ETH each (FIGURES.md §3). */
const SPLIT_ADDRESSES = 50;
/**
 * How the split addresses launder, by weight. Shaped on the reported outcome (most value through
 * THORChain to Bitcoin, about a fifth through the eXch instant exchange, a little into exchanges,
 * some left): a scenario setting, not a measurement.
 */
const ROUTES = [
  ['bridge', 68],
  ['instant', 16],
  ['deposit', 6],
  ['peel', 5],
  ['hold', 5],
] as const;
type Route = (typeof ROUTES)[number][0];
/** Exploitation time of the Bybit cold wallet: 2025-02-21 14:13:35 UTC (FIGURES.md §3). */
const THEFT_TIME = Date.UTC(2025, 1, 21, 14, 13, 35) / 1000;

function pickRoute(ctx: ScenarioContext): Route {
  const total = ROUTES.reduce((s, [, w]) => s + w, 0);
  let r = ctx.random.next() * total;
  for (const [route, weight] of ROUTES) {
    r -= weight;
    if (r < 0) return route;
  }
  return 'hold';
}

/**
 * bybit-2025: a multisig cold wallet drained to an exploiter; staking tokens swapped to ETH on the
 * AMM; the ETH split over ~50 addresses that bridge it to Bitcoin through THORChain, sell it at an
 * instant exchange, deposit it at exchanges, peel it, or keep it.
 */
export const bybit2025: Scenario = {
  name: 'bybit-2025',
  description: SCENARIO_DESCRIPTIONS['bybit-2025'],
  bitcoinDescription:
    'On Bitcoin: the THORChain vault pays out, then peel chains, Whirlpool-style CoinJoins, exchange deposits.',
  startTime: THEFT_TIME - 3600,
  trackedAssets: (world) => [NATIVE_ASSET, ...Object.values(world.lst)],
  async play(ctx) {
    const { world, truth, random } = ctx;
    const label = (s: string) => `bybit/${s}`;
    const owners = [0, 1, 2].map((i) => world.account(label(`cold-wallet/owner/${i}`)));
    const treasury = world.account(label('victim-treasury'));
    for (const o of owners) await world.driver.fund(o, ETHER);
    await world.driver.fund(treasury, STOLEN_ETH + ETHER);
    const cold = await deployMultisig(ctx, owners, 2);
    // The victim's cold wallet fills up: ether from its treasury, staking tokens minted to it.
    await ctx.step([
      sendEther(treasury, cold, STOLEN_ETH, true),
      ...(Object.keys(STOLEN_TOKENS) as LstKey[]).map((k) => ({
        from: world.deployer,
        to: world.lst[k],
        data: world.encode('Erc20', 'mint', [cold, STOLEN_TOKENS[k]]),
        gas: GAS.call,
        movements: [tokenMove(world.lst[k], ZERO, cold, STOLEN_TOKENS[k])],
      })),
    ]);
    for (let i = 0; i < 6; i++) await ctx.step([]);

    // The theft: the signers approve what they believe is a routine transfer.
    ctx.waitUntil(THEFT_TIME);
    const exploiter = world.account(label('exploiter'));
    truth.attacker(exploiter, 'exploiter');
    const calls = [
      {
        to: exploiter.address,
        value: STOLEN_ETH,
        data: '0x' as Hex,
        movements: [internal(cold, exploiter.address, STOLEN_ETH)],
      },
      ...(Object.keys(STOLEN_TOKENS) as LstKey[]).map((k) => ({
        to: world.lst[k],
        value: 0n,
        data: world.encode('Erc20', 'transfer', [exploiter.address, STOLEN_TOKENS[k]]),
        movements: [tokenMove(world.lst[k], cold, exploiter.address, STOLEN_TOKENS[k])],
      })),
    ];
    const theft = await multisigExecute(ctx, cold, [owners[0]!, owners[1]!], calls, 0);
    for (const t of theft) truth.theft(t.hash, cold);
    truth.stolen(NATIVE_ASSET, STOLEN_ETH);
    for (const k of Object.keys(STOLEN_TOKENS) as LstKey[])
      truth.stolen(world.lst[k], STOLEN_TOKENS[k]);

    // Staking tokens into ether on the AMM.
    const tokens = Object.keys(STOLEN_TOKENS) as LstKey[];
    await ctx.step(tokens.map((k) => approveRouter(world, exploiter, world.lst[k])));
    const swaps = tokens.map((k) =>
      swapTokenForEther(world, exploiter, world.lst[k], STOLEN_TOKENS[k], exploiter.address),
    );
    const swapped = await ctx.step(
      swaps.map((s) => s.tx),
      { busyPairs: tokens.map((k) => world.pairs.get(world.lst[k])!) },
    );
    tokens.forEach((k, i) =>
      truth.conversion({
        txHash: swapped[i]!.hash,
        assetIn: world.lst[k],
        amountIn: STOLEN_TOKENS[k],
        assetOut: NATIVE_ASSET,
        amountOut: swaps[i]!.out,
      }),
    );

    // The split into ~50 addresses of similar size; a little stays with the exploiter.
    const n = Math.max(ROUTES.length, Math.round(SPLIT_ADDRESSES * world.scale));
    const splits = Array.from({ length: n }, (_, i) => world.account(label(`split/${i}`)));
    const base = (spendable(world, exploiter, n, TRANSFER) * 97n) / 100n / BigInt(n);
    await ctx.step(
      splits.map((s) => {
        truth.attacker(s, 'split');
        return sendEther(exploiter, s.address, base + random.bigint(0n, base / 50n));
      }),
    );

    // Every split address follows its route, one transaction per block, all of them side by side.
    const routes: Route[] = splits.map((_, i) =>
      i < ROUTES.length ? ROUTES[i]![0] : pickRoute(ctx),
    );
    // Transactions that pay a service for bitcoin: their hashes name the payouts once mined.
    const payouts = new Map<SimTransaction, Omit<BitcoinPayoutRequest, 'inboundTxHash' | 'time'>>();
    const plans = splits.map((s, i) => planRoute(ctx, s, routes[i]!, i, payouts));
    for (let round = 0; plans.some((p) => p.length > 0); round++) {
      const txs: SimTransaction[] = [];
      for (const plan of plans) {
        const next = plan.shift();
        if (next) txs.push(...next());
      }
      const sent = await ctx.step(txs);
      txs.forEach((tx, i) => {
        const payout = payouts.get(tx);
        if (payout)
          ctx.requestBitcoinPayout({
            ...payout,
            inboundTxHash: sent[i]!.hash,
            time: world.driver.time,
          });
      });
      if (round % 3 === 2) await ctx.sweep();
    }
    await ctx.sweep();
    for (let i = 0; i < 4; i++) await ctx.step([]);
  },
  bitcoin: playBybitBitcoin,
};

const ZERO = '0x0000000000000000000000000000000000000000';
const TRANSFER = 21_000n;

/**
 * A split address's laundering as a list of per-block actions; each action builds its transactions
 * when its block comes, from the balances the ledger has by then.
 */
function planRoute(
  ctx: ScenarioContext,
  holder: SimAccount,
  route: Route,
  index: number,
  payouts: Map<SimTransaction, Omit<BitcoinPayoutRequest, 'inboundTxHash' | 'time'>>,
): (() => SimTransaction[])[] {
  const { world, truth, random } = ctx;
  // The attacker's own Bitcoin keys: the Bitcoin part spends from them.
  const btc = (k: number): SimBitcoinKey => simBitcoinKey(world.seed, `bybit/split/${index}/${k}`);
  switch (route) {
    case 'bridge':
    case 'instant': {
      const count = route === 'bridge' ? random.int(1, 3) : random.int(1, 2);
      return Array.from({ length: count }, (_, k) => () => {
        const left = count - k;
        const amount = spendable(world, holder, left, GAS.call) / BigInt(left);
        const destination = btc(k);
        const payout = destination.address;
        if (route === 'bridge') {
          // The router pays the vault in the same transaction: the ether rests at the vault.
          truth.endpoint({
            address: world.thorVault.address,
            category: 'bridge',
            entity: 'THORChain',
            asset: NATIVE_ASSET,
            amount,
            destination: { chain: SIM_BITCOIN_CHAIN, address: payout },
          });
          const tx = thorDeposit(world, holder, amount, `=:BTC.BTC:${payout}`);
          payouts.set(tx, { service: 'thorchain', amountWei: amount, destination });
          return [tx];
        }
        truth.endpoint({
          address: world.instantExchange,
          category: 'instant_exchange',
          entity: 'Simulated Instant Exchange',
          asset: NATIVE_ASSET,
          amount,
          destination: { chain: SIM_BITCOIN_CHAIN, address: payout },
        });
        const tx = instantOrder(world, holder, amount, `BTC:${payout}`);
        payouts.set(tx, { service: 'instant_exchange', amountWei: amount, destination });
        return [tx];
      });
    }
    case 'deposit':
      return [
        () => [depositAtExchange(world, ctx, holder, spendable(world, holder, 1, GAS.payContract))],
      ];
    case 'peel': {
      const hops = random.int(4, 8);
      let current = holder;
      return Array.from({ length: hops }, (_, h) => () => {
        const available = spendable(world, current, 2, GAS.payContract);
        const peel = (available * BigInt(random.int(3, 8))) / 100n;
        const next = world.account(`bybit/split/${index}/peel/${h}`);
        truth.attacker(next, 'peel');
        const txs = [
          depositAtExchange(world, ctx, current, peel),
          sendEther(current, next.address, available - peel),
        ];
        current = next;
        return txs;
      });
    }
    case 'hold':
      return [];
  }
}

/** Ether from a laundering address into a fresh deposit wallet at a random exchange. */
function depositAtExchange(
  world: World,
  ctx: ScenarioContext,
  from: SimAccount,
  amount: bigint,
): SimTransaction {
  const exchange = ctx.random.pick(world.exchanges);
  const wallet = takeDepositWallet(exchange);
  ctx.truth.endpoint({
    address: wallet,
    category: 'deposit_wallet',
    entity: exchange.name,
    asset: NATIVE_ASSET,
    amount,
  });
  return {
    ...sendEther(from, wallet, amount, true),
    movements: [native(from.address, wallet, amount)],
  };
}
