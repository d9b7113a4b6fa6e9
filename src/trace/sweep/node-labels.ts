import { LABEL_SHIFT } from './slot-state.ts';
import { type EndpointLabels, type GraphIndex, NODE_FEE_SINK, NODE_UTXO_TX } from '../types.ts';

/** What the trace does at a node, from its label (or kind): follow, stop at an endpoint, spent as gas. */
export const LABEL_NONE = 1;
export const LABEL_PASS = 2;
export const LABEL_STOP = 3;
export const LABEL_FEE = 4;
/** The label state's bits in a slot's flags byte (after LABEL_SHIFT). */
const LABEL_MASK = 7;

/** A label as the trace uses it: category and entity (and, when inferred, how). */
export type NodeLabel = NonNullable<ReturnType<EndpointLabels['lookup']>>;

/**
 * The labels of the nodes a sweep meets, looked up once each: whether value stops there (a service
 * in `stopCategories`), passes (labelled, followed), is spent (the fee sink) or is unlabelled.
 *
 * @example
 * const labels = new NodeLabels(index, endpointLabels, STOP_CATEGORIES);
 * if (labels.state(node) === LABEL_STOP) …
 */
export class NodeLabels {
  /** Per node: 0 not looked up, then LABEL_NONE, LABEL_PASS, LABEL_STOP or LABEL_FEE. */
  private readonly states: Uint8Array;
  readonly labelOf = new Map<number, NodeLabel>();

  /** Per node, when the labels can list their addresses: 1 for a node with a label. */
  private readonly labelled: Uint8Array | null = null;

  constructor(
    private readonly index: GraphIndex,
    private readonly labels: EndpointLabels,
    private readonly stopCategories: ReadonlySet<string>,
    /** A label for a UTXO transaction node that is a CoinJoin (an endpoint); absent: none stop. */
    private readonly coinJoinOf?: ((node: number) => NodeLabel | null) | undefined,
  ) {
    this.states = new Uint8Array(index.nodeCount);
    // Labels that list their addresses are matched to nodes once: a node without one then needs no
    // lookup (the sweep meets every node value reaches; label lists are usually far shorter).
    if (labels.each) {
      const labelled = new Uint8Array(index.nodeCount);
      labels.each((chain, address) => {
        const node = index.nodeId(chain, address);
        if (node !== undefined) labelled[node] = 1;
      });
      this.labelled = labelled;
    }
  }

  /** The node's label state, looked up on first use. */
  state(node: number): number {
    if (this.states[node] === 0 && this.coinJoinOf && this.index.nodeKind[node] === NODE_UTXO_TX) {
      const coinJoin = this.coinJoinOf(node);
      if (coinJoin) {
        this.labelOf.set(node, coinJoin);
        this.states[node] = LABEL_STOP;
      }
    }
    if (this.states[node] === 0 && this.labelled !== null && this.labelled[node] === 0)
      this.states[node] = this.index.nodeKind[node] === NODE_FEE_SINK ? LABEL_FEE : LABEL_NONE;
    if (this.states[node] === 0) {
      const { chain, address } = this.index.node(node);
      const label = this.labels.lookup(chain, address);
      if (label) {
        this.labelOf.set(node, label);
        this.states[node] = this.stopCategories.has(label.category) ? LABEL_STOP : LABEL_PASS;
      } else
        this.states[node] = this.index.nodeKind[node] === NODE_FEE_SINK ? LABEL_FEE : LABEL_NONE;
    }
    return this.states[node]!;
  }

  /** A seed is traced through, whatever it is labelled: it is followed, not an endpoint. */
  follow(node: number): void {
    this.states[node] = LABEL_NONE;
  }

  /** The label state of slot `r`'s node, cached in the slot's flags byte. */
  ofSlot(r: number, flags: Uint8Array, slotNode: Uint32Array): number {
    const cached = (flags[r]! >> LABEL_SHIFT) & LABEL_MASK;
    if (cached !== 0) return cached;
    const looked = this.state(slotNode[r]!);
    flags[r]! |= looked << LABEL_SHIFT;
    return looked;
  }

  /** The label of a node the trace follows or stops at (null: none, or not looked up). */
  get(node: number): NodeLabel | null {
    return this.labelOf.get(node) ?? null;
  }
}
