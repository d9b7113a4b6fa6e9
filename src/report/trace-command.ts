import { DEFAULT_MAX_HOPS } from '../trace/sweep/taint-sweep.ts';
import type { TraceParameters } from '../trace/types.ts';
import { seedArgument } from './describe-method.ts';

/** A word as a POSIX shell reads it back: plain when it is safe, else in single quotes. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:@=+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export type TraceCommandParameters = {
  parameters: TraceParameters;
  /** The database the trace was run on, as the user named it; left out: the default database. */
  db?: string | undefined;
};
/** The command's words, or why there is none. */
export type TraceCommandReturnType = { argv: string[]; command: string } | { reason: string };

/**
 * The `chaintrail trace … --json` command that regenerates a trace from its parameters: every
 * parameter spelled out (defaults too), so it does not depend on the defaults of the version run.
 * `--chain` applies to every seed, so seeds on several chains have no single command.
 *
 * @example
 * traceCommand({ parameters, db: 'case.duckdb' }); // { command: 'chaintrail trace 0x… --chain anvil …' }
 */
export function traceCommand({
  parameters: p,
  db,
}: TraceCommandParameters): TraceCommandReturnType {
  const chains = [...new Set(p.seeds.map((s) => s.chain))];
  if (chains.length !== 1)
    return {
      reason:
        chains.length === 0
          ? 'the trace has no seeds'
          : `its seeds are on ${chains.length} chains (${chains.join(', ')}); \`chaintrail trace --chain\` takes one`,
    };
  const argv = [
    'trace',
    ...p.seeds.map(seedArgument),
    '--chain',
    chains[0]!,
    '--direction',
    p.direction,
    '--policy',
    p.policy,
    '--max-hops',
    String(p.maxHops ?? DEFAULT_MAX_HOPS),
    ...(p.minValue === undefined ? [] : ['--min-value', String(p.minValue)]),
    ...(p.since === undefined ? [] : ['--since', String(p.since)]),
    ...(p.until === undefined ? [] : ['--until', String(p.until)]),
    ...(p.throughCoinJoins ? ['--through-coinjoins'] : []),
    '--json',
    ...(db === undefined ? [] : ['--db', db]),
  ];
  return { argv, command: ['chaintrail', ...argv].map(shellWord).join(' ') };
}
