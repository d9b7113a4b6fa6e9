import fs from 'node:fs';
import { UserError } from '../../errors/base.ts';
import { reachToCsv, traceToCsv, traceToGraphml, traceToJson } from '../../trace/export-trace.ts';
import { parseSeed } from '../../trace/parse-seed.ts';
import { type ReachedAddress, reachStore, traceStore } from '../../trace/trace-store.ts';
import type { TraceResult, TraceSeed } from '../../trace/types.ts';
import type { Format, TraceOptions } from '../commands/trace.ts';
import type { CliContext } from '../context.ts';
import { formatTable } from '../output.ts';
import { renderTrace } from '../render-trace.ts';
import { withStore } from '../with-store.ts';

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
      graph: options.graph,
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
 * Runs `chaintrail trace` (its options and help: src/cli/commands/trace.ts).
 *
 * @example
 * await runTrace(ctx, ['0x…'], { direction: 'forward', policy: 'haircut', maxHops: 10 });
 */
export async function runTrace(
  ctx: CliContext,
  inputs: string[],
  options: TraceOptions,
): Promise<void> {
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
      graph: options.graph,
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
}
