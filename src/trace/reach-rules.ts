import { slotOf } from './graph-index.ts';
import { bridgeDestinationSlot, chainsOf } from './sweep/bridges.ts';
import { parseThorchainMemo } from './thorchain-memo.ts';
import { STOP_CATEGORIES } from './trace-funds.ts';
import { type EndpointLabels, type GraphIndex, NODE_FEE_SINK } from './types.ts';

/** Per slot: not yet known whether its node passes value on or stops it. */
export const FOLLOW_UNKNOWN = 0;
export const FOLLOW = 1;
export const STOP = 2;
const NO_TARGETS: readonly number[] = [];

/** Whether an index has a fee sink node, looked up once per index. */
const feeSinks = new WeakMap<GraphIndex, boolean>();
function hasFeeSink(index: GraphIndex): boolean {
  let found = feeSinks.get(index);
  if (found === undefined) feeSinks.set(index, (found = index.nodeKind.includes(NODE_FEE_SINK)));
  return found;
}

/**
 * What reachability does at a slot and after an edge, the same for the sweep and the adjacency
 * traversal of traceReach: whether a slot's node passes value on (a labelled service, the fee sink
 * stop it; a seed address passes it on whatever its label), where a swap or wrap takes value
 * reaching an edge's far end, and where a THORChain bridge deposit's memo sends it.
 */
export class ReachRules {
  readonly fwd: boolean;
  /** The slot value leaves by an edge, and the one it reaches (backward: the other way). */
  readonly near: Uint32Array;
  readonly far: Uint32Array;
  /** Slots looked up for a bridge (the engines keep what they look up in their own state). */
  readonly bridgeFollow = new Map<number, number>();
  /** The chains the index holds, found on the first bridge met. */
  private chains: string[] | null = null;
  readonly hasConversions: boolean;
  /** Bridge memos given (forward only): a step may reach another chain. */
  readonly hasBridges: boolean;
  /**
   * No labels and no fee sink: every slot passes value on, and the engines need not look each
   * reached slot's node up (two scattered loads a slot: a sixth of the sweep on 1 M transfers).
   */
  readonly allFollow: boolean;

  constructor(
    readonly index: GraphIndex,
    readonly labels: EndpointLabels | undefined,
    readonly bridgeMemos: ReadonlyMap<number, string> | undefined,
    direction: 'forward' | 'backward',
    readonly seedNodes: ReadonlySet<number>,
  ) {
    this.fwd = direction !== 'backward';
    this.near = this.fwd ? index.srcSlot : index.dstSlot;
    this.far = this.fwd ? index.dstSlot : index.srcSlot;
    this.hasConversions = index.conversions.size > 0;
    this.hasBridges = this.fwd && bridgeMemos !== undefined && bridgeMemos.size > 0;
    this.allFollow = labels === undefined && !hasFeeSink(index);
  }

  /**
   * FOLLOW or STOP for slot `s` (a label lookup: callers keep the answer, once per slot reached).
   */
  followOf(s: number): number {
    if (this.allFollow) return FOLLOW;
    const node = this.index.slotNode[s]!;
    let stop = this.index.nodeKind[node] === NODE_FEE_SINK;
    if (!stop && this.labels && !this.seedNodes.has(node)) {
      const { chain, address } = this.index.node(node);
      const label = this.labels.lookup(chain, address);
      stop = label !== null && STOP_CATEGORIES.has(label.category);
    }
    return stop ? STOP : FOLLOW;
  }

  /**
   * Slots value reaching `far[e]` goes on to, in the same transaction, as a swap's or wrap's output
   * (forward: to its recipient in the asset bought; backward: to its account in the asset sold).
   */
  conversionTargets(e: number): readonly number[] {
    const index = this.index;
    const list = index.conversions.get(index.tx[e]!);
    if (!list) return NO_TARGETS;
    const a = index.slotAsset[this.far[e]!]!;
    const targets: number[] = [];
    for (const c of list) {
      if ((this.fwd ? c.assetIn : c.assetOut) !== a) continue;
      const target = slotOf(
        index,
        this.fwd ? c.recipient : c.account,
        this.fwd ? c.assetOut : c.assetIn,
      );
      if (target !== undefined) targets.push(target);
    }
    return targets;
  }

  /**
   * The slot value entering a bridge by edge `e` goes on to: the native asset of the destination
   * its THORChain memo names, when the far end stops value (a bridge) and the destination is in the
   * index; -1 otherwise. (Reached from the deposit's time on: the payout comes later, so this may
   * reach a little more than it did.)
   */
  bridgeTarget(e: number): number {
    const index = this.index;
    const memo = this.bridgeMemos!.get(index.tx[e]!);
    if (memo === undefined) return -1;
    const far = this.far[e]!;
    let follow = this.bridgeFollow.get(far);
    if (follow === undefined) this.bridgeFollow.set(far, (follow = this.followOf(far)));
    if (follow !== STOP) return -1;
    const parsed = parseThorchainMemo(memo);
    if (parsed?.kind !== 'swap') return -1;
    this.chains ??= chainsOf(index);
    return bridgeDestinationSlot(index, this.chains, parsed) ?? -1;
  }
}
