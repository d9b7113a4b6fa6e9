export type BenchmarkContext = {
  /** Rows to generate for the benchmark. */
  rows: number;
  /** Scratch folder kept between runs (generated inputs are reused). */
  workDir: string;
  log: (message: string) => void;
};

export type Timing = { label: string; seconds: number };

/** A benchmark measures a subject against a reference in the same run; only their ratio is reported as the result. */
export type Benchmark = {
  name: string;
  run(ctx: BenchmarkContext): Promise<{ reference: Timing; subject: Timing; rows: number }>;
};
