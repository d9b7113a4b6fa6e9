import { payments } from 'bitcoinjs-lib';
import { stringToBytes } from 'viem';
import { COINBASE_MATURITY } from '../../chains/bitcoin/bcoin-node.ts';
import { SimulationError } from '../chain-driver.ts';
import type { BitcoinPayoutRequest } from '../scenario.ts';
import { ETHER, EXCHANGE_NAMES, type SimEntity } from '../world.ts';
import {
  type BitcoinDriver,
  type BitcoinSimTx,
  type SimOutput,
  payment,
  type Utxo,
} from './bitcoin-driver.ts';
import { type SimBitcoinKey, simBitcoinKey } from './keys.ts';

/** One satoshi-denominated bitcoin. */
export const BTC = 100_000_000n;
/**
 * The simulated world's exchange rate: 0.03 BTC per ether. Fictional, like the world's other prices
 * (its AMM prices ether at 2,500 sUSDT): only the conversion has to be deterministic.
 */
export const SATS_PER_ETHER = 3_000_000n;
/** What THORChain keeps of each Bitcoin outbound as its outbound fee (a simulation setting). */
export const THORCHAIN_OUTBOUND_FEE_SATS = 20_000n;
/** The instant exchange's margin on each order, in basis points (a simulation setting). */
export const INSTANT_EXCHANGE_FEE_BPS = 100n;
/** Seconds after the inbound's block before a service pays out (THORChain waits for confirmations). */
export const OUTBOUND_DELAY_SECONDS = 600;
/**
 * Most payouts one service makes per block: each spends the change of the one before (one vault
 * output chain), and relay policy limits a chain in the mempool to 25 transactions.
 */
export const MAX_PAYOUTS_PER_BLOCK = 10;
/** Blocks mined to the miner before anything else: it funds customers and CoinJoin peers. */
const MINER_FUNDING_BLOCKS = 10;
/** Services are funded by mining with this much more than their payouts need (fees, rounding). */
const FUNDING_MARGIN_BPS = 1_000n;

/**
 * Whirlpool pools (Samourai, https://docs.samourai.io/en/whirlpool): the denomination every mix
 * output has, and the flat pool fee a Tx0 pays the coordinator. The 0.5 BTC pool is left out: the
 * simulated payouts are far below it.
 */
export const WHIRLPOOL_POOLS = [
  { denomination: 5_000_000n, poolFee: 250_000n },
  { denomination: 1_000_000n, poolFee: 50_000n },
] as const;
/** Inputs and outputs of a Whirlpool mix. */
export const WHIRLPOOL_MIX_SIZE = 5;
/**
 * Inputs of a mix that are remixes (a previous mix's output, exactly the denomination, paying no
 * miner fee): the other two are premixes (must-mix). Whirlpool's mixes hold at least one remix;
 * the detection rule chaintrail applies requires one (src/cluster/coinjoin/whirlpool.ts).
 */
export const WHIRLPOOL_REMIXES_PER_MIX = 3;
/**
 * Miner fee each premix output carries above the denomination, paid into the mix it enters
 * (a simulation setting: 5 × 1,000 sat for a mix of about 510 vbytes, about 10 sat/vB).
 */
export const WHIRLPOOL_MIX_FEE_PER_INPUT = 1_000n;

/** A simulated exchange's Bitcoin side: the same exchanges as on the EVM chain. */
export type BitcoinExchange = {
  name: string;
  /** Where its consolidations gather the deposits. */
  hotWallet: SimBitcoinKey;
  /** Deposit addresses handed out so far, in order. */
  depositAddresses: SimBitcoinKey[];
};

/** What a Bitcoin address is in the simulation. */
export type BitcoinSimEntity = Omit<SimEntity, 'address'> & { address: string };

/** The Bitcoin side of one simulation: its services, their keys, and a miner that funds the rest. */
export type BitcoinWorld = {
  seed: number;
  scale: number;
  driver: BitcoinDriver;
  /** The mining pool: every block's coinbase, and the ordinary users' funds. */
  miner: SimBitcoinKey;
  /** THORChain's Bitcoin vault: it pays each swap to Bitcoin out, memo `OUT:<inbound hash>`. */
  thorVault: SimBitcoinKey;
  /** The instant exchange's Bitcoin hot wallet: it pays the orders it took in ether. */
  instantHotWallet: SimBitcoinKey;
  /** Where Tx0s pay Whirlpool's pool fee. */
  whirlpoolCoordinator: SimBitcoinKey;
  exchanges: BitcoinExchange[];
  entities: BitcoinSimEntity[];
  /** A key of this seed. */
  key(label: string): SimBitcoinKey;
  /** A fresh deposit address of the exchange (one per customer or laundering deposit). */
  takeDepositAddress(exchange: BitcoinExchange): SimBitcoinKey;
};

/**
 * Satoshis a service pays for a Bitcoin payout request: the ether converted at
 * {@link SATS_PER_ETHER}, less THORChain's outbound fee or the instant exchange's margin.
 *
 * @example
 * payoutAmount({ service: 'thorchain', amountWei: 10n ** 18n, … }); // 2_980_000n
 */
export function payoutAmount(request: Pick<BitcoinPayoutRequest, 'service' | 'amountWei'>): bigint {
  const converted = (request.amountWei * SATS_PER_ETHER) / ETHER;
  return request.service === 'thorchain'
    ? converted - THORCHAIN_OUTBOUND_FEE_SATS
    : (converted * (10_000n - INSTANT_EXCHANGE_FEE_BPS)) / 10_000n;
}

/**
 * Opens the Bitcoin world on a driver: the miner, THORChain's vault and the instant exchange's hot
 * wallet are funded by mining (enough for the payouts `requests` ask), then
 * {@link COINBASE_MATURITY} more blocks make those coinbases spendable.
 *
 * @example
 * const world = await createBitcoinWorld({ driver, seed: 1, scale: 1, requests });
 */
export async function createBitcoinWorld(parameters: {
  driver: BitcoinDriver;
  seed: number;
  scale: number;
  requests: readonly BitcoinPayoutRequest[];
}): Promise<BitcoinWorld> {
  const { driver, seed, scale } = parameters;
  const key = (label: string) => simBitcoinKey(seed, label);
  const miner = key('bitcoin/miner');
  const thorVault = key('thorchain/btc-vault');
  const instantHotWallet = key('instant-exchange/btc-hot');
  const whirlpoolCoordinator = key('whirlpool/coordinator');
  const exchanges: BitcoinExchange[] = EXCHANGE_NAMES.map((name, i) => ({
    name,
    hotWallet: key(`exchange/${i}/btc/hot`),
    depositAddresses: [],
  }));
  const entities: BitcoinSimEntity[] = [
    { address: thorVault.address, category: 'bridge', entity: 'THORChain' },
    {
      address: instantHotWallet.address,
      category: 'instant_exchange',
      entity: 'Simulated Instant Exchange',
    },
    { address: whirlpoolCoordinator.address, category: 'mixer', entity: 'Simulated Whirlpool' },
    ...exchanges.map((e) => ({
      address: e.hotWallet.address,
      category: 'hot_wallet' as const,
      entity: e.name,
    })),
  ];

  const needs = (service: BitcoinPayoutRequest['service']) => {
    let total = 0n;
    for (const r of parameters.requests) if (r.service === service) total += payoutAmount(r);
    return total + (total * FUNDING_MARGIN_BPS) / 10_000n;
  };
  await driver.mine(MINER_FUNDING_BLOCKS, miner);
  for (const [service, wallet] of [
    ['thorchain', thorVault],
    ['instant_exchange', instantHotWallet],
  ] as const) {
    const need = needs(service);
    while (driver.balance(wallet) < need) await driver.mine(1, wallet);
  }
  await driver.mine(COINBASE_MATURITY, miner);

  return {
    seed,
    scale,
    driver,
    miner,
    thorVault,
    instantHotWallet,
    whirlpoolCoordinator,
    exchanges,
    entities,
    key,
    takeDepositAddress(exchange) {
      const i = EXCHANGE_NAMES.indexOf(exchange.name as (typeof EXCHANGE_NAMES)[number]);
      const address = key(`exchange/${i}/btc/deposit/${exchange.depositAddresses.length}`);
      exchange.depositAddresses.push(address);
      entities.push({
        address: address.address,
        category: 'deposit_wallet',
        entity: exchange.name,
      });
      return address;
    },
  };
}

/**
 * `count` outputs of `key` worth at least `amount` together, largest first: spendable ones, then
 * (`unconfirmed`) the change a service made earlier in the same block.
 */
export function selectCoins(
  driver: BitcoinDriver,
  key: SimBitcoinKey,
  amount: bigint,
  options: { unconfirmed?: boolean } = {},
): Utxo[] {
  const spendable = driver.utxos(key, { spendable: true });
  const pending = options.unconfirmed
    ? driver.utxos(key).filter((u) => u.height === null && !u.coinbase)
    : [];
  const candidates = [...spendable, ...pending].sort((a, b) =>
    a.value === b.value ? 0 : a.value > b.value ? -1 : 1,
  );
  const chosen: Utxo[] = [];
  let held = 0n;
  for (const u of candidates) {
    if (held >= amount) break;
    chosen.push(u);
    held += u.value;
  }
  if (held < amount)
    throw new SimulationError(
      `${key.label} holds ${held} spendable sat, the simulation needs ${amount}`,
      { code: 'SIM_LEDGER_MISMATCH' },
    );
  return chosen;
}

/**
 * A service's payout of one request: THORChain's vault pays the destination with an OP_RETURN
 * `OUT:<inbound tx hash>` (THORChain's outbound memo: the inbound's hash in uppercase hex without
 * 0x, e.g. `OUT:A709EC70…` in https://gitlab.com/thorchain/thornode/-/issues/2232), change back to
 * the vault; the instant exchange pays without a memo.
 *
 * @example
 * const { tx, amount, memo } = payoutTransaction(world, request);
 */
export function payoutTransaction(
  world: BitcoinWorld,
  request: BitcoinPayoutRequest,
): { tx: BitcoinSimTx; amount: bigint; memo: string | null; payer: SimBitcoinKey } {
  const amount = payoutAmount(request);
  const payer = request.service === 'thorchain' ? world.thorVault : world.instantHotWallet;
  const memo =
    request.service === 'thorchain' ? `OUT:${request.inboundTxHash.slice(2).toUpperCase()}` : null;
  const outputs: SimOutput[] = [{ key: request.destination, value: amount }];
  if (memo)
    outputs.push({ script: payments.embed({ data: [stringToBytes(memo)] }).output!, value: 0n });
  // Enough for the payment and any fee: the change covers the rest.
  const inputs = selectCoins(world.driver, payer, amount + BTC / 100n, { unconfirmed: true });
  const label = `${request.service} payout to ${request.destination.label}`;
  return { tx: payment(label, inputs, outputs, payer), amount, memo, payer };
}
