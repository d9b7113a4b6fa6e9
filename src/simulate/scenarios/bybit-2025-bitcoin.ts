import { BLOCK_SPACING_SECONDS } from '../../chains/bitcoin/bcoin-node.ts';
import {
  type BitcoinSimTx,
  feeOf,
  feeOfTx,
  payment,
  type SimOutput,
  type Utxo,
} from '../bitcoin/bitcoin-driver.ts';
import {
  BTC,
  MAX_PAYOUTS_PER_BLOCK,
  OUTBOUND_DELAY_SECONDS,
  payoutTransaction,
  selectCoins,
  WHIRLPOOL_MIX_FEE_PER_INPUT,
  WHIRLPOOL_MIX_SIZE,
  WHIRLPOOL_REMIXES_PER_MIX,
  WHIRLPOOL_POOLS,
} from '../bitcoin/bitcoin-world.ts';
import type { SimBitcoinKey } from '../bitcoin/keys.ts';
import { SimulationError } from '../chain-driver.ts';
import type { BitcoinPayoutRequest, BitcoinScenarioContext } from '../scenario.ts';

/**
 * What the attacker does with each Bitcoin payout, by weight: a scenario setting shaped on how the
 * Bybit bitcoin was reported to move on (peel chains, mixing, exchanges), not a measurement.
 */
const BITCOIN_ROUTES = [
  ['peel', 30],
  ['coinjoin', 30],
  ['deposit', 20],
  ['hold', 20],
] as const;
type BitcoinRoute = (typeof BITCOIN_ROUTES)[number][0];
/** Hops of a peel chain, and the share (percent) each hop peels off to an exchange. */
const PEEL_HOPS = { min: 3, max: 6 } as const;
const PEEL_PERCENT = { min: 3, max: 8 } as const;
/**
 * Premix outputs one Tx0 makes at most: real ones make up to dozens, each then mixing on its own;
 * three keep the chain small and still show the fan-out.
 */
const MAX_PREMIXES_PER_TX0 = 3;
/** Blocks between the exchanges' consolidations of their deposit addresses (about an hour). */
const CONSOLIDATION_INTERVAL_BLOCKS = 6;
/** Ordinary customers' deposits per block at most, per unit of scale: the exchanges' other inflow. */
const CUSTOMER_DEPOSITS_PER_BLOCK = 2;
/** A customer's deposit, in satoshis: 0.005 to 0.5 BTC. */
const CUSTOMER_DEPOSIT = { min: 500_000n, max: 50_000_000n } as const;
/** Empty blocks at the end, so every transaction of the scenario has six confirmations. */
const CONFIRMATION_BLOCKS = 6;

const SERVICE_NAMES: Record<BitcoinPayoutRequest['service'], string> = {
  thorchain: 'THORChain',
  instant_exchange: 'Simulated Instant Exchange',
};

type Action = () => BitcoinSimTx[];

/**
 * bybit-2025 on Bitcoin: THORChain's vault and the instant exchange pay each swap to its
 * destination; from there each payout is peeled to exchange deposit addresses, mixed through a
 * Whirlpool-style CoinJoin (Tx0 into premixes, then 5-by-5 mixes of the pool's denomination),
 * deposited whole, or kept. The exchanges consolidate their deposit addresses into their hot
 * wallets every hour; ordinary customers deposit too, and other Whirlpool users fill the mixes.
 */
export async function playBybitBitcoin(
  ctx: BitcoinScenarioContext,
  requests: readonly BitcoinPayoutRequest[],
): Promise<void> {
  const { world, truth, random } = ctx;
  const { driver } = world;
  const queue = [...requests].sort((a, b) => a.time - b.time);
  const plans: Action[][] = [];
  /** What the miner pays in this block: new customers, and the peers of next block's mixes. */
  let funding: SimOutput[] = [];
  /** Customers funded in the last block: they deposit in this one. */
  let customers: SimBitcoinKey[] = [];
  let customerCount = 0;
  let peerCount = 0;
  let blocks = 0;

  const pickRoute = (): BitcoinRoute => {
    const total = BITCOIN_ROUTES.reduce((s, [, w]) => s + w, 0);
    let r = random.next() * total;
    for (const [route, weight] of BITCOIN_ROUTES) {
      r -= weight;
      if (r < 0) return route;
    }
    return 'hold';
  };
  const coinOf = (key: SimBitcoinKey): Utxo => {
    const [coin, ...more] = driver.utxos(key, { spendable: true });
    if (!coin || more.length > 0)
      throw new SimulationError(`${key.label} should hold one confirmed output`, {
        code: 'SIM_LEDGER_MISMATCH',
      });
    return coin;
  };
  const depositAddress = () => {
    const exchange = random.pick(world.exchanges);
    return { exchange, address: world.takeDepositAddress(exchange) };
  };
  const fee = (tx: BitcoinSimTx) =>
    truth.endpoint({ address: null, category: 'fee', entity: null, amount: feeOfTx(tx) });

  const planPeel = (start: SimBitcoinKey): Action[] => {
    const hops = random.int(PEEL_HOPS.min, PEEL_HOPS.max);
    let current = start;
    return Array.from({ length: hops }, (_, h) => () => {
      const coin = coinOf(current);
      const peel = (coin.value * BigInt(random.int(PEEL_PERCENT.min, PEEL_PERCENT.max))) / 100n;
      const { exchange, address } = depositAddress();
      const next = world.key(`${start.label}/btc/peel/${h}`);
      truth.attacker(next, 'peel');
      const tx = payment(
        `peel hop ${h} of ${start.label}`,
        [coin],
        [{ key: address, value: peel }],
        next,
      );
      truth.endpoint({
        address: address.address,
        category: 'deposit_wallet',
        entity: exchange.name,
        amount: peel,
      });
      fee(tx);
      current = next;
      return [tx];
    });
  };

  const planDeposit = (start: SimBitcoinKey): Action[] => [
    () => {
      const { exchange, address } = depositAddress();
      const tx = payment(`deposit of ${start.label}`, [coinOf(start)], [], address);
      truth.endpoint({
        address: address.address,
        category: 'deposit_wallet',
        entity: exchange.name,
        amount: tx.outputs[0]!.value,
      });
      fee(tx);
      return [tx];
    },
  ];

  const planCoinJoin = (start: SimBitcoinKey, value: bigint): Action[] => {
    // The largest pool the payout can enter with at least one premix: a Tx0 of one input and at
    // most five P2WPKH outputs (premixes, the pool fee, change).
    const txFee = feeOf(
      1,
      Array.from({ length: MAX_PREMIXES_PER_TX0 + 2 }, () => start.script),
    );
    const pool = WHIRLPOOL_POOLS.find(
      (p) => value >= p.denomination + WHIRLPOOL_MIX_FEE_PER_INPUT + p.poolFee + txFee,
    );
    if (!pool) return [];
    const premixValue = pool.denomination + WHIRLPOOL_MIX_FEE_PER_INPUT;
    const count = Math.min(
      MAX_PREMIXES_PER_TX0,
      Number((value - pool.poolFee - txFee) / premixValue),
    );
    const premixes = Array.from({ length: count }, (_, j) => {
      const key = world.key(`${start.label}/btc/premix/${j}`);
      truth.attacker(key, 'premix');
      return key;
    });
    // Whirlpool never mixes two outputs of one Tx0 together: each premix has a mix of its own,
    // with four other users' coins, funded by the miner in the Tx0's block: one more premix and
    // WHIRLPOOL_REMIXES_PER_MIX remixes (earlier mixes' outputs, exactly the denomination, paying no
    // fee), as a Whirlpool mix always holds at least one remix (the coordinator's liquidity).
    const peers = premixes.map(() =>
      Array.from({ length: WHIRLPOOL_MIX_SIZE - 1 }, (_, k) => ({
        key: world.key(`whirlpool/peer/${peerCount++}`),
        value:
          k < WHIRLPOOL_MIX_SIZE - 1 - WHIRLPOOL_REMIXES_PER_MIX ? premixValue : pool.denomination,
      })),
    );
    const tx0: Action = () => {
      const change = world.key(`${start.label}/btc/tx0-change`);
      truth.attacker(change, 'change');
      const tx = payment(
        `Tx0 of ${start.label}`,
        [coinOf(start)],
        [
          ...premixes.map((key) => ({ key, value: premixValue })),
          { key: world.whirlpoolCoordinator, value: pool.poolFee },
        ],
        change,
      );
      truth.endpoint({
        address: world.whirlpoolCoordinator.address,
        category: 'mixer',
        entity: 'Simulated Whirlpool',
        amount: pool.poolFee,
      });
      fee(tx);
      for (const group of peers) for (const peer of group) funding.push(peer);
      return [tx];
    };
    const mixes: Action = () =>
      premixes.map((premix, j) => {
        const postmix = world.key(`${start.label}/btc/postmix/${j}`);
        truth.attacker(postmix, 'postmix', { category: 'mixer', entity: 'Simulated Whirlpool' });
        const inputs = [coinOf(premix), ...peers[j]!.map((p) => coinOf(p.key))];
        const outputs = [postmix, ...peers[j]!.map((p) => world.key(`${p.key.label}/postmix`))].map(
          (key) => ({ key, value: pool.denomination }),
        );
        // Outputs in random order, as the coordinator shuffles them: which is whose is the secret.
        for (let i = outputs.length - 1; i > 0; i--) {
          const k = random.int(0, i);
          [outputs[i], outputs[k]] = [outputs[k]!, outputs[i]!];
        }
        truth.endpoint({
          address: null,
          category: 'fee',
          entity: null,
          amount: WHIRLPOOL_MIX_FEE_PER_INPUT,
        });
        return { label: `Whirlpool mix of ${premix.label}`, inputs, outputs };
      });
    return [tx0, mixes];
  };

  const planRoute = (destination: SimBitcoinKey, value: bigint): Action[] => {
    switch (pickRoute()) {
      case 'peel':
        return planPeel(destination);
      case 'coinjoin':
        return planCoinJoin(destination, value);
      case 'deposit':
        return planDeposit(destination);
      case 'hold':
        return [];
    }
  };

  const consolidations = (): BitcoinSimTx[] =>
    world.exchanges.flatMap((e) => {
      const inputs = e.depositAddresses.flatMap((a) => driver.utxos(a, { spendable: true }));
      return inputs.length === 0
        ? []
        : [payment(`consolidation of ${e.name}`, inputs, [], e.hotWallet)];
    });

  while (queue.length > 0 || plans.some((p) => p.length > 0)) {
    let seconds = BLOCK_SPACING_SECONDS;
    const idle = plans.every((p) => p.length === 0) && customers.length === 0;
    if (idle) {
      // Nothing moves until the next payout is due: skip ahead to its block.
      const due = queue[0]!.time + OUTBOUND_DELAY_SECONDS;
      seconds = Math.max(BLOCK_SPACING_SECONDS, due - driver.time);
    }
    const at = driver.time + seconds;
    // Each transaction goes to the node as soon as it is built: the next one built sees its change.
    let sentHere = 0;
    const send = async (tx: BitcoinSimTx) => {
      await driver.send(tx);
      sentHere++;
    };
    const paid = { thorchain: 0, instant_exchange: 0 };
    for (let i = 0; i < queue.length;) {
      const request = queue[i]!;
      if (
        request.time + OUTBOUND_DELAY_SECONDS > at ||
        paid[request.service] >= MAX_PAYOUTS_PER_BLOCK
      ) {
        i++;
        continue;
      }
      queue.splice(i, 1);
      paid[request.service]++;
      const { tx, amount, memo, payer } = payoutTransaction(world, request);
      await send({
        ...tx,
        onSent: (sent) => {
          truth.payout({
            service: SERVICE_NAMES[request.service],
            from: payer.address,
            inboundTxHash: request.inboundTxHash,
            txid: sent.txid,
            address: request.destination.address,
            amount,
            memo,
          });
          truth.attacker(request.destination, 'destination');
          plans.push(planRoute(request.destination, amount));
        },
      });
    }
    for (const plan of plans) {
      const next = plan.shift();
      if (next) for (const tx of next()) await send(tx);
    }
    for (const customer of customers) {
      const { address } = depositAddress();
      await send(payment(`deposit of ${customer.label}`, [coinOf(customer)], [], address));
    }
    customers = [];
    if (!idle || sentHere > 0) {
      const newcomers = random.int(
        0,
        Math.max(1, Math.round(CUSTOMER_DEPOSITS_PER_BLOCK * world.scale)),
      );
      for (let i = 0; i < newcomers; i++) {
        const customer = world.key(`bitcoin/customer/${customerCount++}`);
        customers.push(customer);
        funding.push({
          key: customer,
          value: random.bigint(CUSTOMER_DEPOSIT.min, CUSTOMER_DEPOSIT.max),
        });
      }
    }
    if (blocks % CONSOLIDATION_INTERVAL_BLOCKS === CONSOLIDATION_INTERVAL_BLOCKS - 1)
      for (const tx of consolidations()) await send(tx);
    if (funding.length > 0) {
      const total = funding.reduce((s, o) => s + o.value, 0n);
      const inputs = selectCoins(driver, world.miner, total + BTC / 100n);
      await send(payment('miner payouts', inputs, funding, world.miner));
      funding = [];
    }
    const sent = await driver.mineBlock(world.miner, seconds);
    if (sent.length > 0) truth.markBlock(driver.height);
    blocks++;
  }
  // The last customers deposit, then every deposit is consolidated, and the chain confirms it all.
  const last: BitcoinSimTx[] = customers.map((customer) =>
    payment(`deposit of ${customer.label}`, [coinOf(customer)], [], depositAddress().address),
  );
  if (last.length > 0) await driver.step(last, world.miner);
  const final = consolidations();
  if (final.length > 0) {
    await driver.step(final, world.miner);
    truth.markBlock(driver.height);
  }
  await driver.mine(CONFIRMATION_BLOCKS, world.miner);
}
