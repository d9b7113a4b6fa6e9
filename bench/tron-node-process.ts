// The Tron sync benchmark's node, in a process of its own as a real node would be: the Tron test
// node (src/simulate/tron/) serving a generated chain, until this process is told to stop (SIGTERM,
// or its stdin closing). Prints one JSON line on stdout when it serves: { url, height, moves }.
import { createRandom } from '../src/simulate/random.ts';
import {
  createTronTestChain,
  constructedTronAddresses,
  type TronTestMove,
} from '../src/simulate/tron/tron-test-chain.ts';
import { startTronTestNode } from '../src/simulate/tron/tron-test-node.ts';
import { TRC20_TRANSFER_FEE_SUN, TRX_TRANSFER_FEE_SUN } from '../src/simulate/tron/tron-world.ts';

const blocks = Number(process.env.BENCH_TRON_NODE_BLOCKS);
const txsPerBlock = Number(process.env.BENCH_TRON_NODE_TXS);
/** Accounts the activity moves between. */
const ACCOUNTS = 2_000;
/** Share of transactions that are TRC-20 transfers (the rest TRX): most of Tron's volume is USDT. */
const TRC20_SHARE = 0.7;

const random = createRandom('bench-tron');
// CONSTRUCTED: seeded addresses and a token contract no one holds a key for.
const [token, ...accounts] = constructedTronAddresses('bench-tron-accounts', ACCOUNTS + 1) as [
  string,
  ...string[],
];
const chain = createTronTestChain({ startTime: 1_717_200_000 });
chain.addToken(token, 'sUSDT', 6);
chain.mine([]);
for (let n = 1; n <= blocks; n++) {
  const moves: TronTestMove[] = [];
  for (let k = 0; k < txsPerBlock; k++) {
    const from = random.pick(accounts);
    const to = random.pick(accounts);
    moves.push(
      random.next() < TRC20_SHARE
        ? {
            type: 'trc20',
            from,
            token,
            to,
            amount: BigInt(random.int(1, 1_000_000_000)),
            fee: TRC20_TRANSFER_FEE_SUN,
          }
        : {
            type: 'trx',
            from,
            to,
            amount: BigInt(random.int(1, 1_000_000_000)),
            fee: TRX_TRANSFER_FEE_SUN,
          },
    );
  }
  chain.mine(moves);
}
const node = await startTronTestNode(chain);
process.stdout.write(
  `${JSON.stringify({ url: node.url, height: Number(chain.height), moves: chain.moves.length })}\n`,
);
const stop = () => void node.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
