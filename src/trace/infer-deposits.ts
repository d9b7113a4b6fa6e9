import { UserError } from '../errors/base.ts';
import { CONFIDENCE } from '../labels/taxonomy.ts';
import { getChain } from '../model/chains.ts';
import {
  type EndpointLabels,
  type GraphIndex,
  type InferredLabelEvidence,
  NODE_ACCOUNT,
  NODE_FEE_SINK,
  type SweepEvidence,
} from './types.ts';

/**
 * Inferred exchange deposit addresses: the deposit address heuristic of Victor, "Address clustering
 * heuristics for Ethereum" (Financial Cryptography 2020), generalised from pairs of transfers to
 * balances. An exchange gives each customer a deposit address and sweeps what arrives there into its
 * hot wallet; public label sets name the hot wallets, a freeze request names the deposit address.
 *
 * The paper pairs a transfer into a candidate with the candidate's forwarding transfer to a known
 * exchange address when the forward follows within t_max = 3,200 blocks and is smaller by at most
 * a_max = 0.01 ETH (its gas): α = 0.01 and τ = 3,200 as cited by Tutela's whitepaper
 * (pareto-xyz/tutela-app `whitepaper/5_eth.tex`); the paper's own code, etherclust/etherclust
 * `config.py`, ships maxETHDiff = 0.01 and maxBlockDiff = 10,000. Here an address is a deposit
 * address of exchange X when, in one sweep over the index's time-ordered edges:
 *
 * 1. it has no label of its own and is an account (not a UTXO transaction or the fee sink);
 * 2. of every asset it sent (gas aside), at least `minSweptShare` went to addresses of X (labelled
 *    exchange or hot wallet; one entity, so sweeps to two hot wallets of X count together);
 * 3. every sweep to X empties it: what stays after the sweep's transaction is at most
 *    1 − `minSweptShare` of what it held before (or `nativeResidual` of the native coin: a_max, the gas
 *    an exchange keeps back); with value-denominated assets (`unit:USD`, amounts in USD at transfer
 *    time) the sweep may differ from the balance by `valueDrift` either way (prices move between
 *    deposit and sweep). Sweeping more than the known balance empties it too (value from before the
 *    data is unknown, as the trace treats it);
 * 4. at least one emptying sweep carries value that arrived at most `maxSweepDelaySeconds` before it
 *    (τ: 3,200 blocks at 12 s);
 * 5. what it received from others was swept: per swept asset, the share of what arrived up to its
 *    last emptying sweep that went to X is at least `minSweptShare` (less `valueDrift` for values);
 * 6. it is paid by others, not by the exchange: value from exchange addresses (gas top-ups aside)
 *    is at most `maxExchangeInflowShare` of what others sent it (a customer withdrawing and paying
 *    it back is not a deposit address).
 *
 * One sender is enough. The issue says "receives from several senders", but in the simulator every
 * used deposit address has exactly one sender (a customer reuses its own address; a launderer takes a
 * fresh one per deposit: seed 1, scale 1, 283 of 283 in the four scenarios), which is the case a
 * freeze request needs; more senders raise the confidence instead.
 *
 * Confidence, on GraphSense's scale (CONFIDENCE in src/labels/taxonomy.ts): `heuristic` (10) for the
 * bare pattern (one sender, one sweep: a launderer's hop that pays a hot wallet everything it got
 * looks the same), +20 when a sweep's transaction also swept other addresses into the same exchange
 * address (only the exchange batches sweeps), +10 for two or more senders, +10 for two or more
 * emptying sweeps within τ (the deposit-and-sweep cycle repeated), at most `forensic` (50): an
 * inference never outranks an analyst's label.
 *
 * Memory: per node five bytes (its label class; an exchange's entity or a candidate's index), per
 * slot twelve bytes (pass 1's sums, then the candidate slot's index), 128 bytes per slot of the
 * candidates only (unlabelled addresses that sent nearly everything to exchange addresses), and 16
 * bytes per distinct (candidate, sender) pair. Two linear passes over the edges, typed arrays only;
 * labels are looked up once per node.
 */

/** Victor's τ: 3,200 blocks, at Ethereum's 12 s slots (about 10.7 hours). */
export const DEFAULT_MAX_SWEEP_DELAY_SECONDS = 3_200 * 12;
/** "Nearly all": share of an asset sent that must reach the exchange, and of a balance a sweep must take. */
export const DEFAULT_MIN_SWEPT_SHARE = 0.95;
/** Victor's a_max, in whole units of an EVM chain's native coin: gas an exchange may keep back. */
export const DEFAULT_NATIVE_RESIDUAL = 0.01;
/**
 * How far a sweep's value may differ from the balance it empties when amounts are values at transfer
 * time (`unit:` assets): prices move between deposit and sweep. See the README for the measurement.
 */
export const DEFAULT_VALUE_DRIFT = 0.1;
/** Value an address may receive from exchange addresses (beyond its gas), as a share of what others sent it. */
export const DEFAULT_MAX_EXCHANGE_INFLOW_SHARE = 0.05;
/** Label categories a deposit address sweeps to. */
export const DEFAULT_EXCHANGE_CATEGORIES: readonly string[] = ['exchange', 'hot_wallet'];
/** Sweeps kept as evidence per address. */
export const DEFAULT_MAX_EVIDENCE = 3;
/** Distinct senders counted per address; more are reported as this many. */
const MAX_SENDERS_COUNTED = 10_000;
/** Assets whose amounts are values at transfer time (e.g. `unit:USD` of a value-denominated list). */
const VALUE_UNIT_PREFIX = 'unit:';

/** Confidence steps (see the module comment). */
const CONFIDENCE_BASE = CONFIDENCE.heuristic;
const CONFIDENCE_BATCHED = 20;
const CONFIDENCE_SENDERS = 10;
const CONFIDENCE_REPEATED = 10;
const CONFIDENCE_MAX = CONFIDENCE.forensic;

/** Label class of a node (pass 1). */
const UNKNOWN = 0;
const UNLABELLED = 1;
const EXCHANGE = 2;
const OTHER = 3;
const NO_TX = 0xffffffff;

/** Fields of a candidate slot's state (see pass 2), as offsets into its STATE_FIELDS doubles. */
const BALANCE = 0;
/** Value from others (not exchange addresses), in all and up to the last emptying sweep. */
const RECEIVED = 1;
const COVERED = 2;
const FROM_EXCHANGE = 3;
const FEES = 4;
/** Sent to the exchange, in all and by emptying sweeps; sent to anyone else. */
const TO_EXCHANGE = 5;
const EMPTYING_TO_EXCHANGE = 6;
const OTHER_OUT = 7;
/** The current transaction: its id, the balance before it, what it swept, its largest sweep edge, its time. */
const CURRENT_TX = 8;
const TX_START_BALANCE = 9;
const SWEPT_IN_TX = 10;
const SWEEP_EDGE = 11;
const LAST_TIME = 12;
/** Whether value waits to be swept, and since when. */
const HAS_PENDING = 13;
const PENDING_SINCE = 14;
const STATE_FIELDS = 16;

/** An address inferred to be an exchange's deposit address, with its evidence. */
export type InferredDeposit = {
  /** Index node id of the deposit address. */
  node: number;
  chain: string;
  address: string;
  /** The exchange, from the swept-to address's label. */
  entity: string | null;
  /** The labelled address it sweeps to (the hot wallet of its largest sweep). */
  exchangeAddress: string;
  /** Evidence: emptying sweeps within τ, largest first, at most `maxEvidence`. */
  sweeps: SweepEvidence[];
  /** Distinct senders (other than exchange addresses), up to 10,000. */
  senders: number;
  /** Of what it received (per asset, value-weighted; the smallest over the assets it swept), the share that went to the exchange. */
  sweptShare: number;
  /** 0-100 on GraphSense's scale (see the module comment). */
  confidence: number;
};

export type InferDepositAddressesParameters = {
  index: GraphIndex;
  /** The labels that count: exchange addresses to sweep to, and addresses that are not candidates. */
  labels: EndpointLabels;
  /** τ: longest a swept deposit may have waited (seconds, default 38,400 = 3,200 blocks of 12 s). */
  maxSweepDelaySeconds?: number | undefined;
  /** Default 0.95. */
  minSweptShare?: number | undefined;
  /** Whole native units a sweep may leave behind on EVM chains (default 0.01). */
  nativeResidual?: number | undefined;
  /** Default 0.1 (10%). */
  valueDrift?: number | undefined;
  /** Default 0.05. */
  maxExchangeInflowShare?: number | undefined;
  /** Default `exchange`, `hot_wallet`. */
  exchangeCategories?: readonly string[] | undefined;
  /** Default 3. */
  maxEvidence?: number | undefined;
};

export type InferDepositAddressesReturnType = InferredDeposit[];

/** The (candidate, sender) table starts at 2^12 entries and is kept at most half full. */
const PAIR_TABLE_MIN_BITS = 12;

/**
 * A set of (a, b) pairs of 32-bit ids in typed arrays (open addressing), for counting distinct
 * senders: a Set per address would allocate per address and per sender.
 */
function createPairSet() {
  let bits = PAIR_TABLE_MIN_BITS;
  let keyA = new Uint32Array(1 << bits);
  let keyB = new Uint32Array(1 << bits);
  let used = new Uint8Array(1 << bits);
  let count = 0;
  const slot = (a: number, b: number) => {
    const mask = (1 << bits) - 1;
    let h = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 1, 0x85ebca6b)) >>> (32 - bits);
    while (used[h] === 1 && (keyA[h] !== a || keyB[h] !== b)) h = (h + 1) & mask;
    return h;
  };
  const grow = () => {
    const [oldA, oldB, oldUsed] = [keyA, keyB, used];
    bits++;
    keyA = new Uint32Array(1 << bits);
    keyB = new Uint32Array(1 << bits);
    used = new Uint8Array(1 << bits);
    for (let i = 0; i < oldUsed.length; i++) {
      if (oldUsed[i] !== 1) continue;
      const h = slot(oldA[i]!, oldB[i]!);
      keyA[h] = oldA[i]!;
      keyB[h] = oldB[i]!;
      used[h] = 1;
    }
  };
  return {
    /** Adds the pair; true when it was new. */
    add(a: number, b: number): boolean {
      const h = slot(a, b);
      if (used[h] === 1) return false;
      keyA[h] = a;
      keyB[h] = b;
      used[h] = 1;
      if (++count * 2 > used.length) grow();
      return true;
    },
  };
}

function checkShare(name: string, value: number): number {
  if (!(value >= 0 && value <= 1))
    throw new UserError(`${name} must be between 0 and 1, got ${value}`, { code: 'BAD_USAGE' });
  return value;
}

function checkNonNegative(name: string, value: number): number {
  if (!(value >= 0) || !Number.isFinite(value))
    throw new UserError(`${name} must be a non-negative number, got ${value}`, {
      code: 'BAD_USAGE',
    });
  return value;
}

/**
 * Finds the unlabelled addresses of the index that behave as exchange deposit addresses (see the
 * module comment for the rule, its parameters and the confidence), sorted by confidence, then
 * chain and address.
 *
 * @example
 * const deposits = inferDepositAddresses({ index, labels: await endpointLabels(store) });
 * deposits[0]; // { address: '0x…', entity: 'Binance', exchangeAddress: '0x28c6…', confidence: 30, … }
 */
export function inferDepositAddresses(
  parameters: InferDepositAddressesParameters,
): InferDepositAddressesReturnType {
  const { index, labels } = parameters;
  const tau = checkNonNegative(
    'maxSweepDelaySeconds',
    parameters.maxSweepDelaySeconds ?? DEFAULT_MAX_SWEEP_DELAY_SECONDS,
  );
  const minShare = checkShare('minSweptShare', parameters.minSweptShare ?? DEFAULT_MIN_SWEPT_SHARE);
  const nativeResidual = checkNonNegative(
    'nativeResidual',
    parameters.nativeResidual ?? DEFAULT_NATIVE_RESIDUAL,
  );
  const drift = checkShare('valueDrift', parameters.valueDrift ?? DEFAULT_VALUE_DRIFT);
  const maxExchangeIn = checkNonNegative(
    'maxExchangeInflowShare',
    parameters.maxExchangeInflowShare ?? DEFAULT_MAX_EXCHANGE_INFLOW_SHARE,
  );
  const exchangeCategories = new Set(parameters.exchangeCategories ?? DEFAULT_EXCHANGE_CATEGORIES);
  const maxEvidence = Math.max(1, Math.floor(parameters.maxEvidence ?? DEFAULT_MAX_EVIDENCE));

  const { nodeCount, edgeCount, slotCount, srcSlot, dstSlot, slotNode, slotAsset } = index;

  // Pass 1: label classes, the candidates (unlabelled accounts that paid an exchange address) and
  // the batch sweeps (transactions in which several candidates paid the same exchange entity).
  const cls = new Uint8Array(nodeCount);
  // Per node: an exchange address's entity id, or a candidate's index (the classes never overlap).
  const aux = new Int32Array(nodeCount).fill(-1);
  const entityIds = new Map<string, number>();
  const entityNames: (string | null)[] = [];
  const classify = (node: number): number => {
    let c = cls[node]!;
    if (c !== UNKNOWN) return c;
    if (index.nodeKind[node] !== NODE_ACCOUNT) c = OTHER;
    else {
      const { chain, address } = index.node(node);
      const label = labels.lookup(chain, address);
      if (label === null) c = UNLABELLED;
      else if (exchangeCategories.has(label.category)) {
        c = EXCHANGE;
        // One entity per exchange: sweeps to two of its hot wallets are sweeps to it.
        const key =
          label.entity === null ? `\u0000${node}` : `${chain}\u0000${label.entity.toLowerCase()}`;
        let id = entityIds.get(key);
        if (id === undefined) {
          id = entityNames.length;
          entityIds.set(key, id);
          entityNames.push(label.entity);
        }
        aux[node] = id;
      } else c = OTHER;
    }
    cls[node] = c;
    return c;
  };
  // What each unlabelled address's slot sent to exchange addresses and to anyone else (gas aside),
  // in float32 (a share is all that is asked of them): an address that sent more than
  // 1 - minSweptShare of an asset elsewhere is no candidate, so pass 2 keeps state for few addresses.
  const toExchangeSum = new Float32Array(slotCount);
  const elsewhereSum = new Float32Array(slotCount);
  const batchTxs = new Set<number>();
  let runTx = NO_TX;
  let runEntity = -1;
  let runSource = -1;
  for (let e = 0; e < edgeCount; e++) {
    const s = slotNode[srcSlot[e]!]!;
    if (classify(s) !== UNLABELLED) continue;
    const d = slotNode[dstSlot[e]!]!;
    if (classify(d) !== EXCHANGE) {
      if (d !== s && index.nodeKind[d] !== NODE_FEE_SINK)
        elsewhereSum[srcSlot[e]!] = elsewhereSum[srcSlot[e]!]! + index.amount[e]!;
      continue;
    }
    toExchangeSum[srcSlot[e]!] = toExchangeSum[srcSlot[e]!]! + index.amount[e]!;
    // A transaction's transfers are adjacent in the index (time, then block, transaction, position):
    // two candidates paying one exchange within a run of the same transaction is a batch sweep.
    const x = index.tx[e]!;
    const entity = aux[d]!;
    if (x === runTx && entity === runEntity && s !== runSource) batchTxs.add(x);
    runTx = x;
    runEntity = entity;
    runSource = s;
  }
  /** Per node: 1 candidate, 2 ruled out by its outflows. */
  const candidate = new Uint8Array(nodeCount);
  for (let slot = 0; slot < slotCount; slot++) {
    const out = toExchangeSum[slot]! + elsewhereSum[slot]!;
    if (out === 0) continue;
    const node = slotNode[slot]!;
    if (toExchangeSum[slot]! < minShare * out) candidate[node] = 2;
    else if (candidate[node] === 0) candidate[node] = 1;
  }

  // Pass 2: balances and flows of the candidates' slots, in time order.
  const slotIndex = new Int32Array(slotCount).fill(-1);
  const candNode: number[] = [];

  const candSlotNode: number[] = [];
  const candSlotAsset: number[] = [];
  for (let s = 0; s < slotCount; s++) {
    const node = slotNode[s]!;
    if (candidate[node] !== 1) continue;
    let n = aux[node]!;
    if (n < 0) {
      n = candNode.length;
      aux[node] = n;
      candNode.push(node);
    }
    slotIndex[s] = candSlotNode.length;
    candSlotNode.push(n);
    candSlotAsset.push(slotAsset[s]!);
  }
  const k = candSlotNode.length;
  // Each candidate slot's state, interleaved (STATE_FIELDS doubles per slot): the sweep touches a
  // slot's fields together, and one array keeps them in two cache lines instead of fifteen arrays'
  // fifteen.
  const st = new Float64Array(k * STATE_FIELDS);
  for (let c = 0; c < k; c++) {
    const o = c * STATE_FIELDS;
    st[o + SWEEP_EDGE] = -1;
    st[o + CURRENT_TX] = NO_TX;
  }

  const nodes = candNode.length;
  const exchangeOf = new Int32Array(nodes).fill(-1);
  const timelySweeps = new Uint32Array(nodes);
  const batchedSweeps = new Uint32Array(nodes);
  const senders = new Uint32Array(nodes);
  const senderPairs = createPairSet();
  const evidence = new Map<number, number[]>();

  // Per asset: value-denominated, and the native residual (raw units) on EVM chains.
  const assetKinds = new Map<number, { value: boolean; floor: number }>();
  const assetKind = (asset: number) => {
    let kind = assetKinds.get(asset);
    if (!kind) {
      const { chain, asset: name } = index.assetOf(asset);
      let floor = 0;
      if (name === 'native') {
        try {
          const c = getChain(chain);
          if (c.family === 'evm') floor = nativeResidual * 10 ** c.nativeDecimals;
        } catch {
          // A chain chaintrail does not know: no native allowance.
        }
      }
      kind = { value: name.startsWith(VALUE_UNIT_PREFIX), floor };
      assetKinds.set(asset, kind);
    }
    return kind;
  };
  const addEvidence = (n: number, edge: number) => {
    let list = evidence.get(n);
    if (!list) evidence.set(n, (list = []));
    list.push(edge);
    list.sort((a, b) => index.amount[b]! - index.amount[a]!);
    if (list.length > maxEvidence) list.length = maxEvidence;
  };
  /** Closes the slot's last transaction: was its sweep (if any) an emptying one, and timely? */
  const finish = (c: number) => {
    const o = c * STATE_FIELDS;
    const swept = st[o + SWEPT_IN_TX]!;
    if (swept > 0) {
      const before = Math.max(0, st[o + TX_START_BALANCE]!);
      const kind = assetKind(candSlotAsset[c]!);
      const allowed = Math.max((kind.value ? drift : 1 - minShare) * before, kind.floor);
      const n = candSlotNode[c]!;
      if (st[o + BALANCE]! <= allowed) {
        st[o + EMPTYING_TO_EXCHANGE] = st[o + EMPTYING_TO_EXCHANGE]! + swept;
        st[o + COVERED] = st[o + RECEIVED]!;
        if (st[o + HAS_PENDING] === 1 && st[o + LAST_TIME]! - st[o + PENDING_SINCE]! <= tau) {
          timelySweeps[n]!++;
          addEvidence(n, st[o + SWEEP_EDGE]!);
        }
        st[o + HAS_PENDING] = 0;
      }
      if (batchTxs.has(st[o + CURRENT_TX]!)) batchedSweeps[n]!++;
      st[o + SWEPT_IN_TX] = 0;
      st[o + SWEEP_EDGE] = -1;
    }
    if (st[o + BALANCE]! < 0) st[o + BALANCE] = 0;
  };
  /** Makes `x` the slot's current transaction (closing the one before) and returns its offset. */
  const touch = (c: number, x: number, time: number): number => {
    const o = c * STATE_FIELDS;
    if (st[o + CURRENT_TX] !== x) {
      if (st[o + CURRENT_TX] !== NO_TX) finish(c);
      st[o + CURRENT_TX] = x;
      st[o + TX_START_BALANCE] = st[o + BALANCE]!;
    }
    st[o + LAST_TIME] = time;
    return o;
  };

  for (let e = 0; e < edgeCount; e++) {
    const cs = slotIndex[srcSlot[e]!]!;
    const cd = slotIndex[dstSlot[e]!]!;
    if (cs < 0 && cd < 0) continue;
    const s = slotNode[srcSlot[e]!]!;
    const d = slotNode[dstSlot[e]!]!;
    if (s === d) continue;
    const amount = index.amount[e]!;
    const time = index.time[e]!;
    const x = index.tx[e]!;
    if (cd >= 0) {
      const o = touch(cd, x, time);
      if (cls[s] === EXCHANGE) st[o + FROM_EXCHANGE] = st[o + FROM_EXCHANGE]! + amount;
      else {
        st[o + RECEIVED] = st[o + RECEIVED]! + amount;
        if (st[o + HAS_PENDING] === 0) {
          st[o + HAS_PENDING] = 1;
          st[o + PENDING_SINCE] = time;
        }
        const n = candSlotNode[cd]!;
        if (senders[n]! < MAX_SENDERS_COUNTED && senderPairs.add(n, s)) senders[n]!++;
      }
      st[o + BALANCE] = st[o + BALANCE]! + amount;
    }
    if (cs >= 0) {
      const o = touch(cs, x, time);
      st[o + BALANCE] = st[o + BALANCE]! - amount;
      const n = candSlotNode[cs]!;
      if (index.nodeKind[d] === NODE_FEE_SINK) st[o + FEES] = st[o + FEES]! + amount;
      else if (cls[d] === EXCHANGE && (exchangeOf[n] === -1 || exchangeOf[n] === aux[d])) {
        exchangeOf[n] = aux[d]!;
        st[o + TO_EXCHANGE] = st[o + TO_EXCHANGE]! + amount;
        st[o + SWEPT_IN_TX] = st[o + SWEPT_IN_TX]! + amount;
        const best = st[o + SWEEP_EDGE]!;
        if (best < 0 || index.amount[best]! < amount) st[o + SWEEP_EDGE] = e;
      } else st[o + OTHER_OUT] = st[o + OTHER_OUT]! + amount;
    }
  }
  for (let c = 0; c < k; c++) if (st[c * STATE_FIELDS + CURRENT_TX] !== NO_TX) finish(c);

  // Decision per candidate: every slot must pass; swept slots give the share.
  const ok = new Uint8Array(nodes).fill(1);
  const share = new Float64Array(nodes).fill(Infinity);
  for (let c = 0; c < k; c++) {
    const n = candSlotNode[c]!;
    if (ok[n] === 0) continue;
    const o = c * STATE_FIELDS;
    const toExchange = st[o + TO_EXCHANGE]!;
    const out = toExchange + st[o + OTHER_OUT]!;
    // 2. Nearly everything it sent went to the one exchange.
    if (out > 0 && toExchange < minShare * out) {
      ok[n] = 0;
      continue;
    }
    if (toExchange === 0) continue;
    const kind = assetKind(candSlotAsset[c]!);
    // 3. Its sweeps emptied it (partial payments to an exchange are a customer's, not sweeps).
    // 5. And what it received went to the exchange.
    const got = st[o + COVERED]!;
    const allowance = kind.value ? drift : 1 - minShare;
    const spent = toExchange + st[o + FEES]!;
    if (
      st[o + EMPTYING_TO_EXCHANGE]! < minShare * toExchange ||
      got <= 0 ||
      (spent < (1 - allowance) * got && got - spent > kind.floor)
    ) {
      ok[n] = 0;
      continue;
    }
    // 6. Others paid it, not the exchange (gas top-ups are spent on fees).
    const exchangeIn = st[o + FROM_EXCHANGE]! - (kind.floor > 0 ? st[o + FEES]! : 0);
    if (exchangeIn > maxExchangeIn * st[o + RECEIVED]!) {
      ok[n] = 0;
      continue;
    }
    share[n] = Math.min(share[n]!, Math.min(1, toExchange / got));
  }

  const deposits: InferredDeposit[] = [];
  for (let n = 0; n < nodes; n++) {
    // 4. At least one emptying sweep within τ (evidence holds exactly those).
    const edges = evidence.get(n);
    if (ok[n] === 0 || share[n] === Infinity || exchangeOf[n] === -1 || !edges) continue;
    const node = candNode[n]!;
    const { chain, address } = index.node(node);
    const sweeps = edges.map((edge) => ({
      txHash: index.txHash(index.tx[edge]!),
      time: index.time[edge]!,
      amount: index.amount[edge]!,
      asset: index.assetOf(slotAsset[srcSlot[edge]!]!).asset,
    }));
    const senderCount = senders[n]!;
    const confidence = Math.min(
      CONFIDENCE_MAX,
      CONFIDENCE_BASE +
        (batchedSweeps[n]! > 0 ? CONFIDENCE_BATCHED : 0) +
        (senderCount >= 2 ? CONFIDENCE_SENDERS : 0) +
        (timelySweeps[n]! >= 2 ? CONFIDENCE_REPEATED : 0),
    );
    deposits.push({
      node,
      chain,
      address,
      entity: entityNames[exchangeOf[n]!] ?? null,
      exchangeAddress: index.node(slotNode[dstSlot[edges[0]!]!]!).address,
      sweeps,
      senders: senderCount,
      sweptShare: share[n]!,
      confidence,
    });
  }
  deposits.sort(
    (a, b) =>
      b.confidence - a.confidence ||
      (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0) ||
      (a.address < b.address ? -1 : a.address > b.address ? 1 : 0),
  );
  return deposits;
}

/**
 * Labels with inferred deposit addresses added: an address with a label of its own keeps it (a real
 * label always wins); an inferred one answers `deposit_wallet` of its exchange, with the evidence
 * in `inferred`.
 *
 * @example
 * const labels = withInferredDeposits(await endpointLabels(store), inferDepositAddresses({ index, labels }));
 * labels.lookup('ethereum', '0x…')?.inferred?.confidence; // 30
 */
export function withInferredDeposits(
  labels: EndpointLabels,
  deposits: readonly InferredDeposit[],
): EndpointLabels {
  const byAddress = new Map<string, InferredDeposit>();
  for (const d of deposits) byAddress.set(`${d.chain}\u0000${d.address}`, d);
  return {
    lookup(chain, address) {
      const own = labels.lookup(chain, address);
      if (own !== null) return own;
      const d = byAddress.get(`${chain}\u0000${address}`);
      if (!d) return null;
      const inferred: InferredLabelEvidence = {
        exchangeAddress: d.exchangeAddress,
        sweeps: d.sweeps,
        confidence: d.confidence,
      };
      return { category: 'deposit_wallet', entity: d.entity, inferred };
    },
    each:
      labels.each === undefined
        ? undefined
        : (visit) => {
            labels.each!(visit);
            for (const d of deposits) visit(d.chain, d.address);
          },
  };
}
