// A realistic local chain for the sync benchmark: anvil with many funded accounts, a standard ERC-20
// and a splitter contract compiled from bench/contracts with solc-js, and blocks of mixed ETH,
// token and splitter transactions mined together (automine off, `evm_mine` per block).
import { createRandom } from '../src/simulate/random.ts';
import fs from 'node:fs';
import path from 'node:path';
import { compileSolidity } from '../src/simulate/compile-contracts.ts';
import { type Abi, encodeDeployData, encodeFunctionData, type Hex } from 'viem';
import { type Anvil, startAnvil } from '../src/chains/evm/anvil.ts';

const CONTRACTS_SOURCE = path.join(import.meta.dirname, 'contracts/BenchToken.sol');
/** Gas limits set explicitly, so anvil never estimates gas for a queued transaction. */
const GAS = { eth: 21_000n, token: 100_000n, split: 150_000n, deploy: 3_000_000n } as const;
/** EIP-1559 fees: anvil's base fee starts at 1 gwei and only falls on blocks this empty. */
const MAX_FEE = 10n ** 10n;
const PRIORITY_FEE = 10n ** 9n;
const TOKEN_SUPPLY = 10n ** 27n;

export type ChainShape = {
  /** Blocks of traffic to mine (after the deployment and distribution blocks). */
  blocks: number;
  txsPerBlock: number;
  /** Funded dev accounts sending and receiving. */
  accounts: number;
  /** Empty blocks mined after the traffic (e.g. so an indexer waiting for finality sees it all). */
  emptyBlocksAfter?: number;
};

export type BenchChain = {
  anvil: Anvil;
  /** The ERC-20 (lowercase). */
  token: Hex;
  /** The last block mined. */
  head: bigint;
  /** Transactions mined, by kind. */
  txs: { eth: number; token: number; split: number; setup: number };
  /** ERC-20 Transfer logs emitted (mint, distribution and token transactions). */
  tokenTransfers: number;
};

type Compiled = { abi: Abi; bytecode: Hex };

/** Compiles bench/contracts/BenchToken.sol with solc-js into ABI and bytecode per contract. */
export function compileBenchContracts(): { BenchToken: Compiled; Splitter: Compiled } {
  const compiled = compileSolidity({
    'BenchToken.sol': { content: fs.readFileSync(CONTRACTS_SOURCE, 'utf8') },
  });
  const get = (name: string): Compiled => {
    const c = compiled[name];
    if (!c) throw new Error(`solc produced no ${name}`);
    return c;
  };
  return { BenchToken: get('BenchToken'), Splitter: get('Splitter') };
}

type RpcCall = { method: string; params: unknown[] };

/** Sends JSON-RPC calls as one HTTP batch and returns their results in order (any error throws). */
async function rpcBatch<T = unknown>(url: string, calls: readonly RpcCall[]): Promise<T[]> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(calls.map((c, id) => ({ jsonrpc: '2.0', id, ...c }))),
  });
  if (!res.ok) throw new Error(`anvil answered HTTP ${res.status}`);
  const body = (await res.json()) as { id: number; result?: T; error?: { message: string } }[];
  const out: T[] = new Array<T>(calls.length);
  for (const r of body) {
    if (r.error) throw new Error(`${calls[r.id]?.method} failed: ${r.error.message}`);
    out[r.id] = r.result as T;
  }
  return out;
}

async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const [result] = await rpcBatch<T>(url, [{ method, params }]);
  return result as T;
}

const hex = (n: bigint | number) => `0x${n.toString(16)}`;
/** Seed of the random transfers between accounts. */
const CHAIN_SEED = 0x2545f491;

/**
 * Starts anvil and mines a chain shaped by `shape`: block 1 deploys the ERC-20 (minting its supply
 * to account 0) and the splitter, block 2 hands tokens to every other account, then `shape.blocks`
 * blocks of `shape.txsPerBlock` transactions between random accounts: 45% ETH transfers, 45% token
 * transfers, 10% splitter calls (one ETH payment forwarded to two accounts: internal transfers),
 * then `shape.emptyBlocksAfter` empty blocks.
 * Every transaction is checked to have succeeded. The caller stops `anvil`.
 *
 * @example
 * const chain = await startBenchChain({ blocks: 500, txsPerBlock: 40, accounts: 50 });
 */
export async function startBenchChain(
  shape: ChainShape,
  log: (message: string) => void = () => undefined,
): Promise<BenchChain> {
  const contracts = compileBenchContracts();
  const anvil = await startAnvil({ args: ['--accounts', String(shape.accounts)] });
  try {
    const { url } = anvil;
    await rpc(url, 'evm_setAutomine', [false]);
    const accounts = await rpc<Hex[]>(url, 'eth_accounts');
    if (accounts.length < 2) throw new Error(`anvil has ${accounts.length} accounts`);
    const nonces = new Map<Hex, bigint>(accounts.map((a) => [a, 0n]));
    const tx = (from: Hex, fields: { to?: Hex; value?: bigint; data?: Hex; gas: bigint }) => {
      const nonce = nonces.get(from)!;
      nonces.set(from, nonce + 1n);
      return {
        method: 'eth_sendTransaction',
        params: [
          {
            from,
            ...(fields.to ? { to: fields.to } : {}),
            ...(fields.data ? { data: fields.data } : {}),
            value: hex(fields.value ?? 0n),
            gas: hex(fields.gas),
            nonce: hex(nonce),
            maxFeePerGas: hex(MAX_FEE),
            maxPriorityFeePerGas: hex(PRIORITY_FEE),
            type: '0x2',
          },
        ],
      };
    };
    const txHashes: Hex[] = [];
    const mine = async (calls: RpcCall[]) => {
      txHashes.push(...(await rpcBatch<Hex>(url, calls)));
      await rpc(url, 'evm_mine');
    };

    const deployer = accounts[0]!;
    await mine([
      tx(deployer, {
        data: encodeDeployData({ ...contracts.BenchToken, args: [TOKEN_SUPPLY] }),
        gas: GAS.deploy,
      }),
      tx(deployer, { data: encodeDeployData(contracts.Splitter), gas: GAS.deploy }),
    ]);
    const [tokenReceipt, splitterReceipt] = await rpcBatch<{ contractAddress: Hex }>(
      url,
      txHashes.map((h) => ({ method: 'eth_getTransactionReceipt', params: [h] })),
    );
    const token = tokenReceipt!.contractAddress.toLowerCase() as Hex;
    const splitter = splitterReceipt!.contractAddress.toLowerCase() as Hex;
    const share = TOKEN_SUPPLY / BigInt(accounts.length);
    const tokenTransfer = (to: Hex, value: bigint) =>
      encodeFunctionData({
        abi: contracts.BenchToken.abi,
        functionName: 'transfer',
        args: [to, value],
      });
    await mine(
      accounts
        .slice(1)
        .map((to) => tx(deployer, { to: token, data: tokenTransfer(to, share), gas: GAS.token })),
    );
    const txs = { setup: txHashes.length, eth: 0, token: 0, split: 0 };

    // The simulator's seeded generator, so every run builds the same chain.
    const random = createRandom(CHAIN_SEED);
    const pick = (n: number) => random.int(0, n - 1);
    const started = performance.now();
    for (let b = 0; b < shape.blocks; b++) {
      const calls: RpcCall[] = [];
      for (let i = 0; i < shape.txsPerBlock; i++) {
        const from = accounts[pick(accounts.length)]!;
        const to = accounts[pick(accounts.length)]!;
        const kind = pick(20);
        if (kind < 9) {
          calls.push(
            tx(from, { to, value: BigInt(1 + pick(1_000_000)) * 10n ** 9n, gas: GAS.eth }),
          );
          txs.eth++;
        } else if (kind < 18) {
          const value = BigInt(1 + pick(1_000_000)) * 10n ** 12n;
          calls.push(tx(from, { to: token, data: tokenTransfer(to, value), gas: GAS.token }));
          txs.token++;
        } else {
          const other = accounts[pick(accounts.length)]!;
          const data = encodeFunctionData({
            abi: contracts.Splitter.abi,
            functionName: 'split',
            args: [to, other],
          });
          const value = BigInt(2 + pick(1_000_000)) * 10n ** 9n;
          calls.push(tx(from, { to: splitter, value, data, gas: GAS.split }));
          txs.split++;
        }
      }
      await mine(calls);
      if ((b + 1) % 100 === 0) log(`  mined ${b + 1}/${shape.blocks} blocks`);
    }
    if (shape.emptyBlocksAfter) await rpc(url, 'anvil_mine', [hex(shape.emptyBlocksAfter)]);
    const head = BigInt(await rpc<string>(url, 'eth_blockNumber'));
    const expectedHead = BigInt(shape.blocks + 2 + (shape.emptyBlocksAfter ?? 0));
    if (head !== expectedHead)
      throw new Error(`anvil is at block ${head}, expected ${expectedHead}`);

    // Every transaction mined and succeeded (a failed token transfer would emit no Transfer).
    const statuses: string[] = [];
    for (let i = 0; i < txHashes.length; i += 1000) {
      const receipts = await rpcBatch<{ status: string } | null>(
        url,
        txHashes
          .slice(i, i + 1000)
          .map((h) => ({ method: 'eth_getTransactionReceipt', params: [h] })),
      );
      statuses.push(...receipts.map((r) => r?.status ?? 'missing'));
    }
    const failed = statuses.filter((s) => s !== '0x1').length;
    if (failed)
      throw new Error(
        `${failed} of ${txHashes.length} benchmark transactions failed or were not mined`,
      );
    log(
      `  ${txHashes.length.toLocaleString('en-US')} transactions in ${head} blocks, mined in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    return { anvil, token, head, txs, tokenTransfers: 1 + (accounts.length - 1) + txs.token };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}
