import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_HOPS, MAX_HOPS } from '../../screen/hops.ts';
import type { CliContext, GlobalOptions } from '../context.ts';
import { withGlobalOptions } from '../options.ts';

const FORMATS = ['table', 'json', 'csv', 'chainalysis'] as const;
export type Format = (typeof FORMATS)[number];

export type ScreenOptions = GlobalOptions & {
  file?: string;
  addressColumn?: string;
  tx?: string;
  chain?: string;
  rules?: string;
  hops: number;
  asOf?: string;
  format?: Format;
};

function parseHops(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > MAX_HOPS)
    throw new InvalidArgumentError(`expected a whole number from 0 to ${MAX_HOPS}`);
  return n;
}

function parseFormat(value: string): Format {
  if (!(FORMATS as readonly string[]).includes(value))
    throw new InvalidArgumentError(`expected one of ${FORMATS.join(', ')}`);
  return value as Format;
}

/**
 * `chaintrail screen`: sanctions, attributions, exposure and a risk level per address, with the rule
 * that fired and the versions of the rules and lists used. `--json` prints an array of results (one
 * per line), `--format csv` one row each, `--format chainalysis` the shape of Chainalysis's free
 * sanctions API (one address: the object itself; several: an array of them with `address`).
 * An invalid address gives a row with `error` set; the others are still screened. With `--file` and
 * `--format csv`, each row keeps the file's own columns (customer id, amount…) before its verdict,
 * so results join back to the file; the file is read and written a buffer at a time.
 *
 * @example
 * chaintrail screen 0x098B716B8Aaf21512996dC57EB0615e2383E2f96 --json
 * chaintrail screen --file deposits.csv --format csv --hops 0
 */
export function registerScreenCommand(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command('screen')
      .description('screen addresses: sanctions, attributions, exposure and risk level')
      .argument(
        '[addresses...]',
        'addresses (EVM, Bitcoin, Tron); the chain is told from the form unless --chain',
      )
      .option(
        '--file <csv>',
        'CSV with a header: an address column, an optional "chain" column, any others (kept in --format csv)',
      )
      .option(
        '--address-column <name>',
        'with --file: the column of addresses (default: the one named "address", else the one whose cells are addresses)',
      )
      .option('--tx <hash>', 'screen every address of a stored transaction')
      .option('--chain <chain>', 'chain of the addresses (default: from the form; 0x… is ethereum)')
      .option('--rules <yaml>', 'risk rules file (default: the shipped default-risk-rules.yaml)')
      .option(
        '--hops <n>',
        `hops of indirect exposure through counterparties (0 = own labels only)`,
        parseHops,
        DEFAULT_HOPS,
      )
      .option(
        '--as-of <date>',
        'labels valid on this day and transfers up to it (default: today, UTC)',
      )
      .option(
        '--format <format>',
        `output: ${FORMATS.join(', ')} (default table; --json is json)`,
        parseFormat,
      ),
  ).action(async (addresses: string[], options: ScreenOptions) => {
    const { runScreen } = await import('../run/screen.ts');
    await runScreen(ctx, addresses, options);
  });
}
