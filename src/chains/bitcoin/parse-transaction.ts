import { Transaction } from 'bitcoinjs-lib';
import { UserError } from '../../errors/base.ts';
import type { BitcoinTransaction } from './types.ts';

/** A transaction id or outpoint hash as written (display order): the reverse of the wire bytes. */
export function displayHash(wire: Uint8Array): string {
  return Buffer.from(wire).reverse().toString('hex');
}

/**
 * A transaction from its serialisation (what `getrawtransaction`, verbose blocks' `hex` and raw
 * blocks hold), decoded by bitcoinjs-lib: exact satoshis, scripts as bytes, inputs' outpoints; the
 * coinbase input is left out. Input values are not in a transaction: they stay null until
 * resolved.
 *
 * @example
 * const tx = fromBitcoinjs(Transaction.fromHex(hex));
 */
export function fromBitcoinjs(tx: Transaction, txid: string = tx.getId()): BitcoinTransaction {
  const coinbase = tx.isCoinbase();
  return {
    txid,
    coinbase,
    inputs: coinbase
      ? []
      : tx.ins.map((i) => ({ txid: displayHash(i.hash), vout: i.index, prevout: null })),
    outputs: tx.outs.map((o) => ({ value: o.value, script: o.script })),
  };
}

/**
 * {@link fromBitcoinjs} of a hex serialisation; a malformed one is an error naming the transaction.
 *
 * @example
 * parseTransactionHex(rawHex).outputs[0].value; // 5000000000n
 */
export function parseTransactionHex(hex: string, expectedTxid?: string): BitcoinTransaction {
  let tx: Transaction;
  try {
    tx = Transaction.fromHex(hex);
  } catch (error) {
    throw new UserError(
      `Transaction ${expectedTxid ?? '(unknown)'} cannot be decoded: ${(error as Error).message}`,
      { code: 'RPC_BAD_RESPONSE', cause: error },
    );
  }
  const txid = tx.getId();
  if (expectedTxid !== undefined && txid !== expectedTxid)
    throw new UserError(`Transaction ${expectedTxid} decodes to id ${txid}`, {
      code: 'RPC_BAD_RESPONSE',
    });
  return fromBitcoinjs(tx, txid);
}
