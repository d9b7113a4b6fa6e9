/** Kinds of traced edge: value followed, or an exchange's sweep of a deposit address (evidence). */
export const EDGE_TRACED = 0;
export const EDGE_SWEEP = 1;
/** Initial capacity of the traced-edge columns; they double as needed. */
const INITIAL_RECORDS = 1024;

/**
 * The edges a sweep carried taint on, in sweep order, as growable columns: edge id, tainted value,
 * share of the seed, hop, kind. 23 bytes per traced edge.
 *
 * @example
 * const traced = new TracedEdges();
 * const i = traced.add(e, t, sh, hop);
 */
export class TracedEdges {
  edge = new Uint32Array(INITIAL_RECORDS);
  taint = new Float64Array(INITIAL_RECORDS);
  share = new Float64Array(INITIAL_RECORDS);
  hop = new Uint16Array(INITIAL_RECORDS);
  kind = new Uint8Array(INITIAL_RECORDS);
  count = 0;

  /** Records edge `e` with taint `t`, share `sh` at `hop`; returns its record number. */
  add(e: number, t: number, sh: number, hop: number, kind = EDGE_TRACED): number {
    if (this.count === this.edge.length) this.grow(this.count * 2);
    const i = this.count++;
    this.edge[i] = e;
    this.taint[i] = t;
    this.share[i] = sh;
    this.hop[i] = hop;
    this.kind[i] = kind;
    return i;
  }

  private grow(size: number): void {
    const copy = <A extends Uint32Array | Float64Array | Uint16Array | Uint8Array>(a: A, b: A) => {
      b.set(a);
      return b;
    };
    this.edge = copy(this.edge, new Uint32Array(size));
    this.taint = copy(this.taint, new Float64Array(size));
    this.share = copy(this.share, new Float64Array(size));
    this.hop = copy(this.hop, new Uint16Array(size));
    this.kind = copy(this.kind, new Uint8Array(size));
  }
}
