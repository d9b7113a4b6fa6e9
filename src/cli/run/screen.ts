import { UserError } from '../../errors/base.ts';
import { formatAddress } from '../../model/address.ts';
import { formatUnits } from '../../model/amount.ts';
import { createScreener, type Screener } from '../../screen/create-screener.ts';
import {
  csvCell,
  JOINED_CSV_COLUMNS,
  joinedHeader,
  SCREEN_CSV_COLUMNS,
  toChainalysis,
  toCsvRow,
  toJoinedCsvRow,
} from '../../screen/format-results.ts';
import { openScreenCsv, type ScreenCsvRow } from '../../screen/read-screen-csv.ts';
import { loadRiskRules } from '../../screen/risk-rules.ts';
import { transactionAddresses } from '../../screen/transaction-addresses.ts';
import type { ScreenInput, ScreenResult } from '../../screen/types.ts';
import type { Format, ScreenOptions } from '../commands/screen.ts';
import type { CliContext } from '../context.ts';
import { formatTable } from '../output.ts';
import { withStore } from '../with-store.ts';

/** Writes to a stream, waiting for it to drain when its buffer is full (large outputs). */
function writer(out: NodeJS.WritableStream): (text: string) => Promise<void> {
  return (text) =>
    out.write(text) ? Promise.resolve() : new Promise((resolve) => out.once('drain', resolve));
}

const bigintAsString = (_key: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

/**
 * Runs `chaintrail screen` (its options and help: src/cli/commands/screen.ts).
 *
 * @example
 * await runScreen(ctx, ['0x098B716B8Aaf21512996dC57EB0615e2383E2f96'], { hops: 2, json: true });
 */
export async function runScreen(
  ctx: CliContext,
  addresses: string[],
  options: ScreenOptions,
): Promise<void> {
  const sources = [addresses.length > 0, options.file !== undefined, options.tx !== undefined];
  if (sources.filter(Boolean).length !== 1)
    throw new UserError('Give addresses, or --file <csv>, or --tx <hash> (one of them)', {
      code: 'BAD_USAGE',
    });
  if (options.addressColumn !== undefined && options.file === undefined)
    throw new UserError('--address-column goes with --file <csv>', { code: 'BAD_USAGE' });
  const format: Format = options.format ?? (options.json ? 'json' : 'table');
  const rules = loadRiskRules(options.rules);
  const write = writer(ctx.stdout);
  // The file's header first: a file without an address column fails before the database opens.
  const csv =
    options.file === undefined
      ? null
      : await openScreenCsv(options.file, {
          addressColumn: options.addressColumn,
          // Only the CSV output writes the file's cells back.
          keepCells: format === 'csv',
        });
  if (csv !== null && csv.addressColumnFrom === 'values')
    ctx.stderr.write(
      `${options.file}: no "address" column; screening column "${csv.columns[csv.addressColumn]}" (${csv.addressColumn + 1} of ${csv.columns.length}), whose cells are addresses (--address-column names another)\n`,
    );
  await withStore(ctx, options, async (store) => {
    const screener = await createScreener({ store, rules, asOf: options.asOf });
    const output = createOutput(format, write, screener, addresses.length === 1, csv?.columns);
    const screen = async (inputs: ScreenInput[]) =>
      output.add(await screener.screen(inputs, { hops: options.hops }));
    if (csv !== null) {
      for await (const batch of csv.rows) {
        // Rows that cannot be screened (a cell too many, no address) keep their place, unscreened.
        const valid = batch.filter((r) => r.error === null);
        const screened = await screener.screen(
          options.chain ? valid.map((r) => ({ ...r, chain: r.chain ?? options.chain })) : valid,
          { hops: options.hops },
        );
        let next = 0;
        const results = batch.map((r) =>
          r.error === null ? screened[next++]! : screener.unscreened(r.address, r.error),
        );
        await output.add(results, batch);
      }
    } else if (options.tx !== undefined) {
      await screen(await transactionAddresses({ store, txHash: options.tx, chain: options.chain }));
    } else {
      await screen(addresses.map((address) => ({ address, chain: options.chain ?? null })));
    }
    await output.end();
  });
}

type Output = {
  /** Results in order; with a file, its rows (one per result) too. */
  add(results: ScreenResult[], rows?: readonly ScreenCsvRow[]): Promise<void>;
  end(): Promise<void>;
};

function createOutput(
  format: Format,
  write: (text: string) => Promise<void>,
  screener: Screener,
  single: boolean,
  /** The screened file's header: its columns come first in each CSV row. */
  fileColumns?: readonly string[],
): Output {
  let count = 0;
  switch (format) {
    case 'json':
    case 'chainalysis': {
      const shape =
        format === 'json'
          ? (r: ScreenResult) => r
          : (r: ScreenResult) => ({ address: r.address, chain: r.chain, ...toChainalysis(r) });
      if (format === 'chainalysis' && single) {
        let only: ScreenResult | null = null;
        return {
          add: async (results) => void (only = results[0] ?? only),
          end: () =>
            write(
              `${JSON.stringify(only ? toChainalysis(only) : { identifications: [] }, null, 2)}\n`,
            ),
        };
      }
      return {
        async add(results) {
          let text = '';
          for (const r of results)
            text += `${count++ === 0 ? '[\n' : ',\n'}${JSON.stringify(shape(r), bigintAsString)}`;
          if (text) await write(text);
        },
        end: () => write(count === 0 ? '[]\n' : '\n]\n'),
      };
    }
    case 'csv': {
      const header = fileColumns
        ? joinedHeader(fileColumns, JOINED_CSV_COLUMNS).map(csvCell).join(',')
        : SCREEN_CSV_COLUMNS.join(',');
      return {
        async add(results, rows) {
          let text = count === 0 ? `${header}\n` : '';
          if (fileColumns && rows)
            for (let i = 0; i < results.length; i++)
              text += `${toJoinedCsvRow(rows[i]!.fields, results[i]!)}\n`;
          else for (const r of results) text += `${toCsvRow(r)}\n`;
          count += results.length;
          await write(text);
        },
        end: async () => {
          if (count === 0) await write(`${header}\n`);
        },
      };
    }
    case 'table': {
      const all: ScreenResult[] = [];
      return {
        add: async (results) => void all.push(...results),
        end: () => write(renderScreen(all, screener)),
      };
    }
  }
}

function display(r: ScreenResult): string {
  if (r.error !== null || r.chain === null) return r.input;
  try {
    return formatAddress(r.chain, r.address);
  } catch {
    return r.address;
  }
}

/** Where the address has transfers, in a few words for the table (the note says it in full). */
function activityCell(r: ScreenResult): string {
  const a = r.activity;
  if (a === null) return '';
  if (!a.onChain)
    return a.seenOn.length > 0 ? `none here; seen on ${a.seenOn.join(', ')}` : 'none stored';
  return `yes${a.seenOn.length > 0 ? `; also on ${a.seenOn.join(', ')}` : ''}${a.chainFrom === 'activity' ? ' (chose the chain)' : ''}`;
}

function amount(raw: bigint, decimals: number | null): string {
  return decimals === null ? `${raw} raw` : formatUnits(raw, decimals);
}

/**
 * Human-readable screening: a table of addresses, then per address the rules that fired and its
 * largest exposures with their paths and the transactions that carried them, then the rules and
 * lists used.
 *
 * @example
 * process.stdout.write(renderScreen(results, screener));
 */
export function renderScreen(results: readonly ScreenResult[], screener: Screener): string {
  const rows = results.map((r) => [
    display(r),
    r.chain ?? '',
    r.error !== null ? 'error' : r.riskLevel!,
    r.error !== null
      ? ''
      : r.sanctioned
        ? 'yes'
        : r.alsoListedOn.some((l) => l.sanctioned)
          ? `on ${r.alsoListedOn
              .filter((l) => l.sanctioned)
              .map((l) => l.chain)
              .join(', ')}`
          : r.formerlySanctioned
            ? 'formerly'
            : 'no',
    activityCell(r),
    r.error !== null
      ? r.error
      : [
          ...new Set(
            r.labels.map((l) =>
              [
                l.category,
                l.entity,
                l.actor && l.actor !== l.entity ? `(${l.actor})` : null,
                l.inferred ? `(inferred, confidence ${l.confidence ?? '?'})` : null,
              ]
                .filter(Boolean)
                .join(' '),
            ),
          ),
        ].join('; '),
  ]);
  const lines = [
    formatTable(['address', 'chain', 'risk', 'sanctioned', 'transfers', 'labels / error'], rows),
  ];
  for (const r of results) {
    if (r.error !== null) continue;
    const exposures = (r.exposure.indirect ?? []).slice(0, 6);
    // The chain was chosen by where the address has transfers, or it has none there but some
    // elsewhere: say so (an address seen nowhere is the common case of a labels-only store).
    const chainNote =
      r.activity !== null &&
      (r.activity.chainFrom === 'activity' || (!r.activity.onChain && r.activity.seenOn.length > 0))
        ? r.activity.note
        : null;
    if (
      r.explanation.fired.length === 0 &&
      exposures.length === 0 &&
      r.exposure.notes.length === 0 &&
      chainNote === null
    )
      continue;
    lines.push('', `${display(r)} (${r.chain}): ${r.riskLevel}`);
    if (chainNote !== null) lines.push(`  chain: ${chainNote}`);
    for (const f of r.explanation.fired) lines.push(`  rule ${f.rule} -> ${f.level}: ${f.reason}`);
    for (const e of exposures) {
      lines.push(
        `  ${e.direction === 'in' ? 'from' : 'to'} ${e.category}: ${(e.share * 100).toFixed(2)}% of ${e.symbol ?? e.asset} ${e.direction === 'in' ? 'received' : 'sent'} (${amount(e.amount, e.decimals)} of ${amount(e.total, e.decimals)})`,
      );
      for (const s of e.sources.slice(0, 3)) {
        lines.push(
          `    ${amount(s.amount, e.decimals)} via ${s.path.join(' -> ')}${s.labels[0]?.entity ? ` [${s.labels[0].entity}${s.labels[0].viaCluster ? `, label ${s.labels[0].viaCluster.provenance}` : ''}]` : ''}`,
        );
        if (s.transfers.length > 0)
          lines.push(
            `      transfers: ${s.transfers
              .map(
                (t) =>
                  `${t.txHash} (hop ${t.hop}${t.swappedTo === undefined ? '' : `, swap ${t.asset} -> ${t.swappedTo}`})`,
              )
              .join(', ')}`,
          );
      }
    }
    for (const n of r.exposure.notes) lines.push(`  note: ${n}`);
  }
  const lists = screener.labelSet.map(
    (l) =>
      `  #${l.importId ?? '-'} ${l.listName ?? l.format ?? ''}${l.listDate ? ` of ${l.listDate}` : ''}${l.sha256 ? ` sha256 ${l.sha256.slice(0, 12)}…` : ''}${l.source ? ` (${l.source})` : ''}`,
  );
  lines.push(
    '',
    `rules: ${screener.rules.source} version ${screener.rules.version} (sha256 ${screener.rules.sha256.slice(0, 12)}…); labels valid on ${screener.asOf}`,
    lists.length
      ? `label lists:\n${lists.join('\n')}`
      : 'label lists: none loaded (import labels first)',
  );
  return `${lines.join('\n')}\n`;
}
