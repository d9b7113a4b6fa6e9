import type { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

/**
 * What every command gets: where to write, the environment, a logger on stderr. This module loads at
 * every start, so it imports nothing heavy: the store and the reference data are in ./with-store.ts,
 * which only the commands' run modules (src/cli/run/) load.
 */
export type CliContext = {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  logger: Logger;
};

/** Options every command accepts. */
export type GlobalOptions = { db?: string; json?: boolean };

/**
 * Builds the CLI context. Logs are pino JSON lines on stderr, so `--json` output on stdout stays clean;
 * `CHAINTRAIL_LOG_LEVEL` sets the level (default `warn`).
 *
 * @example
 * const ctx = createCliContext({ stdout: process.stdout, stderr: process.stderr, env: process.env });
 */
export function createCliContext(io: Omit<CliContext, 'logger'>): CliContext {
  const level = io.env.CHAINTRAIL_LOG_LEVEL || 'warn';
  return { ...io, logger: pino({ level, base: undefined }, io.stderr as Writable) };
}

/** True when stderr is an interactive terminal (progress bars are drawn only then). */
export function isInteractive(ctx: CliContext): boolean {
  return Boolean((ctx.stderr as NodeJS.WriteStream).isTTY);
}
