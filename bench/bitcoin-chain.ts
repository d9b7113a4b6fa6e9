import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ActivityCounts } from '../test/helpers/bitcoin-activity.ts';

export type BitcoinChainShape = {
  /** Blocks of activity after the node's 432 start blocks (the first funds the wallets). */
  blocks: number;
  txsPerBlock: number;
};

export type BenchBitcoinChain = {
  /** JSON-RPC URL with the node's API key: never print it. */
  rpcUrl: string;
  /** The best block's height. */
  height: number;
  counts: ActivityCounts;
  stop(): Promise<void>;
};

/**
 * A bcoin regtest node in a child process (bench/bitcoin-node-process.ts), filled with `shape`
 * blocks of wallet-to-wallet activity: the node serves blocks on its own core while the benchmark
 * fetches and syncs, as a Bitcoin Core node beside chaintrail would.
 *
 * @example
 * const chain = await startBenchBitcoinChain({ blocks: 200, txsPerBlock: 20 }, console.log);
 */
export async function startBenchBitcoinChain(
  shape: BitcoinChainShape,
  log: (message: string) => void,
): Promise<BenchBitcoinChain> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'bitcoin-node-process.ts')],
    {
      env: {
        ...process.env,
        BENCH_BTC_NODE_BLOCKS: String(shape.blocks),
        BENCH_BTC_NODE_TXS: String(shape.txsPerBlock),
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    void exited.then((code) => reject(new Error(`the bcoin node process exited (${code})`)));
  });
  const ready = JSON.parse(line) as { rpcUrl: string; height: number; counts: ActivityCounts };
  log(`  bcoin node ready at height ${ready.height}`);
  return {
    ...ready,
    async stop() {
      child.stdin!.end();
      await exited;
    },
  };
}
