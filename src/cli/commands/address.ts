import { type Command, InvalidArgumentError } from 'commander';
import type { CliContext, GlobalOptions } from '../context.ts';
import { parseNonNegativeInt, withGlobalOptions } from '../options.ts';

/**
 * `chaintrail address <addr>`: totals in/out per asset, first/last seen, top counterparties, labels.
 *
 * @example
 * chaintrail address 0x47666Fab8bd0Ac7003bce3f5C3585383F09486E2 --json
 */
export function registerAddressCommand(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command('address')
      .description('what an address received and sent, when, and with whom')
      .argument('<address>', 'address in any accepted form (EVM: lowercase or EIP-55)')
      .option(
        '--chain <chain>',
        'chain of the address (default: from its form, as screen tells it: 0x… is ethereum, T…/41… tron, bc1…/1…/3… bitcoin)',
      )
      .option('--top <n>', 'how many counterparties to list', parseNonNegativeInt, 10)
      .option(
        '--transfers <n>',
        'also list its first n transfers (in block order), each with the seed that traces it alone (`<tx hash>:<position>`)',
        parseNonNegativeInt,
      )
      .option(
        '--direction <in|out>',
        'with --transfers: only what it received (in) or sent (out)',
        (v: string) => {
          if (v !== 'in' && v !== 'out') throw new InvalidArgumentError('expected in or out');
          return v;
        },
      ),
  ).action(async (input: string, options: AddressOptions) => {
    const { runAddress } = await import('../run/address.ts');
    await runAddress(ctx, input, options);
  });
}

export type AddressOptions = GlobalOptions & {
  chain?: string;
  top: number;
  transfers?: number;
  direction?: 'in' | 'out';
};
