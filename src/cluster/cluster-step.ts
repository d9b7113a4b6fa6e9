import type {
  ClusterChanges,
  ClusterRef,
  ClusterRefusal,
  RefusalSide,
  UtxoColumns,
} from '../store/store.ts';
import { detectCoinJoin, type TxIo } from './coinjoin/detect-coinjoin.ts';
import { mergeOwners, type Owners, ownersConflict } from './owner-labels.ts';
import { createUnionFind } from './union-find.ts';

/** Input of {@link createClusterStep}. */
export type ClusterStepParameters = {
  /**
   * The stored clusters of the step's input addresses ({@link Store.getClusters} of
   * {@link clusterCandidates}): each stands in the step as one element of its size.
   */
  stored: ReadonlyMap<string, ClusterRef>;
  /** The seq the step's first newly clustered address gets. */
  nextSeq: number;
  /** Public owners by address (see {@link ownersByAddress}), and of stored clusters by id. */
  ownersOfAddress: ReadonlyMap<string, Owners>;
  ownersOfCluster: ReadonlyMap<string, Owners>;
};

/** What a step found, as the store applies it, and what the next step needs. */
export type ClusterStepResult = Omit<ClusterChanges, 'chain' | 'state'> & {
  nextSeq: number;
  /** Transactions left out as coinjoins. */
  coinjoins: number;
  /** Transactions whose distinct input addresses the heuristic read (2 or more, not coinjoins). */
  transactions: number;
  /** Clusters the step added minus those it merged away (stored ones renamed). */
  clustersDelta: number;
  /** Owners of the clusters the step created or grew, and ids that no longer exist. */
  owners: Map<string, Owners>;
  removedOwners: string[];
};

/** A clustering step over whole transactions: feed batches, then finish. */
export type ClusterStep = {
  add(batch: UtxoColumns): void;
  finish(): ClusterStepResult;
};

/** Elements a step starts with room for. */
const INITIAL_NODES = 4096;
/** Up to this many outputs (inputs), repeats are looked for by comparing pairs, without a Set. */
const FEW_OUTPUTS = 16;
const FEW_INPUTS = 32;

/**
 * Whether any two outputs of rows `from`..`to` share a value: every coinjoin rule needs that (equal
 * outputs make the anonymity set), so a transaction without is not one and skips detection.
 */
function repeatsValue(amount: Float64Array, from: number, to: number): boolean {
  if (to - from <= FEW_OUTPUTS) {
    for (let i = from; i < to; i++)
      for (let j = i + 1; j < to; j++) if (amount[i] === amount[j]) return true;
    return false;
  }
  const seen = new Set<number>();
  for (let i = from; i < to; i++) {
    if (seen.has(amount[i]!)) return true;
    seen.add(amount[i]!);
  }
  return false;
}

/**
 * Calls `fn` with the row range of each transaction of a batch: `start`, its first output's row
 * (inputs come first) and `end` (exclusive). A plain loop: a batch holds millions of rows.
 */
function forEachTransaction(
  b: UtxoColumns,
  fn: (start: number, firstOutput: number, end: number) => void,
): void {
  let start = 0;
  while (start < b.length) {
    const hash = b.txHash[start]!;
    const block = b.blockNumber[start]!;
    let firstOutput = start;
    while (firstOutput < b.length && b.isInput[firstOutput] === 1 && b.txHash[firstOutput] === hash)
      firstOutput++;
    let end = firstOutput;
    while (end < b.length && b.txHash[end] === hash && b.blockNumber[end] === block) end++;
    fn(start, firstOutput, end);
    start = end;
  }
}

/**
 * The input addresses a batch's clustering reads: those of transactions spending from two or more
 * addresses. A build asks the store for their clusters before the step.
 *
 * @example
 * const stored = await store.getClusters(chain, clusterCandidates(batch));
 */
export function clusterCandidates(b: UtxoColumns): string[] {
  const out = new Set<string>();
  forEachTransaction(b, (start, firstOutput) => {
    let first: string | null = null;
    let several = false;
    for (let i = start; i < firstOutput && !several; i++) {
      const a = b.address[i] ?? null;
      if (a === null) continue;
      if (first === null) first = a;
      else several = a !== first;
    }
    if (!several) return;
    for (let i = start; i < firstOutput; i++) if (b.address[i] != null) out.add(b.address[i]!);
  });
  return [...out];
}

/**
 * One step of the multi-input heuristic: every input address of a transaction belongs to one owner.
 * Transactions are read in block, hash and input order (the store's scan order). A coinbase (no
 * inputs), a transaction spending from one address and a coinjoin ({@link detectCoinJoin}) join
 * nothing. Stored clusters take part as single elements of their size; addresses seen for the first
 * time get the next seqs. A cluster's id is its lowest-seq address, so a merge keeps the earlier
 * cluster's id, and the same transactions give the same ids whether read at once or block range by
 * block range. A transaction whose inputs span clusters whose public labels name different owners
 * ({@link ownersConflict}) joins none of them: the merge is recorded as refused.
 *
 * @example
 * const step = createClusterStep({ stored, nextSeq: 0, ownersOfAddress, ownersOfCluster });
 * step.add(batch);
 * const result = step.finish(); // members, renames, sizes, links, refusals
 */
export function createClusterStep(parameters: ClusterStepParameters): ClusterStep {
  const { stored, ownersOfAddress, ownersOfCluster } = parameters;
  let nextSeq = parameters.nextSeq;
  const sets = createUnionFind(INITIAL_NODES);
  // Per element: the address or stored cluster id it stands for, its seq, whether it is a stored
  // cluster; per root: the element of lowest seq (whose key is the set's id) and its owners.
  let seqOf = new Float64Array(INITIAL_NODES);
  let best = new Int32Array(INITIAL_NODES);
  let storedNode = new Uint8Array(INITIAL_NODES);
  let ownersAt = new Int32Array(INITIAL_NODES);
  // Set on a root when a union made it: a stored cluster's element that is still alone was not joined.
  let grew = new Uint8Array(INITIAL_NODES);
  const keyOf: string[] = [];
  const ownersList: Owners[] = [];
  const nodeOfAddress = new Map<string, number>();
  const nodeOfCluster = new Map<string, number>();
  const links = {
    txHash: [] as string[],
    blockNumber: [] as number[],
    address: [] as string[],
    node: [] as number[],
    joined: [] as number[],
    inputs: [] as number[],
  };
  const refusals: ClusterRefusal[] = [];
  let coinjoins = 0;
  let transactions = 0;

  const grow = () => {
    const n = seqOf.length * 2;
    const s = new Float64Array(n);
    s.set(seqOf);
    seqOf = s;
    const b = new Int32Array(n);
    b.set(best);
    best = b;
    const k = new Uint8Array(n);
    k.set(storedNode);
    storedNode = k;
    const o = new Int32Array(n);
    o.set(ownersAt);
    ownersAt = o;
    const g = new Uint8Array(n);
    g.set(grew);
    grew = g;
  };
  const addNode = (key: string, seq: number, weight: number, owners: Owners | undefined) => {
    const node = sets.add(weight);
    if (node === seqOf.length) grow();
    keyOf.push(key);
    seqOf[node] = seq;
    best[node] = node;
    if (owners === undefined) ownersAt[node] = -1;
    else {
      ownersAt[node] = ownersList.length;
      ownersList.push(owners);
    }
    return node;
  };
  const ownersOf = (root: number) =>
    ownersAt[root]! < 0 ? undefined : ownersList[ownersAt[root]!];
  const sideOf = (root: number, address: string): RefusalSide => ({
    address,
    clusterId: keyOf[best[root]!]!,
    labels: [...(ownersOf(root)?.labels ?? [])],
  });

  // Reused per transaction: its distinct input addresses and their elements (-1: not yet clustered).
  const addresses: string[] = [];
  const nodes: number[] = [];

  const addTransaction = (b: UtxoColumns, start: number, firstOutput: number, end: number) => {
    addresses.length = 0;
    if (firstOutput - start <= FEW_INPUTS) {
      for (let i = start; i < firstOutput; i++) {
        const a = b.address[i];
        if (a != null && !addresses.includes(a)) addresses.push(a);
      }
    } else {
      // A consolidation of thousands of inputs: a Set, not pairs.
      const seen = new Set<string>();
      for (let i = start; i < firstOutput; i++) {
        const a = b.address[i];
        if (a != null && !seen.has(a)) {
          seen.add(a);
          addresses.push(a);
        }
      }
    }
    if (addresses.length < 2) return;
    if (end - firstOutput >= 2 && repeatsValue(b.amount, firstOutput, end)) {
      const io = (i: number): TxIo => ({ address: b.address[i] ?? null, value: b.amount[i]! });
      const inputs: TxIo[] = [];
      const outputs: TxIo[] = [];
      for (let i = start; i < firstOutput; i++) inputs.push(io(i));
      for (let i = firstOutput; i < end; i++) outputs.push(io(i));
      if (detectCoinJoin({ inputs, outputs }) !== null) {
        coinjoins++;
        return;
      }
    }
    transactions++;
    // Each address's element: already in the step, a stored cluster's, or none yet (-1).
    nodes.length = 0;
    for (const a of addresses) {
      let node = nodeOfAddress.get(a);
      if (node === undefined) {
        const ref = stored.get(a);
        if (ref !== undefined) {
          node = nodeOfCluster.get(ref.id);
          if (node === undefined) {
            node = addNode(ref.id, ref.seq, ref.size, ownersOfCluster.get(ref.id));
            storedNode[node] = 1;
            nodeOfCluster.set(ref.id, node);
          }
          nodeOfAddress.set(a, node);
        }
      }
      nodes.push(node === undefined ? -1 : sets.find(node));
    }
    // The guard: no two participants whose public labels name different owners.
    for (let i = 0; i < addresses.length; i++) {
      const oi = nodes[i]! >= 0 ? ownersOf(nodes[i]!) : ownersOfAddress.get(addresses[i]!);
      if (oi === undefined) continue;
      for (let j = i + 1; j < addresses.length; j++) {
        if (nodes[j]! >= 0 && nodes[j] === nodes[i]) continue;
        const oj = nodes[j]! >= 0 ? ownersOf(nodes[j]!) : ownersOfAddress.get(addresses[j]!);
        if (oj === undefined || !ownersConflict(oi, oj)) continue;
        const side = (k: number, o: Owners): RefusalSide =>
          nodes[k]! >= 0
            ? sideOf(nodes[k]!, addresses[k]!)
            : { address: addresses[k]!, clusterId: addresses[k]!, labels: [...o.labels] };
        refusals.push({
          txHash: b.txHash[start]!,
          blockNumber: BigInt(b.blockNumber[start]!),
          sides: [side(i, oi), side(j, oj)],
        });
        return;
      }
    }
    // Addresses clustered for the first time take the next seqs, in input order.
    for (let i = 0; i < addresses.length; i++)
      if (nodes[i] === -1) {
        const a = addresses[i]!;
        const node = addNode(a, nextSeq++, 1, ownersOfAddress.get(a));
        nodeOfAddress.set(a, node);
        nodes[i] = node;
      }
    let root = nodes[0]!;
    let joined = 1;
    for (let i = 1; i < nodes.length; i++) {
      const other = sets.find(nodes[i]!);
      root = sets.find(root);
      if (other === root) continue;
      joined++;
      const oa = ownersAt[root]!;
      const ob = ownersAt[other]!;
      const keep = seqOf[best[root]!]! <= seqOf[best[other]!]! ? best[root]! : best[other]!;
      const merged = sets.unionRoots(root, other);
      best[merged] = keep;
      grew[merged] = 1;
      if (oa >= 0 && ob >= 0) {
        ownersAt[merged] = ownersList.length;
        ownersList.push(mergeOwners(ownersList[oa]!, ownersList[ob]!));
      } else ownersAt[merged] = oa >= 0 ? oa : ob;
      root = merged;
    }
    if (joined < 2) return;
    links.txHash.push(b.txHash[start]!);
    links.blockNumber.push(b.blockNumber[start]!);
    links.address.push(addresses[0]!);
    links.node.push(nodes[0]!);
    links.joined.push(joined);
    links.inputs.push(addresses.length);
  };

  return {
    add(batch) {
      forEachTransaction(batch, (start, firstOutput, end) =>
        addTransaction(batch, start, firstOutput, end),
      );
    },
    finish() {
      const idOf = (node: number) => keyOf[best[sets.find(node)]!]!;
      const members: ClusterChanges['members'] = { address: [], clusterId: [], seq: [] };
      const renames: ClusterChanges['renames'] = [];
      const touched = new Set<number>();
      let storedTouched = 0;
      for (let node = 0; node < sets.count; node++) {
        const root = sets.find(node);
        const id = keyOf[best[root]!]!;
        if (storedNode[node] === 1) {
          // A stored cluster no transaction of the step joined to anything is left as it is.
          if (root === node && grew[root] === 0) continue;
          storedTouched++;
          if (keyOf[node] !== id) renames.push({ from: keyOf[node]!, to: id });
        } else {
          members.address.push(keyOf[node]!);
          members.clusterId.push(id);
          members.seq.push(seqOf[node]!);
        }
        touched.add(root);
      }
      const clusters: ClusterChanges['clusters'] = [];
      const owners = new Map<string, Owners>();
      for (const root of touched) {
        const id = keyOf[best[root]!]!;
        clusters.push({ id, size: sets.weight(root), seq: seqOf[best[root]!]! });
        const o = ownersOf(root);
        if (o !== undefined) owners.set(id, o);
      }
      return {
        members,
        renames,
        clusters,
        links: {
          txHash: links.txHash,
          blockNumber: links.blockNumber,
          address: links.address,
          clusterId: links.node.map(idOf),
          joined: links.joined,
          inputs: links.inputs,
        },
        refusals,
        nextSeq,
        coinjoins,
        transactions,
        clustersDelta: touched.size - storedTouched,
        owners,
        removedOwners: renames.map((r) => r.from),
      };
    },
  };
}
