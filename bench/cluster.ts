import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { bech32 } from '@scure/base';
import { buildClusters } from '../src/cluster/build-clusters.ts';
import { createClusterStep } from '../src/cluster/cluster-step.ts';
import type { Transfer } from '../src/model/transfer.ts';
import { createRandom, type Random } from '../src/simulate/random.ts';
import { createDuckDbStore } from '../src/store/duckdb/duckdb-store.ts';
import type { UtxoColumns } from '../src/store/store.ts';
import { removeDb } from './duckdb-files.ts';
import type { Benchmark } from './types.ts';

/** Inputs of the generated transactions (the 10 M). */
const INPUTS = Number(process.env.BENCH_CLUSTER_INPUTS ?? 10_000_000);
/** Inputs of the smaller set written to a real DuckDB store and built end to end. */
const STORE_INPUTS = Number(process.env.BENCH_CLUSTER_STORE_INPUTS ?? 1_000_000);
/** Wallets, each with this many addresses: 1 M wallets of 3 make 3 M addresses. */
const WALLETS_PER_10M_INPUTS = 1_000_000;
const ADDRESSES_PER_WALLET = 3;
/** Most inputs per transaction, and the share of transactions that also spend another wallet's coin. */
const MAX_INPUTS = 4;
const FOREIGN_INPUT_SHARE = 0.05;
/** Transactions per block. */
const TRANSACTIONS_PER_BLOCK = 2_000;
/** Timed runs of each side, alternating; the median counts (the machine is shared: noise). */
const RUNS = 3;
/** The target: the engine at least half as fast as a bare union-find. */
const TARGET_RATIO = 0.5;

/**
 * CONSTRUCTED transactions as the columns a build step reads: wallets of 3 addresses (valid bech32
 * encodings of seeded bytes no one holds a key for), each transaction spending 1 to 4 coins of one
 * wallet, 5% of them also a coin of another (so clusters grow and merge), paying 2 outputs of
 * distinct values (no coinjoin). Seeded: the same set every run.
 */
function generate(inputs: number): UtxoColumns & { transactions: number; addresses: number } {
  const random = createRandom('bench-cluster');
  const wallets = Math.max(1, Math.round((WALLETS_PER_10M_INPUTS * inputs) / 10_000_000));
  const bytes = createRandom('bench-cluster-addresses');
  const addresses: string[] = [];
  for (let i = 0; i < wallets * ADDRESSES_PER_WALLET; i++) {
    const program = new Uint8Array(20);
    for (let b = 0; b < 20; b++) program[b] = bytes.int(0, 255);
    addresses.push(bech32.encode('bc', [0, ...bech32.toWords(program)]));
  }
  const walletAddress = (w: number, r: Random) =>
    addresses[w * ADDRESSES_PER_WALLET + r.int(0, ADDRESSES_PER_WALLET - 1)]!;
  // Rows: about 2.5 inputs and 2 outputs per transaction.
  const capacity = Math.ceil(inputs * 1.9) + 16;
  const txHash: string[] = [];
  const address: (string | null)[] = [];
  const blockNumber = new Float64Array(capacity);
  const isInput = new Uint8Array(capacity);
  const amount = new Float64Array(capacity);
  let rows = 0;
  let made = 0;
  let tx = 0;
  while (made < inputs) {
    const hash = `constructed-tx-${tx}`;
    const block = 800_000 + Math.floor(tx / TRANSACTIONS_PER_BLOCK);
    const wallet = random.int(0, wallets - 1);
    const k = Math.min(random.int(1, MAX_INPUTS), inputs - made);
    const push = (a: string, input: boolean, value: number) => {
      txHash.push(hash);
      address.push(a);
      blockNumber[rows] = block;
      isInput[rows] = input ? 1 : 0;
      amount[rows] = value;
      rows++;
    };
    for (let i = 0; i < k; i++) push(walletAddress(wallet, random), true, 100_000 + i);
    made += k;
    if (made < inputs && random.next() < FOREIGN_INPUT_SHARE) {
      push(walletAddress(random.int(0, wallets - 1), random), true, 200_000);
      made++;
    }
    push(addresses[random.int(0, addresses.length - 1)]!, false, 50_000);
    push(addresses[random.int(0, addresses.length - 1)]!, false, 60_000);
    tx++;
  }
  return {
    length: rows,
    blockNumber: blockNumber.subarray(0, rows),
    txHash,
    isInput: isInput.subarray(0, rows),
    address,
    amount: amount.subarray(0, rows),
    toBlock: BigInt(800_000 + Math.floor((tx - 1) / TRANSACTIONS_PER_BLOCK)),
    transactions: tx,
    addresses: addresses.length,
  };
}

/**
 * The floor, written inline: a bare union-find over the same columns. Addresses interned in a Map
 * (as any clustering of address strings must), each transaction's inputs joined to its first, union
 * by size with path halving, then every address's root. No coinjoin check, no ids, no links.
 */
function bareUnionFind(c: UtxoColumns): { addresses: number; clusters: number } {
  const ids = new Map<string, number>();
  let parent = new Int32Array(1 << 20);
  let size = new Int32Array(1 << 20);
  const intern = (a: string) => {
    let id = ids.get(a);
    if (id === undefined) {
      id = ids.size;
      if (id === parent.length) {
        const p = new Int32Array(parent.length * 2);
        p.set(parent);
        parent = p;
        const s = new Int32Array(size.length * 2);
        s.set(size);
        size = s;
      }
      ids.set(a, id);
      parent[id] = id;
      size[id] = 1;
    }
    return id;
  };
  const find = (x: number) => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  let row = 0;
  while (row < c.length) {
    const hash = c.txHash[row];
    let end = row;
    while (end < c.length && c.txHash[end] === hash) end++;
    let first = -1;
    for (let i = row; i < end && c.isInput[i] === 1; i++) {
      const id = intern(c.address[i]!);
      if (first < 0) {
        first = id;
        continue;
      }
      let a = find(first);
      let b = find(id);
      if (a === b) continue;
      if (size[a]! < size[b]!) [a, b] = [b, a];
      parent[b] = a;
      size[a]! += size[b]!;
    }
    row = end;
  }
  let clusters = 0;
  for (let id = 0; id < ids.size; id++) if (find(id) === id && size[id]! > 1) clusters++;
  return { addresses: ids.size, clusters };
}

/**
 * A full garbage collection, run before each timed run: at 10 M inputs the heap holds about 2 GB,
 * and whichever side ran second paid for the first's garbage (an incremental marking of the whole
 * heap ran under it for 40 s here, slowing every store into the heap).
 */
function collectGarbage(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** CPU seconds this process has used (all its threads: the collector's included). */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * Times two functions in alternation, `RUNS` times each, and returns each one's median CPU time
 * (and wall time). CPU time, not wall time: on this shared 2-core machine other work made the wall
 * time of one side vary 2-3x between runs, while each side's CPU time stayed within about 30%.
 */
function alternate<A, B>(
  a: () => A,
  b: () => B,
): [{ seconds: number; wall: number; result: A }, { seconds: number; wall: number; result: B }] {
  const cpu: [number[], number[]] = [[], []];
  const wall: [number[], number[]] = [[], []];
  let ra!: A;
  let rb!: B;
  const gc = collectGarbage();
  const time = (side: 0 | 1, fn: () => void) => {
    gc();
    const c = cpuSeconds();
    const t = performance.now();
    fn();
    wall[side].push((performance.now() - t) / 1000);
    cpu[side].push(cpuSeconds() - c);
  };
  for (let i = 0; i < RUNS; i++) {
    // The subject's previous result is let go first: two runs' state alive at once (millions of
    // addresses each) would weigh on the collector.
    rb = undefined as B;
    // Each side goes first in turn.
    if (i % 2 === 0) {
      time(0, () => (ra = a()));
      time(1, () => (rb = b()));
    } else {
      time(1, () => (rb = b()));
      time(0, () => (ra = a()));
    }
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return [
    { seconds: median(cpu[0]), wall: median(wall[0]), result: ra },
    { seconds: median(cpu[1]), wall: median(wall[1]), result: rb },
  ];
}

/** The columns as the store's UTXO transfers. */
function* asTransfers(c: UtxoColumns, from: number, to: number): Generator<Transfer> {
  let index = 0;
  for (let i = from; i < to; i++) {
    if (i > from && c.txHash[i] !== c.txHash[i - 1]) index = 0;
    if (i > from && c.isInput[i] !== c.isInput[i - 1]) index = 0;
    yield {
      chain: 'bitcoin',
      blockNumber: BigInt(c.blockNumber[i]!),
      blockTime: null,
      txHash: c.txHash[i]!,
      position: `${c.isInput[i] ? 'in' : 'out'}:${index++}`,
      from: c.isInput[i] ? c.address[i]! : null,
      to: c.isInput[i] ? null : c.address[i]!,
      asset: 'native',
      amount: BigInt(c.amount[i]!),
      kind: c.isInput[i] ? 'utxo_in' : 'utxo_out',
    };
  }
}

export const clusterBenchmark: Benchmark = {
  id: 'cluster',
  name: `cluster: the multi-input heuristic over ${INPUTS.toLocaleString('en-US')} inputs`,
  async run(ctx) {
    ctx.log(`  generating ${INPUTS.toLocaleString('en-US')} inputs (constructed transactions) ...`);
    const columns = generate(INPUTS);
    ctx.log(
      `  ${columns.transactions.toLocaleString('en-US')} transactions, ${columns.length.toLocaleString('en-US')} rows, ${columns.addresses.toLocaleString('en-US')} addresses`,
    );
    const rssBefore = process.memoryUsage().rss;
    const [reference, subject] = alternate(
      () => bareUnionFind(columns),
      () => {
        const step = createClusterStep({
          stored: new Map(),
          nextSeq: 0,
          ownersOfAddress: new Map(),
          ownersOfCluster: new Map(),
        });
        step.add(columns);
        return step.finish();
      },
    );
    const rssAfter = process.memoryUsage().rss;
    const notes = [
      `${subject.result.clusters.id.length.toLocaleString('en-US')} clusters of ${subject.result.members.address.length.toLocaleString('en-US')} addresses (the bare floor finds ${reference.result.clusters.toLocaleString('en-US')} sets of 2 or more among ${reference.result.addresses.toLocaleString('en-US')} input addresses), ${subject.result.links.txHash.length.toLocaleString('en-US')} links; the engine also checks every transaction for a coinjoin, keeps first-seen ids, links and what the store writes`,
      `CPU seconds, median of ${RUNS} alternating runs each, each after a full collection; wall time ${reference.wall.toFixed(2)} s (reference) and ${subject.wall.toFixed(2)} s (subject)`,
      `RSS ${Math.round(rssBefore / 2 ** 20)} MB before the timed runs, ${Math.round(rssAfter / 2 ** 20)} MB after (the columns themselves are most of it)`,
    ];

    if (STORE_INPUTS > 0) {
      // End to end on a real store: the same generator, fewer inputs, written as UTXO transfers.
      const small = generate(STORE_INPUTS);
      const db = path.join(ctx.workDir, 'cluster.duckdb');
      removeDb(db);
      const store = await createDuckDbStore({ path: db });
      try {
        ctx.log(`  writing ${small.length.toLocaleString('en-US')} UTXO transfers to ${db} ...`);
        const WRITE_ROWS = 500_000;
        for (let from = 0; from < small.length;) {
          let to = Math.min(small.length, from + WRITE_ROWS);
          while (to < small.length && small.txHash[to] === small.txHash[to - 1]) to++;
          const batch = [...asTransfers(small, from, to)];
          await store.write((w) => w.appendTransfers(batch));
          from = to;
        }
        const t = performance.now();
        const built = await buildClusters({ store, chain: 'bitcoin' });
        const seconds = (performance.now() - t) / 1000;
        notes.push(
          `end to end on DuckDB (buildClusters: scan, lookups, steps, writes), ${STORE_INPUTS.toLocaleString('en-US')} inputs (${small.length.toLocaleString('en-US')} rows): ${seconds.toFixed(1)} s, ${Math.round(STORE_INPUTS / seconds).toLocaleString('en-US')} inputs/s, ${built.state?.clusters.toLocaleString('en-US')} clusters of ${built.state?.addresses.toLocaleString('en-US')} addresses, peak RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`,
        );
      } finally {
        await store.close();
      }
    }
    return {
      reference: {
        label: 'a bare union-find over the same columns (Map interning, union by size), CPU time',
        seconds: reference.seconds,
      },
      subject: {
        label:
          'createClusterStep: add + finish (coinjoin check, first-seen ids, links, members), CPU time',
        seconds: subject.seconds,
      },
      rows: INPUTS,
      unit: 'inputs',
      target: TARGET_RATIO,
      notes,
    };
  },
};
