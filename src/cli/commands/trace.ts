import { type Command, InvalidArgumentError } from 'commander';
import { TAINT_POLICIES } from '../../trace/taint-policies.ts';
import type { TraceGraph } from '../../trace/trace-store.ts';
import type { TaintPolicy } from '../../trace/types.ts';
import type { CliContext, GlobalOptions } from '../context.ts';
import { parseNonNegativeInt, withGlobalOptions } from '../options.ts';

const FORMATS = ['json', 'csv', 'graphml'] as const;
const GRAPHS: readonly TraceGraph[] = ['index', 'subgraph'];
export type Format = (typeof FORMATS)[number];
/** A transaction hash: 0x and 64 hex digits (EVM), or 64 hex digits (Bitcoin). */

export type TraceOptions = GlobalOptions & {
  chain?: string;
  direction: 'forward' | 'backward';
  policy: TaintPolicy;
  maxHops: number;
  minValue?: number;
  throughCoinjoins?: boolean;
  since?: number;
  until?: number;
  format?: Format;
  out?: string;
  reach?: boolean;
  graph?: TraceGraph;
};

function parseTime(value: string): number {
  const seconds = /^\d+$/.test(value) ? Number(value) : Date.parse(value) / 1000;
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new InvalidArgumentError('expected Unix seconds or an ISO date, e.g. 2025-02-21');
  return Math.floor(seconds);
}

function parseMinValue(value: string): number {
  const n = Number(value);
  if (!(n >= 0)) throw new InvalidArgumentError('expected a non-negative number of raw units');
  return n;
}

/**
 * `chaintrail trace <seed...>`: follows value forward (where did it go) or backward (where did it
 * come from) over the stored transfers with a chosen taint policy, and says where it is now.
 *
 * @example
 * chaintrail trace 0x… --policy haircut --max-hops 10 --format graphml --out flow.graphml
 */
export function registerTraceCommand(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command('trace')
      .description(
        'follow funds from addresses, transactions or transfers: where the value went (or came from), by taint policy',
      )
      .argument(
        '<seed...>',
        'addresses, transaction hashes, or <tx hash>:<position> for one transfer. An address stands for everything it passes on in the window (forward: all it sends, whether it held it at --since or received it; backward: all it received); a transaction for its transfers',
      )
      .option('--chain <chain>', 'chain of the seeds (default: from their form; 0x… is ethereum)')
      .option(
        '--direction <direction>',
        'forward (where did it go) or backward (where did it come from)',
        (v: string) => {
          if (v !== 'forward' && v !== 'backward')
            throw new InvalidArgumentError('expected forward or backward');
          return v;
        },
        'forward',
      )
      .option(
        '--policy <policy>',
        `taint policy: ${TAINT_POLICIES.join(', ')}`,
        (v: string) => {
          if (!(TAINT_POLICIES as readonly string[]).includes(v))
            throw new InvalidArgumentError(`expected one of ${TAINT_POLICIES.join(', ')}`);
          return v;
        },
        'haircut',
      )
      .option('--max-hops <n>', 'hops from the seeds', parseNonNegativeInt, 10)
      .option(
        '--min-value <raw>',
        'do not follow less tainted value than this (raw units)',
        parseMinValue,
      )
      .option(
        '--since <time>',
        'only transfers at or after (Unix seconds or ISO date); set it just before the theft when tracing from a victim address',
        parseTime,
      )
      .option('--until <time>', 'only transfers at or before (Unix seconds or ISO date)', parseTime)
      .option(
        '--format <format>',
        `export: ${FORMATS.join(', ')} (default: a summary; --json is json)`,
        (v: string) => {
          if (!(FORMATS as readonly string[]).includes(v))
            throw new InvalidArgumentError(`expected one of ${FORMATS.join(', ')}`);
          return v;
        },
      )
      .option('--out <file>', 'write the export to this file (default: stdout)')
      .option(
        '--through-coinjoins',
        'go on through detected CoinJoins (Whirlpool, Wasabi, JoinMarket, …), splitting the value over their outputs, instead of ending there',
      )
      .option(
        '--graph <graph>',
        "index: the whole store's graph index (kept beside a DuckDB file); subgraph: only what the trace can reach, read from the store hop by hop (memory grows with it, not the chain). Same result. Default: index on DuckDB, subgraph on ClickHouse",
        (v: string) => {
          if (!(GRAPHS as readonly string[]).includes(v))
            throw new InvalidArgumentError(`expected one of ${GRAPHS.join(', ')}`);
          return v;
        },
      )
      .option(
        '--reach',
        'list the addresses any of the value may have reached (what poison taints, without amounts): a watchlist',
      ),
  ).action(async (inputs: string[], options: TraceOptions) => {
    const { runTrace } = await import('../run/trace.ts');
    await runTrace(ctx, inputs, options);
  });
}
