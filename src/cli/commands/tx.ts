import type { Command } from 'commander';
import type { CliContext, GlobalOptions } from '../context.ts';
import { withGlobalOptions } from '../options.ts';

export type TxOptions = GlobalOptions & { chain: string };

/**
 * `chaintrail tx <txid> --chain bitcoin`: a UTXO transaction as the store holds it, its inputs and
 * outputs with address and value, its fee, block and time, and its bridge events. With `--json`,
 * values are satoshis as decimal strings.
 *
 * @example
 * chaintrail tx 7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a --chain bitcoin --json
 */
export function registerTxCommand(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command('tx')
      .description(
        'a stored Bitcoin transaction: inputs and outputs (address, value), fee, block, time',
      )
      .argument('<txid>', 'transaction id (64 hex digits)')
      .option(
        '--chain <chain>',
        'a Bitcoin chain (bitcoin, bitcoin-testnet, bitcoin-regtest)',
        'bitcoin',
      ),
  ).action(async (input: string, options: TxOptions) => {
    const { runTx } = await import('../run/tx.ts');
    await runTx(ctx, input, options);
  });
}
