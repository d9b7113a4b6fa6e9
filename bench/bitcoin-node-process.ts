// The Bitcoin sync benchmark's node, in a process of its own as a real node would be: a bcoin
// regtest node (src/chains/bitcoin/bcoin-node.ts) filled with test/helpers/bitcoin-activity.ts,
// then serving JSON-RPC until this process is told to stop (SIGTERM, or its stdin closing).
// Prints one JSON line on stdout when the chain is ready: { rpcUrl, height, counts }.
import { startBcoinNode } from '../src/chains/bitcoin/bcoin-node.ts';
import { createBitcoinActivity } from '../test/helpers/bitcoin-activity.ts';

const blocks = Number(process.env.BENCH_BTC_NODE_BLOCKS);
const txsPerBlock = Number(process.env.BENCH_BTC_NODE_TXS);
const node = await startBcoinNode();
const activity = createBitcoinActivity({ node, seed: 1, walletCount: 40 });
const counts = await activity.addBlocks(blocks, { txsPerBlock });
process.stdout.write(`${JSON.stringify({ rpcUrl: node.rpcUrl, height: node.height(), counts })}\n`);
const stop = () => void node.stop().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
