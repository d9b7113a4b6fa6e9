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
 * Memory: per node one byte (its label class), per slot one int32, and a few numbers per slot and
 * per node of the candidates only (unlabelled addresses that sent to an exchange address). Two
 * linear passes over the edges; labels are looked up once per node.
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
  const entityOfNode = new Map<number, number>();
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
        entityOfNode.set(node, id);
      } else c = OTHER;
    }
    cls[node] = c;
    return c;
  };
  const candidate = new Uint8Array(nodeCount);
  const batchTxs = new Set<number>();
  let runTx = NO_TX;
  let runEntity = -1;
  let runSource = -1;
  for (let e = 0; e < edgeCount; e++) {
    const d = slotNode[dstSlot[e]!]!;
    if (classify(d) !== EXCHANGE) continue;
    const s = slotNode[srcSlot[e]!]!;
    if (classify(s) !== UNLABELLED) continue;
    candidate[s] = 1;
    // A transaction's transfers are adjacent in the index (time, then block, transaction, position):
    // two candidates paying one exchange within a run of the same transaction is a batch sweep.
    const x = index.tx[e]!;
    const entity = entityOfNode.get(d)!;
    if (x === runTx && entity === runEntity && s !== runSource) batchTxs.add(x);
    runTx = x;
    runEntity = entity;
    runSource = s;
  }

  // Pass 2: balances and flows of the candidates' slots, in time order.
  const slotIndex = new Int32Array(slotCount).fill(-1);
  const candNode: number[] = [];
  const nodeIndex = new Map<number, number>();
  const candSlotNode: number[] = [];
  const candSlotAsset: number[] = [];
  for (let s = 0; s < slotCount; s++) {
    const node = slotNode[s]!;
    if (candidate[node] !== 1) continue;
    let n = nodeIndex.get(node);
    if (n === undefined) {
      n = candNode.length;
      nodeIndex.set(node, n);
      candNode.push(node);
    }
    slotIndex[s] = candSlotNode.length;
    candSlotNode.push(n);
    candSlotAsset.push(slotAsset[s]!);
  }
  const k = candSlotNode.length;
  const balance = new Float64Array(k);
  const received = new Float64Array(k);
  const fromExchange = new Float64Array(k);
  const fees = new Float64Array(k);
  const toExchange = new Float64Array(k);
  const emptyingToExchange = new Float64Array(k);
  const otherOut = new Float64Array(k);
  const covered = new Float64Array(k);
  const txStartBalance = new Float64Array(k);
  const sweptInTx = new Float64Array(k);
  const sweepEdgeInTx = new Int32Array(k).fill(-1);
  const pendingSince = new Uint32Array(k);
  const hasPending = new Uint8Array(k);
  const currentTx = new Uint32Array(k).fill(NO_TX);
  /** Time of the slot's last edge: the time of the transaction `finish` closes. */
  const lastTime = new Uint32Array(k);

  const nodes = candNode.length;
  const exchangeOf = new Int32Array(nodes).fill(-1);
  const timelySweeps = new Uint32Array(nodes);
  const batchedSweeps = new Uint32Array(nodes);
  const senders = new Map<number, Set<number>>();
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

  /** Closes the slot's last transaction: was its sweep (if any) an emptying one, and timely? */
  const finish = (c: number, time: number) => {
    const swept = sweptInTx[c]!;
    if (swept > 0) {
      const before = Math.max(0, txStartBalance[c]!);
      const residual = balance[c]!;
      const kind = assetKind(candSlotAsset[c]!);
      const allowed = Math.max((kind.value ? drift : 1 - minShare) * before, kind.floor);
      const n = candSlotNode[c]!;
      if (residual <= allowed) {
        emptyingToExchange[c] = emptyingToExchange[c]! + swept;
        covered[c] = received[c]!;
        if (hasPending[c] === 1 && time - pendingSince[c]! <= tau) {
          timelySweeps[n]!++;
          addEvidence(n, sweepEdgeInTx[c]!);
        }
        hasPending[c] = 0;
      }
      if (batchTxs.has(currentTx[c]!)) batchedSweeps[n]!++;
      sweptInTx[c] = 0;
      sweepEdgeInTx[c] = -1;
    }
    if (balance[c]! < 0) balance[c] = 0;
  };
  const addEvidence = (n: number, edge: number) => {
    let list = evidence.get(n);
    if (!list) evidence.set(n, (list = []));
    list.push(edge);
    list.sort((a, b) => index.amount[b]! - index.amount[a]!);
    if (list.length > maxEvidence) list.length = maxEvidence;
  };
  const touch = (c: number, x: number) => {
    if (currentTx[c] === x) return;
    if (currentTx[c] !== NO_TX) finish(c, lastTime[c]!);
    currentTx[c] = x;
    txStartBalance[c] = balance[c]!;
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
      touch(cd, x);
      lastTime[cd] = time;
      if (classify(s) === EXCHANGE) fromExchange[cd] = fromExchange[cd]! + amount;
      else {
        received[cd] = received[cd]! + amount;
        if (hasPending[cd] === 0) {
          hasPending[cd] = 1;
          pendingSince[cd] = time;
        }
        const n = candSlotNode[cd]!;
        let set = senders.get(n);
        if (!set) senders.set(n, (set = new Set()));
        if (set.size < MAX_SENDERS_COUNTED) set.add(s);
      }
      balance[cd] = balance[cd]! + amount;
    }
    if (cs >= 0) {
      touch(cs, x);
      lastTime[cs] = time;
      balance[cs] = balance[cs]! - amount;
      const n = candSlotNode[cs]!;
      if (index.nodeKind[d] === NODE_FEE_SINK) fees[cs] = fees[cs]! + amount;
      else if (
        classify(d) === EXCHANGE &&
        (exchangeOf[n] === -1 || exchangeOf[n] === entityOfNode.get(d))
      ) {
        exchangeOf[n] = entityOfNode.get(d)!;
        toExchange[cs] = toExchange[cs]! + amount;
        sweptInTx[cs] = sweptInTx[cs]! + amount;
        const best = sweepEdgeInTx[cs]!;
        if (best < 0 || index.amount[best]! < amount) sweepEdgeInTx[cs] = e;
      } else otherOut[cs] = otherOut[cs]! + amount;
    }
  }
  for (let c = 0; c < k; c++) if (currentTx[c] !== NO_TX) finish(c, lastTime[c]!);

  // Decision per candidate: every slot must pass; swept slots give the share.
  const ok = new Uint8Array(nodes).fill(1);
  const share = new Float64Array(nodes).fill(Infinity);
  for (let c = 0; c < k; c++) {
    const n = candSlotNode[c]!;
    if (ok[n] === 0) continue;
    const out = toExchange[c]! + otherOut[c]!;
    // 2. Nearly everything it sent went to the one exchange.
    if (out > 0 && toExchange[c]! < minShare * out) {
      ok[n] = 0;
      continue;
    }
    if (toExchange[c]! === 0) continue;
    const kind = assetKind(candSlotAsset[c]!);
    // 3. Its sweeps emptied it (partial payments to an exchange are a customer's, not sweeps).
    // 5. And what it received went to the exchange.
    const got = covered[c]!;
    const allowance = kind.value ? drift : 1 - minShare;
    const spent = toExchange[c]! + fees[c]!;
    if (
      emptyingToExchange[c]! < minShare * toExchange[c]! ||
      got <= 0 ||
      (spent < (1 - allowance) * got && got - spent > kind.floor)
    ) {
      ok[n] = 0;
      continue;
    }
    // 6. Others paid it, not the exchange (gas top-ups are spent on fees).
    const exchangeIn = fromExchange[c]! - (kind.floor > 0 ? fees[c]! : 0);
    if (exchangeIn > maxExchangeIn * received[c]!) {
      ok[n] = 0;
      continue;
    }
    share[n] = Math.min(share[n]!, Math.min(1, toExchange[c]! / got));
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
    const senderCount = senders.get(n)?.size ?? 0;
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
  };
}
