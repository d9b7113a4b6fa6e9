import { UserError } from '../../errors/base.ts';
import type { Random } from '../random.ts';
import type { SimEntity } from '../world.ts';
import {
  TRON_BLOCK_SECONDS,
  tronAddressOf,
  type TronTestChain,
  type TronTestMove,
} from './tron-test-chain.ts';

/** Chain key of the simulated Tron chain, as synced and labelled. */
export const SIM_TRON_CHAIN = 'tron-test';
/** The simulated USDT-TRC20 (a constructed contract address, not Tether's). */
export const SIM_TRON_STABLECOIN = { symbol: 'sUSDT', decimals: 6 } as const;
/**
 * TRX burned by a TRC-20 transfer that buys its energy by burning: 13.84485 TRX, the figure of a
 * USDT transfer to an address that already holds USDT at 420 sun per energy unit (32,963 energy
 * plus 345 bandwidth at 1,000 sun); a scenario setting, as Tron's prices move.
 */
export const TRC20_TRANSFER_FEE_SUN = 13_844_850n;
/** TRX burned by a plain TRX transfer without free bandwidth left (268 bandwidth at 1,000 sun). */
export const TRX_TRANSFER_FEE_SUN = 268_000n;
/** One TRX in sun. */
export const TRX = 1_000_000n;

/** A simulated service on Tron, as labelled. */
export type TronSimEntity = Omit<SimEntity, 'address'> & { address: string };

/** The Tron side of a simulation: its token, its OTC desk, accounts, and a ledger of balances. */
export type TronWorld = {
  chain: TronTestChain;
  /** The simulated stablecoin's contract (`T…`). */
  stablecoin: string;
  /** The issuer: mints and freezes. */
  issuer: string;
  /** The OTC desk that buys stablecoins. */
  otc: string;
  entities: TronSimEntity[];
  /** A fresh account (a constructed address), named for the record. */
  account(name: string): string;
  /** The stablecoin (or `native` TRX) an address holds now. */
  balance(address: string, asset: string): bigint;
  /**
   * TRX an account starts with, for fees: an allocation at the chain's genesis (block 0 holds no
   * transactions), so no transfer shows it. Only the stablecoin's every unit is tracked.
   */
  fund(address: string, amount: bigint): void;
  /** Whether the issuer froze an address (its stablecoin cannot move). */
  frozen(address: string): boolean;
  /**
   * Mines one block of moves, `seconds` after the previous, keeping the ledger: a move that would
   * overdraw fails the whole simulation (a scenario bug), a transfer from a frozen address fails as
   * on chain. Returns each move's transaction id.
   */
  step(moves: TronTestMove[], seconds?: number): string[];
  /** Time of the last block (Unix seconds). */
  readonly time: number;
  /** Transactions mined so far. */
  readonly transactions: number;
};

/**
 * A Tron world on a fresh test chain: block 0 at `startTime`, the stablecoin's contract and the OTC
 * desk's address from the seed (constructed: 20 seeded bytes no one holds a key for).
 *
 * @example
 * const world = createTronWorld({ chain: createTronTestChain({ startTime }), random, startTime });
 */
export function createTronWorld(parameters: {
  chain: TronTestChain;
  random: Random;
  startTime: number;
}): TronWorld {
  const { chain, random } = parameters;
  if (chain.blocks.length > 0)
    throw new UserError('The Tron test chain already has blocks: give the simulation a fresh one', {
      code: 'SIM_CHAIN_USED',
    });
  const names = new Map<string, string>();
  const account = (name: string) => {
    const bytes = new Uint8Array(20);
    for (let i = 0; i < 20; i++) bytes[i] = random.int(0, 255);
    const address = tronAddressOf(bytes);
    names.set(address, name);
    return address;
  };
  const stablecoin = account('sUSDT contract');
  const issuer = account('sUSDT issuer');
  const otc = account('OTC desk');
  chain.addToken(stablecoin, SIM_TRON_STABLECOIN.symbol, SIM_TRON_STABLECOIN.decimals);
  const ledger = new Map<string, bigint>();
  const frozenSet = new Set<string>();
  const key = (address: string, asset: string) => `${asset}|${address}`;
  const balance = (address: string, asset: string) => ledger.get(key(address, asset)) ?? 0n;
  const add = (address: string, asset: string, amount: bigint) => {
    const next = balance(address, asset) + amount;
    if (next < 0n)
      throw new Error(
        `simulated Tron account ${names.get(address) ?? address} would hold ${next} of ${asset}`,
      );
    ledger.set(key(address, asset), next);
  };
  let time = parameters.startTime;
  let transactions = 0;
  chain.mine([], time);
  const step = (moves: TronTestMove[], seconds = TRON_BLOCK_SECONDS) => {
    time += seconds;
    const applied = moves.map((m) => {
      if (m.type === 'trc20' && m.token === stablecoin && frozenSet.has(m.from))
        return { ...m, failed: true };
      return m;
    });
    for (const m of applied) {
      if (m.fee) add(m.from, 'native', -m.fee);
      if (m.failed) continue;
      if (m.type === 'trx') {
        add(m.from, 'native', -m.amount);
        add(m.to, 'native', m.amount);
      } else if (m.type === 'trc20') {
        add(m.from, m.token, -m.amount);
        add(m.to, m.token, m.amount);
      } else if (m.type === 'mint') {
        add(m.to, m.token, m.amount);
      } else if (m.type === 'blacklist') {
        if (m.remove) frozenSet.delete(m.account);
        else frozenSet.add(m.account);
      }
    }
    const number = chain.mine(applied, time);
    transactions += applied.length;
    return chain.blocks[Number(number)]!.infos.map((i) => i.id!);
  };
  return {
    chain,
    stablecoin,
    issuer,
    otc,
    entities: [
      { address: otc, category: 'otc', entity: 'Simulated OTC Desk (Tron)' },
      { address: stablecoin, category: 'token', entity: SIM_TRON_STABLECOIN.symbol },
    ],
    account,
    balance,
    fund: (address, amount) => add(address, 'native', amount),
    frozen: (address) => frozenSet.has(address),
    step,
    get time() {
      return time;
    },
    get transactions() {
      return transactions;
    },
  };
}
