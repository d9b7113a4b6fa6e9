import cliProgress from 'cli-progress';
import type { ImportProgress } from '../ingest/import-session.ts';

/** How often a progress bar or log line may be redrawn. */
const REDRAW_INTERVAL_MS = 200;

/** Draws import progress; `stop` clears the bar. */
/**
 * Whether to draw progress bars: on a terminal, or always with `CHAINTRAIL_PROGRESS=1` (e.g. under a
 * job runner), never with `CHAINTRAIL_PROGRESS=0`.
 *
 * @example
 * if (progressEnabled(process.stderr, process.env)) bar.start(total, 0);
 */
export function progressEnabled(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean {
  const forced = env.CHAINTRAIL_PROGRESS;
  return forced === '1' ? true : forced === '0' ? false : Boolean(stream.isTTY);
}

export type ProgressReporter = {
  update(progress: ImportProgress): void;
  stop(): void;
};

/**
 * A progress bar on a TTY (bytes read, rows/s, ETA); nothing otherwise, so pipes and CI logs get
 * only the final summary.
 *
 * @example
 * const progress = createImportProgress({ stream: process.stderr });
 * await importTransfersCsv({ ..., onProgress: progress.update });
 * progress.stop();
 */
export function createImportProgress(options: {
  stream: NodeJS.WriteStream;
  enabled?: boolean;
  env?: NodeJS.ProcessEnv;
}): ProgressReporter {
  const enabled = options.enabled ?? progressEnabled(options.stream, options.env ?? process.env);
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      stream: options.stream,
      noTTYOutput: !options.stream.isTTY,
      notTTYSchedule: 1000,
      format: '{bar} {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted} | {file}',
      fps: 1000 / REDRAW_INTERVAL_MS,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let begun = false;
  return {
    update(p) {
      if (!begun) {
        bar.start(Math.max(1, p.totalBytes), 0, { rows: 0, rate: 0, file: p.file });
        begun = true;
      }
      const seconds = Math.max(0.001, (Date.now() - started) / 1000);
      bar.update(p.bytesRead, {
        rows: p.rows.toLocaleString('en-US'),
        rate: Math.round(p.rows / seconds).toLocaleString('en-US'),
        file: p.file,
      });
    },
    stop() {
      if (begun) bar.stop();
    },
  };
}
