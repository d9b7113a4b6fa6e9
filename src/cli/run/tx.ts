import { readUtxoTransaction } from '../../chains/bitcoin/read-transaction.ts';
import { NotFoundError, UserError } from '../../errors/base.ts';
import { getChain } from '../../model/chains.ts';
import { formatTimestamp } from '../../model/time.ts';
import { normalizeTxHash } from '../../model/tx-hash.ts';
import type { TxOptions } from '../commands/tx.ts';
import type { CliContext } from '../context.ts';
import { alignAmounts, formatAssetAmount, formatTable, printJson } from '../output.ts';
import { withStore } from '../with-store.ts';

/**
 * Runs `chaintrail tx` (its options and help: src/cli/commands/tx.ts).
 *
 * @example
 * await runTx(ctx, txid, { chain: 'bitcoin' });
 */
export async function runTx(ctx: CliContext, input: string, options: TxOptions): Promise<void> {
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
  const tx = await withStore(ctx, options, (store) => readUtxoTransaction({ store, chain, txid }));
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
}
