import type { Hex } from 'viem';
import { createRpcClient, RpcResponseError, type RpcClient } from '../chains/evm/rpc-client.ts';
import { BaseError, UserError } from '../errors/base.ts';
import { redactUrl } from '../chains/evm/redact-url.ts';
import { NATIVE_ASSET } from '../model/asset.ts';
import type { SimAccount } from './accounts.ts';

/** Every transaction offers at most this much per gas: far above anvil's base fee, which falls on
 * lightly used blocks, so nothing waits in the pool. Senders keep gas limit x this for fees. */
export const MAX_FEE_PER_GAS_WEI = 10_000_000_000n;
/** The tip to the block producer per gas. */
export const PRIORITY_FEE_PER_GAS_WEI = 1_000_000_000n;
/** Gas of a plain ether transfer to an account without code. */
export const TRANSFER_GAS = 21_000n;
/** Sum of gas limits packed into one mined block (anvil's default block gas limit is 30 M). */
const BLOCK_GAS_BUDGET = 25_000_000n;
/** Blocks mined for one chunk before its missing transactions count as stuck. */
const MAX_MINE_ROUNDS = 4;

/**
 * One movement of value as the simulator meant it, in the store's terms: `native` is a transaction's
 * own value, `internal` a value-carrying call inside it, `token` an ERC-20 Transfer event, `fee` the
 * gas (tip to the block producer, burn to null).
 */
export type Movement = {
  kind: 'native' | 'internal' | 'token' | 'fee';
  /** `native` or the token contract (lowercase). */
  asset: string;
  from: string | null;
  to: string | null;
  amount: bigint;
  txHash?: string;
};

/** A transaction the simulator sends, with the value movements it must cause. */
export type SimTransaction = {
  from: SimAccount;
  to: Hex | null;
  value?: bigint;
  data?: Hex;
  gas: bigint;
  /** What this transaction moves when it succeeds (its gas fees are added from the receipt). */
  movements: Movement[];
  /** A transaction meant to fail (e.g. a blacklisted sender): it must revert and moves nothing. */
  expectRevert?: boolean;
  /**
   * Balance changes with no event behind them, for the ledger only: WETH9 mints and burns on
   * deposit/withdraw without a Transfer log.
   */
  credits?: { asset: string; address: string; amount: bigint }[];
};

export type SentTransaction = {
  hash: Hex;
  blockNumber: bigint;
  contractAddress: Hex | null;
  logs: { address: Hex; topics: Hex[]; data: Hex }[];
};

export type ChainDriverParameters = {
  rpcUrl: string;
  /** Unix seconds of the first block the simulator mines. */
  startTime: number;
};

/**
 * Sends the simulator's transactions to a development node and keeps its own record: every value
 * movement and a ledger of balances derived from them (so scenarios know what an address holds
 * without asking the chain, and the chain can be checked against the record at the end).
 */
export type ChainDriver = {
  chainId: number;
  rpc: RpcClient;
  /** Sends independent transactions and mines them into one or more blocks, `seconds` after the last. */
  step(transactions: SimTransaction[], seconds?: number): Promise<SentTransaction[]>;
  /** Credits an account with ether out of thin air (anvil_setBalance), outside the record. */
  fund(account: SimAccount | Hex, amount: bigint): Promise<void>;
  /** The ledger's balance of `address` in `asset` (`native` or a token contract). */
  balance(address: string, asset?: string): bigint;
  /** Every movement so far, fees included. */
  readonly movements: readonly Movement[];
  /** Unix seconds of the last mined block. */
  readonly time: number;
  /** Transactions mined so far. */
  readonly transactions: number;
  /** Compares the ledger with the chain for every address it knows; throws on any difference. */
  verify(): Promise<{ addresses: number; balances: number }>;
  /** Restores the node's automatic mining. */
  close(): Promise<void>;
};

type Receipt = {
  transactionHash: Hex;
  status: Hex;
  blockNumber: Hex;
  gasUsed: Hex;
  effectiveGasPrice: Hex;
  contractAddress: Hex | null;
  logs: { address: Hex; topics: Hex[]; data: Hex }[];
};

/** The simulator's chain was not in the state it expected: a bug or a node that is not a dev node. */
export class SimulationError extends BaseError {
  override name = 'SimulationError';
}

const hex = (n: bigint | number) => `0x${n.toString(16)}`;

/**
 * Connects to a development node (anvil) and switches it to manual mining, so each simulated
 * step becomes whole blocks at chosen times: the same seed then gives the same chain.
 *
 * @example
 * const driver = await createChainDriver({ rpcUrl: anvil.url, startTime: 1740146015 });
 * await driver.step([{ from, to: other.address, value: 10n ** 18n, gas: TRANSFER_GAS, movements: [...] }]);
 */
export async function createChainDriver(parameters: ChainDriverParameters): Promise<ChainDriver> {
  const rpc = createRpcClient({ url: parameters.rpcUrl, maxRetries: 2 });
  let chainId: number;
  try {
    chainId = Number(BigInt(await rpc.request<string>('eth_chainId', [])));
  } catch (error) {
    throw new UserError(
      `Cannot reach the JSON-RPC endpoint ${redactUrl(parameters.rpcUrl)} (check --rpc and that the node is running)`,
      { code: 'RPC_UNREACHABLE', cause: error },
    );
  }
  try {
    await rpc.request('evm_setAutomine', [false]);
  } catch (error) {
    if (!(error instanceof RpcResponseError)) throw error;
    throw new UserError(
      `${redactUrl(parameters.rpcUrl)} is not a development node: simulate needs anvil's evm_mine, evm_setAutomine and anvil_setBalance`,
      { code: 'NOT_A_DEV_NODE', cause: error },
    );
  }
  const head = await rpc.request<{ timestamp: Hex }>('eth_getBlockByNumber', ['latest', false]);
  let time = Math.max(parameters.startTime, Number(BigInt(head.timestamp)) + 1) - 1;
  const nonces = new Map<string, number>();
  const ledger = new Map<string, Map<string, bigint>>();
  const movements: Movement[] = [];
  const touched = new Map<string, Set<string>>();
  const miners = new Set<string>();
  let mined = 0;

  const credit = (asset: string, address: string | null, amount: bigint) => {
    if (address === null) return;
    let byAddress = ledger.get(asset);
    if (!byAddress) ledger.set(asset, (byAddress = new Map()));
    byAddress.set(address, (byAddress.get(address) ?? 0n) + amount);
    let set = touched.get(asset);
    if (!set) touched.set(asset, (set = new Set()));
    set.add(address);
  };
  const record = (m: Movement) => {
    movements.push(m);
    // The zero address mints and burns tokens: it is not a holder.
    if (m.from !== ZERO) credit(m.asset, m.from, -m.amount);
    if (m.to !== ZERO) credit(m.asset, m.to, m.amount);
  };
  const nonceOf = async (account: SimAccount) => {
    let n = nonces.get(account.address);
    if (n === undefined) {
      n = Number(
        BigInt(await rpc.request<string>('eth_getTransactionCount', [account.address, 'pending'])),
      );
    }
    nonces.set(account.address, n + 1);
    return n;
  };

  /** Sends one chunk (fits in a block), mines until every transaction is in, returns receipts. */
  const mineChunk = async (chunk: SimTransaction[], at: number): Promise<Receipt[]> => {
    const hashes: Hex[] = [];
    // Sequential sends: the node's pool sees them in one order, so blocks come out the same each run.
    for (const tx of chunk) {
      const signed = await tx.from.signer.signTransaction({
        chainId,
        type: 'eip1559',
        nonce: await nonceOf(tx.from),
        to: tx.to ?? undefined,
        value: tx.value ?? 0n,
        data: tx.data,
        gas: tx.gas,
        maxFeePerGas: MAX_FEE_PER_GAS_WEI,
        maxPriorityFeePerGas: PRIORITY_FEE_PER_GAS_WEI,
      });
      hashes.push(await rpc.request<Hex>('eth_sendRawTransaction', [signed]));
    }
    const receipts = new Map<string, Receipt>();
    for (let round = 0; round < MAX_MINE_ROUNDS && receipts.size < hashes.length; round++) {
      await rpc.request('evm_mine', [at + round]);
      time = at + round;
      for (const h of hashes) {
        if (receipts.has(h)) continue;
        const r = await rpc.request<Receipt | null>('eth_getTransactionReceipt', [h]);
        if (r) receipts.set(h, r);
      }
    }
    if (receipts.size < hashes.length)
      throw new SimulationError(
        `${hashes.length - receipts.size} simulated transactions were not mined`,
        { code: 'SIM_STUCK' },
      );
    mined += hashes.length;
    return hashes.map((h) => receipts.get(h)!);
  };

  const baseFees = new Map<string, { baseFee: bigint; miner: string }>();
  const blockInfo = async (number: Hex) => {
    let info = baseFees.get(number);
    if (!info) {
      const b = await rpc.request<{ baseFeePerGas?: Hex; miner: Hex }>('eth_getBlockByNumber', [
        number,
        false,
      ]);
      info = { baseFee: BigInt(b.baseFeePerGas ?? '0x0'), miner: b.miner.toLowerCase() };
      miners.add(info.miner);
      baseFees.set(number, info);
    }
    return info;
  };

  return {
    chainId,
    rpc,
    movements,
    get time() {
      return time;
    },
    get transactions() {
      return mined;
    },
    balance(address, asset = NATIVE_ASSET) {
      return ledger.get(asset)?.get(address.toLowerCase()) ?? 0n;
    },
    async fund(account, amount) {
      const address = typeof account === 'string' ? account : account.address;
      const current = BigInt(await rpc.request<string>('eth_getBalance', [address, 'latest']));
      await rpc.request('anvil_setBalance', [address, hex(current + amount)]);
      credit(NATIVE_ASSET, address, amount);
    },
    async step(transactions, seconds = 12) {
      const sent: SentTransaction[] = [];
      let at = time + seconds;
      let chunk: SimTransaction[] = [];
      let gas = 0n;
      const flush = async () => {
        if (chunk.length === 0) return;
        const receipts = await mineChunk(chunk, at);
        at = time + 1;
        for (let i = 0; i < chunk.length; i++) {
          const tx = chunk[i]!;
          const r = receipts[i]!;
          const ok = BigInt(r.status) === 1n;
          if (ok === Boolean(tx.expectRevert))
            throw new SimulationError(
              `Simulated transaction ${r.transactionHash} from ${tx.from.label} ${ok ? 'succeeded but was meant to revert' : 'reverted'}`,
              {
                code: 'SIM_UNEXPECTED_STATUS',
                details: `to ${tx.to ?? '(creation)'}, gas used ${BigInt(r.gasUsed)} of ${tx.gas}, selector ${tx.data?.slice(0, 10) ?? 'none'}`,
              },
            );
          const { baseFee, miner } = await blockInfo(r.blockNumber);
          const gasUsed = BigInt(r.gasUsed);
          const price = BigInt(r.effectiveGasPrice);
          const burn = gasUsed * (baseFee < price ? baseFee : price);
          const tip = gasUsed * price - burn;
          const from = tx.from.address;
          if (tip > 0n)
            record({
              kind: 'fee',
              asset: NATIVE_ASSET,
              from,
              to: miner,
              amount: tip,
              txHash: r.transactionHash,
            });
          if (burn > 0n)
            record({
              kind: 'fee',
              asset: NATIVE_ASSET,
              from,
              to: null,
              amount: burn,
              txHash: r.transactionHash,
            });
          if (ok) {
            for (const m of tx.movements) record({ ...m, txHash: r.transactionHash });
            for (const c of tx.credits ?? []) credit(c.asset, c.address, c.amount);
          }
          sent.push({
            hash: r.transactionHash,
            blockNumber: BigInt(r.blockNumber),
            contractAddress: r.contractAddress?.toLowerCase() as Hex | null,
            logs: r.logs,
          });
        }
        chunk = [];
        gas = 0n;
      };
      for (const tx of transactions) {
        if (gas + tx.gas > BLOCK_GAS_BUDGET) await flush();
        chunk.push(tx);
        gas += tx.gas;
      }
      await flush();
      return sent;
    },
    async verify() {
      let balances = 0;
      const addresses = new Set<string>();
      for (const [asset, set] of touched) {
        for (const address of set) {
          addresses.add(address);
          const expected = ledger.get(asset)?.get(address) ?? 0n;
          const actual =
            asset === NATIVE_ASSET
              ? BigInt(await rpc.request<string>('eth_getBalance', [address, 'latest']))
              : BigInt(
                  await rpc.request<string>('eth_call', [
                    { to: asset, data: `0x70a08231${address.slice(2).padStart(64, '0')}` },
                    'latest',
                  ]),
                );
          // The block producer may be an account the node funded itself: the ledger only knows its tips.
          if (actual !== expected && !miners.has(address))
            throw new SimulationError(
              `The chain disagrees with the simulator's record: ${address} holds ${actual} of ${asset}, the record says ${expected}`,
              { code: 'SIM_LEDGER_MISMATCH' },
            );
          balances++;
        }
      }
      return { addresses: addresses.size, balances };
    },
    async close() {
      await rpc.request('evm_setAutomine', [true]);
    },
  };
}

const ZERO = '0x0000000000000000000000000000000000000000';
