import type { Command } from 'commander';
import { readUtxoTransaction } from '../../chains/bitcoin/read-transaction.ts';
import { NotFoundError, UserError } from '../../errors/base.ts';
import { getChain } from '../../model/chains.ts';
import { formatTimestamp } from '../../model/time.ts';
import { normalizeTxHash } from '../../model/tx-hash.ts';
import { type CliContext, type GlobalOptions, withStore } from '../context.ts';
import { withGlobalOptions } from '../options.ts';
import { alignAmounts, formatAssetAmount, formatTable, printJson } from '../output.ts';

type TxOptions = GlobalOptions & { chain: string };

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
    const chain = getChain(options.chain);
    if (chain.family !== 'bitcoin')
      throw new UserError(
        `chaintrail tx reads UTXO transactions; ${chain.key} is not a Bitcoin chain`,
        {
          code: 'BAD_USAGE',
          details: `For an account chain, list a transaction's transfers with GET /v1/transactions/${chain.key}/<hash>.`,
        },
      );
    const txid = normalizeTxHash(chain, input);
    const tx = await withStore(ctx, options, (store) =>
      readUtxoTransaction({ store, chain, txid }),
    );
    if (tx === null)
      throw new NotFoundError(`No ${chain.key} transaction ${txid} in the store`, {
        code: 'TX_NOT_FOUND',
        details: 'Sync or import its block first.',
      });
    if (options.json)
      return printJson({
        chain: tx.chain,
        txid: tx.txid,
        block: tx.block.number,
        blockHash: tx.block.hash,
        time: tx.block.time === null ? null : formatTimestamp(tx.block.time),
        coinbase: tx.coinbase,
        inputs: tx.inputs,
        outputs: tx.outputs,
        fee: tx.fee,
        events: tx.events,
      });
    const coin = { symbol: chain.nativeSymbol, decimals: chain.nativeDecimals };
    const legs = (list: typeof tx.inputs) => {
      const values = alignAmounts(list.map((l) => formatAssetAmount(l.value, coin)));
      return formatTable(
        ['#', 'address', 'value'],
        list.map((l, i) => [String(l.index), l.address ?? '(none)', values[i]!]),
      );
    };
    const lines = [
      `${tx.txid} on ${tx.chain}`,
      `block ${tx.block.number}${tx.block.hash ? ` ${tx.block.hash}` : ''}${tx.block.time === null ? '' : `, ${formatTimestamp(tx.block.time)}`}`,
      '',
      tx.coinbase ? 'inputs: none (coinbase)' : `inputs (${tx.inputs.length}):\n${legs(tx.inputs)}`,
      '',
      `outputs (${tx.outputs.length}):\n${legs(tx.outputs)}`,
      '',
      `fee: ${tx.fee === null ? 'none (coinbase)' : formatAssetAmount(tx.fee, coin)}`,
      ...tx.events.map(
        (e) =>
          `event: ${e.type}${'protocol' in e && e.protocol ? ` (${e.protocol})` : ''}${'memo' in e && e.memo ? ` memo ${e.memo}` : ''}`,
      ),
    ];
    ctx.stdout.write(`${lines.join('\n')}\n`);
  });
}
