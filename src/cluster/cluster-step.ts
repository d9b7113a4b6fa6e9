import type {
  ClusterChanges,
  ClusterRef,
  ClusterRefusal,
  RefusalSide,
  UtxoColumns,
} from '../store/store.ts';
import { detectCoinJoin, type TxIo } from './coinjoin/detect-coinjoin.ts';
import { mergeOwners, type Owners, ownersConflict } from './owner-labels.ts';
import { createUnionFind, zeros } from './union-find.ts';

/** Input of {@link createClusterStep}. */
export type ClusterStepParameters = {
  /**
   * The stored clusters of the step's input addresses ({@link ClusterStore.getClusters} of
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
/**
 * The union-find's fields per element: per root, the set's lowest seq and the element that has it.
 * An element's own seq is not kept: new addresses take seqs in the order their elements are added
 * (see `finish`), and 8 bytes less per element is 36 MB less at 4.5 M elements.
 */
const FIELDS = 2;
const MIN_SEQ = 0;
const BEST = 1;
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
  // Most steps have no stored cluster (a first build) or no label at all: their lookups are skipped.
  const anyStored = stored.size > 0;
  const anyOwners = ownersOfAddress.size > 0 || ownersOfCluster.size > 0;
  let nextSeq = parameters.nextSeq;
  // Per element, beside its parent and weight, per root: the lowest seq of its set and the element
  // that has it (whose key is the set's id). A union compares two roots' numbers in one
  // interleaved array: at 10 M inputs the step is bound by such random reads, not arithmetic.
  const sets = createUnionFind(INITIAL_NODES, FIELDS);
  // Per element, only when the step has stored clusters: whether it is one, and per root whether a
  // union made it (a stored cluster's element that is still alone was not joined); only when it
  // has labels, per root its owners. A first build has neither and allocates none of them. All of
  // the step's per-element numbers are plain arrays of small integers, not typed arrays (see
  // createUnionFind): typed arrays are memory external to V8's heap, and each 64 MB of it allocated
  // since the last collection makes V8 mark the whole heap, which at 10 M inputs in one step cost
  // about as much CPU as the step's own work (the batch's columns are most of that heap).
  let storedNode = zeros(anyStored ? INITIAL_NODES : 0);
  let grew = zeros(anyStored ? INITIAL_NODES : 0);
  let ownersAt = zeros(anyOwners ? INITIAL_NODES : 0);
  // What an element stands for: a new address is read back from its batch and row (numbers, not
  // strings: a JS array of millions of strings made every full collection slower), a stored
  // cluster by its id. Elements are added batch after batch, so an element's batch is the last
  // whose first element is at or before it: one number per batch, not per element.
  let keyRow = zeros(INITIAL_NODES);
  const batchFirstNode: number[] = [];
  const batchOf = (node: number): number => {
    let lo = 0;
    let hi = batchFirstNode.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (batchFirstNode[mid]! <= node) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const storedKey = new Map<number, string>();
  const keyOf = (node: number): string =>
    anyStored && storedNode[node] === 1
      ? storedKey.get(node)!
      : batches[batchOf(node)]!.address[keyRow[node]!]!;
  const ownersList: Owners[] = [];
  const nodeOfAddress = new Map<string, number>();
  const nodeOfCluster = new Map<string, number>();
  // Links as number columns (row of the transaction's first input, its first element, clusters
  // joined, distinct inputs): strings are read from the batches only when the step finishes. A
  // link's batch is, as an element's, the last whose first link is at or before it.
  const batches: UtxoColumns[] = [];
  const batchFirstLink: number[] = [];
  let linkCount = 0;
  const LINK = 4;
  let links = zeros(LINK * INITIAL_NODES);
  const refusals: ClusterRefusal[] = [];
  let coinjoins = 0;
  let transactions = 0;

  const grow = (atLeast = 0) => {
    const n = Math.max(keyRow.length * 2, atLeast);
    const more = zeros(n - keyRow.length);
    keyRow = keyRow.concat(more);
    if (anyStored) {
      storedNode = storedNode.concat(more);
      grew = grew.concat(more);
    }
    if (anyOwners) ownersAt = ownersAt.concat(more);
  };
  const addNode = (seq: number, weight: number, owners: Owners | undefined) => {
    const node = sets.add(weight);
    if (node === keyRow.length) grow();
    sets.setField(node, MIN_SEQ, seq);
    sets.setField(node, BEST, node);
    if (!anyOwners) return node;
    if (owners === undefined) ownersAt[node] = -1;
    else {
      ownersAt[node] = ownersList.length;
      ownersList.push(owners);
    }
    return node;
  };
  const ownersOf = (root: number) =>
    !anyOwners || ownersAt[root]! < 0 ? undefined : ownersList[ownersAt[root]!];
  const sideOf = (root: number, address: string): RefusalSide => ({
    address,
    clusterId: keyOf(sets.field(root, BEST)),
    labels: [...(ownersOf(root)?.labels ?? [])],
  });

  // Reused per transaction, never shrunk (setting a JS array's length to 0 frees its storage, and
  // the next pushes allocate again: that churn made the step twice as slow as a bare union-find):
  // its distinct input addresses (`count` of them) and their elements (-1: not yet clustered).
  let addresses: string[] = new Array<string>(FEW_INPUTS);
  let nodes = new Int32Array(FEW_INPUTS);
  let rowsOf = new Int32Array(FEW_INPUTS);
  let count = 0;
  const seen = new Set<string>();
  const ensure = (n: number) => {
    if (n <= nodes.length) return;
    addresses = [...addresses, ...new Array<string>(n - addresses.length)];
    nodes = new Int32Array(n);
    rowsOf = new Int32Array(n);
  };

  // The row of the transaction's first input with an address (its link's address).
  let firstInput = 0;
  const addTransaction = (b: UtxoColumns, start: number, firstOutput: number, end: number) => {
    count = 0;
    firstInput = -1;
    const few = firstOutput - start <= FEW_INPUTS;
    if (!few) {
      // A consolidation of thousands of inputs: a Set, not pairs.
      seen.clear();
      ensure(firstOutput - start);
    }
    for (let i = start; i < firstOutput; i++) {
      const a = b.address[i];
      // Strict comparisons: `a == null` reads the string's map (a cache miss per input at 10 M).
      if (a === null || a === undefined) continue;
      if (firstInput < 0) firstInput = i;
      if (few) {
        let k = 0;
        while (k < count && addresses[k] !== a) k++;
        if (k < count) continue;
      } else {
        if (seen.has(a)) continue;
        seen.add(a);
      }
      rowsOf[count] = i;
      addresses[count++] = a;
    }
    if (count < 2) return;
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
    for (let i = 0; i < count; i++) {
      const a = addresses[i]!;
      let node = nodeOfAddress.get(a);
      if (node === undefined && anyStored) {
        const ref = stored.get(a);
        if (ref !== undefined) {
          node = nodeOfCluster.get(ref.id);
          if (node === undefined) {
            node = addNode(ref.seq, ref.size, ownersOfCluster.get(ref.id));
            storedNode[node] = 1;
            storedKey.set(node, ref.id);
            nodeOfCluster.set(ref.id, node);
          }
          nodeOfAddress.set(a, node);
        }
      }
      // The guard compares roots; without labels the union below finds them anyway.
      nodes[i] = node === undefined ? -1 : anyOwners ? sets.find(node) : node;
    }
    // The guard: no two participants whose public labels name different owners.
    for (let i = 0; anyOwners && i < count; i++) {
      const oi = nodes[i]! >= 0 ? ownersOf(nodes[i]!) : ownersOfAddress.get(addresses[i]!);
      if (oi === undefined) continue;
      for (let j = i + 1; j < count; j++) {
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
    // Addresses clustered for the first time take the next seqs, in input order; then one union
    // after another, each keeping the lower-seq id.
    let root = -1;
    let joined = 0;
    for (let i = 0; i < count; i++) {
      let node = nodes[i]!;
      if (node === -1) {
        const a = addresses[i]!;
        node = addNode(nextSeq++, 1, anyOwners ? ownersOfAddress.get(a) : undefined);
        keyRow[node] = rowsOf[i]!;
        nodeOfAddress.set(a, node);
        nodes[i] = node;
      } else node = sets.find(node);
      if (root === -1) {
        root = node;
        joined = 1;
        continue;
      }
      // `root` is a root: the last union made it, and a node's root was found just above.
      if (node === root) continue;
      joined++;
      const seqRoot = sets.field(root, MIN_SEQ);
      const seqNode = sets.field(node, MIN_SEQ);
      const keep = seqRoot <= seqNode ? sets.field(root, BEST) : sets.field(node, BEST);
      const low = seqRoot <= seqNode ? seqRoot : seqNode;
      const oa = anyOwners ? ownersAt[root]! : -1;
      const ob = anyOwners ? ownersAt[node]! : -1;
      const merged = sets.unionRoots(root, node);
      sets.setField(merged, BEST, keep);
      sets.setField(merged, MIN_SEQ, low);
      if (anyStored) grew[merged] = 1;
      if (oa >= 0 && ob >= 0) {
        ownersAt[merged] = ownersList.length;
        ownersList.push(mergeOwners(ownersList[oa]!, ownersList[ob]!));
      } else if (anyOwners) ownersAt[merged] = oa >= 0 ? oa : ob;
      root = merged;
    }
    if (joined < 2) return;
    if ((linkCount + 1) * LINK > links.length) {
      links = links.concat(zeros(links.length));
    }
    const at = linkCount++ * LINK;
    links[at] = firstInput;
    links[at + 1] = nodes[0]!;
    links[at + 2] = joined;
    links[at + 3] = count;
  };

  return {
    add(b) {
      batches.push(b);
      batchFirstNode.push(sets.count);
      batchFirstLink.push(linkCount);
      // Room for the batch's new addresses at once (a row in 4, about: inputs are some half of the
      // rows, and addresses repeat), not doubling as they come.
      const room = sets.count + Math.ceil(b.length / 4);
      if (room > keyRow.length) {
        grow(room);
        sets.reserve(room);
      }
      // forEachTransaction inlined: one call less per transaction.
      let start = 0;
      while (start < b.length) {
        const hash = b.txHash[start]!;
        const block = b.blockNumber[start]!;
        let firstOutput = start;
        while (
          firstOutput < b.length &&
          b.isInput[firstOutput] === 1 &&
          b.txHash[firstOutput] === hash
        )
          firstOutput++;
        let end = firstOutput;
        while (end < b.length && b.txHash[end] === hash && b.blockNumber[end] === block) end++;
        addTransaction(b, start, firstOutput, end);
        start = end;
      }
    },
    finish() {
      // Each root's id once: keyOf reads the address out of its batch's column, a cache miss
      // per call at millions of nodes, and every member and link of a cluster asks for it.
      const rootIds = new Array<string | undefined>(sets.count);
      const idOfRoot = (root: number) => (rootIds[root] ??= keyOf(sets.field(root, BEST)));
      const idOf = (node: number) => idOfRoot(sets.find(node));
      const linkColumns = (): ClusterChanges['links'] => {
        const out: ClusterChanges['links'] = {
          txHash: new Array<string>(linkCount),
          blockNumber: new Array<number>(linkCount),
          address: new Array<string>(linkCount),
          clusterId: new Array<string>(linkCount),
          joined: new Array<number>(linkCount),
          inputs: new Array<number>(linkCount),
        };
        let batch = 0;
        for (let k = 0; k < linkCount; k++) {
          while (batch + 1 < batches.length && batchFirstLink[batch + 1]! <= k) batch++;
          const b = batches[batch]!;
          const row = links[k * LINK]!;
          out.txHash[k] = b.txHash[row]!;
          out.blockNumber[k] = b.blockNumber[row]!;
          out.address[k] = b.address[row]!;
          out.clusterId[k] = idOf(links[k * LINK + 1]!);
          out.joined[k] = links[k * LINK + 2]!;
          out.inputs[k] = links[k * LINK + 3]!;
        }
        return out;
      };
      // Exact sizes up front, typed marks instead of a Set: a step of millions of addresses
      // allocates its output once.
      const fresh = sets.count - nodeOfCluster.size;
      const members: ClusterChanges['members'] = {
        address: new Array<string>(fresh),
        clusterId: new Array<string>(fresh),
        seq: new Array<number>(fresh),
      };
      const renames: ClusterChanges['renames'] = [];
      const marked = new Uint8Array(sets.count);
      const roots: number[] = [];
      let storedTouched = 0;
      let m = 0;
      // Elements in order: each new address took the next seq when its element was added, so its
      // seq is the step's first plus the new addresses before it; its batch is the last begun.
      let batch = 0;
      for (let node = 0; node < sets.count; node++) {
        while (batch + 1 < batches.length && batchFirstNode[batch + 1]! <= node) batch++;
        const root = sets.find(node);
        const id = idOfRoot(root);
        if (anyStored && storedNode[node] === 1) {
          // A stored cluster no transaction of the step joined to anything is left as it is.
          if (root === node && grew[root] === 0) continue;
          storedTouched++;
          if (keyOf(node) !== id) renames.push({ from: keyOf(node), to: id });
        } else {
          members.address[m] = batches[batch]!.address[keyRow[node]!]!;
          members.clusterId[m] = id;
          members.seq[m] = parameters.nextSeq + m;
          m++;
        }
        if (marked[root] === 0) {
          marked[root] = 1;
          roots.push(root);
        }
      }
      const clusters: ClusterChanges['clusters'] = {
        id: new Array<string>(roots.length),
        size: new Array<number>(roots.length),
        seq: new Array<number>(roots.length),
      };
      const owners = new Map<string, Owners>();
      for (let k = 0; k < roots.length; k++) {
        const root = roots[k]!;
        const id = idOfRoot(root);
        clusters.id[k] = id;
        clusters.size[k] = sets.weight(root);
        clusters.seq[k] = sets.field(root, MIN_SEQ);
        const o = ownersOf(root);
        if (o !== undefined) owners.set(id, o);
      }
      return {
        members,
        renames,
        clusters,
        links: linkColumns(),
        refusals,
        nextSeq,
        coinjoins,
        transactions,
        clustersDelta: roots.length - storedTouched,
        owners,
        removedOwners: renames.map((r) => r.from),
      };
    },
  };
}
