import { inferDepositAddresses } from '../src/trace/infer-deposits.ts';
import type { EndpointLabels, GraphIndex } from '../src/trace/types.ts';
import { generate } from './trace.ts';
import type { Benchmark } from './types.ts';

/** Transfers of the generated graph (the trace benchmark's generator: 5 exchange hubs, power-law users). */
const EDGES = Number(process.env.BENCH_DEPOSITS_EDGES ?? 3_000_000);
/** Timed runs of each side; the median counts (the machine is shared: noise). */
const RUNS = 5;
/** The generator's hubs (nodes `n0`…`n4`), labelled hot wallets: every user pays them, the worst case. */
const HUBS = new Set(['n0', 'n1', 'n2', 'n3', 'n4']);

function median<T>(fn: () => T): { seconds: number; result: T } {
  const times: number[] = [];
  let result!: T;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    result = fn();
    times.push((performance.now() - t) / 1000);
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(times.length / 2)]!, result };
}

/** The floor: one pass keeping every slot's balance, as any sweep over the index must. */
function balancePass(index: GraphIndex): number {
  const balance = new Float64Array(index.slotCount);
  for (let e = 0; e < index.edgeCount; e++) {
    const a = index.amount[e]!;
    balance[index.dstSlot[e]!] = balance[index.dstSlot[e]!]! + a;
    balance[index.srcSlot[e]!] = balance[index.srcSlot[e]!]! - a;
  }
  return balance.length;
}

export const inferDepositsBenchmark: Benchmark = {
  id: 'infer-deposits',
  name: `infer-deposits: deposit address inference on the graph index (${EDGES.toLocaleString('en-US')} transfers)`,
  async run(ctx) {
    ctx.log(`  generating ${EDGES.toLocaleString('en-US')} transfers and building the index ...`);
    const { index } = generate(EDGES);
    const labels: EndpointLabels = {
      lookup: (_chain, address) =>
        HUBS.has(address) ? { category: 'hot_wallet', entity: `hub ${address}` } : null,
    };
    const reference = median(() => balancePass(index));
    const subject = median(() => inferDepositAddresses({ index, labels }));
    return {
      reference: { label: 'a bare balance pass over the edges', seconds: reference.seconds },
      subject: { label: 'inferDepositAddresses (two passes)', seconds: subject.seconds },
      rows: index.edgeCount,
      unit: 'transfers',
      notes: [
        `${subject.result.length} addresses inferred among ${index.nodeCount.toLocaleString('en-US')} (the hubs labelled hot wallets; most users also pay others, so few pass)`,
      ],
    };
  },
};
