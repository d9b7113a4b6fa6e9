// The Ponder project the sync benchmark runs (bench/ponder.ts copies it into .bench/ponder and
// passes the node, the token and the block range in the environment).
import { createConfig } from 'ponder';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (bench/ponder.ts sets it)`);
  return value;
};

const erc20TransferAbi = [
  {
    type: 'event',
    name: 'Transfer',
    inputs: [
      { name: 'from', type: 'address', indexed: true },
      { name: 'to', type: 'address', indexed: true },
      { name: 'value', type: 'uint256', indexed: false },
    ],
  },
] as const;

export default createConfig({
  database: { kind: 'pglite', directory: env('BENCH_PGLITE_DIR') },
  chains: {
    // Comma-separated URLs are separate RPC backends to Ponder, each with its own rate limit.
    anvil: { id: 31337, rpc: env('BENCH_RPC_URL').split(','), disableCache: true },
  },
  contracts: {
    BenchToken: {
      chain: 'anvil',
      abi: erc20TransferAbi,
      address: env('BENCH_TOKEN') as `0x${string}`,
      startBlock: Number(env('BENCH_FROM_BLOCK')),
      endBlock: Number(env('BENCH_TO_BLOCK')),
    },
  },
});
