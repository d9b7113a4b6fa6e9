import fs from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { UserError } from '../../errors/base.ts';
import { reachToCsv, traceToCsv, traceToGraphml, traceToJson } from '../../trace/export-trace.ts';
import { renderTrace } from '../render-trace.ts';
import { parseSeed } from '../../trace/parse-seed.ts';
import { TAINT_POLICIES } from '../../trace/trace-funds.ts';
import { type ReachedAddress, reachStore, traceStore } from '../../trace/trace-store.ts';
import type { TaintPolicy, TraceResult, TraceSeed } from '../../trace/types.ts';
import { type CliContext, type GlobalOptions, withStore } from '../context.ts';
import { formatTable } from '../output.ts';
import { parseNonNegativeInt, withGlobalOptions } from '../options.ts';

const FORMATS = ['json', 'csv', 'graphml'] as const;
type Format = (typeof FORMATS)[number];
/** A transaction hash: 0x and 64 hex digits (EVM), or 64 hex digits (Bitcoin). */

type TraceOptions = GlobalOptions & {
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

/** Writes `text` to --out (through a temporary file and a rename) or stdout. */
function output(ctx: CliContext, options: TraceOptions, text: string): void {
  if (!options.out) {
    ctx.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    return;
  }
  const temp = `${options.out}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, options.out);
}

/** `--reach`: the addresses the value may have reached, as a table, JSON or CSV. */
async function reach(ctx: CliContext, seeds: TraceSeed[], options: TraceOptions): Promise<void> {
  const format = options.format ?? (options.json ? 'json' : undefined);
  if (format === 'graphml')
    throw new UserError('--reach lists addresses: use --json or --format csv, not graphml', {
      code: 'BAD_USAGE',
    });
  const { addresses } = await withStore(ctx, options, (store) =>
    reachStore({
      store,
      seeds,
      direction: options.direction,
      maxHops: options.maxHops,
      since: options.since,
      until: options.until,
    }),
  );
  if (format === 'json') {
    output(ctx, options, JSON.stringify({ seeds, addresses }, null, 2));
    return;
  }
  if (format === 'csv') {
    output(ctx, options, reachToCsv(addresses));
    return;
  }
  const row = (a: ReachedAddress) => [
    a.chain,
    a.address,
    String(a.hops),
    a.category ?? '',
    a.entity ?? '',
  ];
  output(
    ctx,
    options,
    `${addresses.length} addresses may have received some of the value (${options.direction}, up to ${options.maxHops} hops; labelled services stop it):\n${formatTable(['chain', 'address', 'hops', 'category', 'entity'], addresses.map(row))}`,
  );
}

function render(result: TraceResult, format: Format): string {
  if (format === 'csv') return traceToCsv(result);
  if (format === 'graphml') return traceToGraphml(result);
  return traceToJson(result);
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
        '--reach',
        'list the addresses any of the value may have reached (what poison taints, without amounts): a watchlist',
      ),
  ).action(async (inputs: string[], options: TraceOptions) => {
    const seeds = inputs.map((s) => parseSeed(s, options.chain));
    if (options.reach) {
      await reach(ctx, seeds, options);
      return;
    }
    const { result, meta } = await withStore(ctx, options, async (store) => {
      const traced = await traceStore({
        store,
        seeds,
        direction: options.direction,
        policy: options.policy,
        maxHops: options.maxHops,
        minValue: options.minValue,
        ...(options.throughCoinjoins ? { throughCoinJoins: true } : {}),
        since: options.since,
        until: options.until,
      });
      const assets = await store.listAssets();
      const meta = new Map(
        assets.flatMap((a) =>
          a.symbol !== null && a.decimals !== null
            ? [[`${a.chain}|${a.asset}`, { symbol: a.symbol, decimals: a.decimals }] as const]
            : [],
        ),
      );
      return { result: traced.result, meta };
    });
    const format = options.format ?? (options.json ? 'json' : undefined);
    if (!format) {
      ctx.stdout.write(
        renderTrace(result, { assets: (chain, asset) => meta.get(`${chain}|${asset}`) }),
      );
      return;
    }
    output(ctx, options, render(result, format));
  });
}
