export type BenchmarkContext = {
  /** Rows to generate for the benchmark. */
  rows: number;
  /** Scratch folder kept between runs (generated inputs are reused). */
  workDir: string;
  log: (message: string) => void;
};

export type Timing = { label: string; seconds: number };

export type BenchmarkResult = {
  reference: Timing;
  subject: Timing;
  /** Rows the subject handled, for its rate. */
  rows: number;
  /** What a row is in the printed rate (default "rows"). */
  unit?: string;
  /** The least acceptable ratio (reference time / subject time), when the issue sets one. */
  target?: number;
  /** More lines printed under the result: breakdowns, comparisons with outside tools. */
  notes?: string[];
};

/** What a benchmark returns when it cannot run here (a tool it needs is missing): the reason. */
export type BenchmarkSkipped = { skipped: string };

/** A benchmark measures a subject against a reference in the same run; only their ratio is reported as the result. */
export type Benchmark = {
  /** Short name for `BENCH_ONLY`. */
  id: string;
  name: string;
  run(ctx: BenchmarkContext): Promise<BenchmarkResult | BenchmarkSkipped>;
};
